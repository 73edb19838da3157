"""Loads a tool object's landing files into DuckDB: once per file content, bad rows aside.

Every file is loaded in its own transaction together with its line in `raw._loaded_files`,
so a crash or an unreadable file never leaves half a file behind, and a file whose content
was loaded before (under any name) is skipped. Rows that fail validation go to
`raw._quarantine` with the file, the row number, the field and the reason; the file itself
is never touched.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from intel_assets.sources.spec import RawObject, Record, UnreadableFile
from intel_assets.sources.validation import checked_records_sql, quoted
from intel_assets.warehouse import first_row

RAW_SCHEMA = "raw"
MANIFEST = f"{RAW_SCHEMA}._loaded_files"
QUARANTINE = f"{RAW_SCHEMA}._quarantine"
BATCH_ROWS = 100_000
STREAM_BYTES = 64 << 20  # files larger than this stream in batches instead of being read whole
LINEAGE_COLUMNS = (
    ("_source_file", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
)


@dataclass
class FileResult:
    path: str
    rows_loaded: int
    rows_quarantined: int


@dataclass
class LoadReport:
    """What one load of one object did; the figures go on the asset's materialization."""

    table: str
    files_seen: int = 0
    files_skipped: int = 0
    loaded: list[FileResult] = field(default_factory=list)
    unreadable: list[UnreadableFile] = field(default_factory=list)
    total_rows: int = 0

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.loaded)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.loaded)


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, obj: RawObject) -> None:
    """Creates the raw schema, the bookkeeping tables and the object's table; a column added
    to the declaration later is added to an existing table instead of failing the load."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {MANIFEST} (
            table_name VARCHAR, source_file VARCHAR, file_sha256 VARCHAR, file_bytes BIGINT,
            rows_loaded BIGINT, rows_quarantined BIGINT, loaded_at TIMESTAMP)"""
    )
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {QUARANTINE} (
            table_name VARCHAR, source_file VARCHAR, file_sha256 VARCHAR, row_number BIGINT,
            field VARCHAR, reason VARCHAR, record VARCHAR, loaded_at TIMESTAMP)"""
    )
    wanted = [(c.name, c.duckdb_type) for c in obj.columns] + list(LINEAGE_COLUMNS)
    table = f"{RAW_SCHEMA}.{quoted(obj.table)}"
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {table} ("
        + ", ".join(f"{quoted(n)} {t}" for n, t in wanted)
        + ")"
    )
    existing = {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ?",
            [RAW_SCHEMA, obj.table],
        ).fetchall()
    }
    for name, duck_type in wanted:
        if name not in existing:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {quoted(name)} {duck_type}")


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_object(
    con: duckdb.DuckDBPyConnection,
    obj: RawObject,
    folder: Path,
    *,
    loaded_at: datetime | None = None,
) -> LoadReport:
    """Loads every new file of `obj` found in `folder`; unreadable files are reported, not
    raised, so that the readable ones still load.

    Small files are read whole and loaded together, many to a transaction, since a DuckDB
    transaction costs tens of milliseconds; a large file streams in batches inside its own.
    Either way a file's rows and its manifest line commit together.
    """
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    ensure_raw_tables(con, obj)
    stamp = (loaded_at or datetime.now(UTC)).replace(tzinfo=None)
    report = LoadReport(table=obj.table)
    pending: list[_PendingFile] = []
    pending_rows = 0
    known = _loaded_digests(con, obj.table)

    for path in obj.files(folder):
        report.files_seen += 1
        digest = file_digest(path)
        if digest in known:
            report.files_skipped += 1
            continue
        relative = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
        try:
            if path.stat().st_size > STREAM_BYTES:
                report.loaded.extend(
                    _write_files(con, obj, [_PendingFile(relative, digest, path)], stamp)
                )
                known.add(digest)
                continue
            records = _read_whole(obj, path)
        except UnreadableFile as error:
            report.unreadable.append(error)
            continue
        known.add(digest)
        pending.append(_PendingFile(relative, digest, path, records))
        pending_rows += len(records)
        if pending_rows >= BATCH_ROWS:
            report.loaded.extend(_write_files(con, obj, pending, stamp))
            pending, pending_rows = [], 0
    if pending:
        report.loaded.extend(_write_files(con, obj, pending, stamp))

    report.total_rows = first_row(con, f"SELECT count(*) FROM {RAW_SCHEMA}.{quoted(obj.table)}")[0]
    return report


@dataclass
class _PendingFile:
    relative: str
    digest: str
    path: Path
    records: list[Record] | None = None  # None: stream from the file while writing


def _loaded_digests(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        f"SELECT DISTINCT file_sha256 FROM {MANIFEST} WHERE table_name = ?", [table]
    ).fetchall()
    return {row[0] for row in rows}


def _read_whole(obj: RawObject, path: Path) -> list[Record]:
    """All records of a file. The cyclic garbage collector is paused meanwhile: it would
    otherwise rescan the growing list of records again and again, tripling read time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return list(obj.reader(path))
    finally:
        if collecting:
            gc.enable()


def _write_files(
    con: duckdb.DuckDBPyConnection,
    obj: RawObject,
    files: list[_PendingFile],
    stamp: datetime,
) -> list[FileResult]:
    """Validates and inserts the records of `files`, with their manifest lines, in one
    transaction; a file that turns out unreadable midway rolls the whole group back."""
    checked = checked_records_sql(obj.columns, "_batch")
    target = f"{RAW_SCHEMA}.{quoted(obj.table)}"
    names = ", ".join(quoted(c.name) for c in obj.columns)
    counts = {index: [0, 0] for index in range(len(files))}

    con.begin()
    try:
        for batch in _batches(files, obj, BATCH_ROWS):
            con.register("_batch", batch)
            con.execute(f"CREATE OR REPLACE TEMP TABLE _checked AS {checked}")
            con.unregister("_batch")
            con.register("_files", _file_table(files, obj.table, stamp))
            con.execute(
                f"INSERT INTO {target} ({names}, _source_file, _row_number, _loaded_at) "
                f"SELECT {names}, f.source_file, c.row_number, f.loaded_at "
                "FROM _checked c JOIN _files f USING (file_index) WHERE c._reason IS NULL "
                "ORDER BY c.file_index, c.row_number"
            )
            con.execute(
                f"INSERT INTO {QUARANTINE} SELECT f.table_name, f.source_file, f.file_sha256, "
                "c.row_number, c._field, c._reason, c.text, f.loaded_at "
                "FROM _checked c JOIN _files f USING (file_index) WHERE c._reason IS NOT NULL "
                "ORDER BY c.file_index, c.row_number"
            )
            for index, good, bad in con.execute(
                "SELECT file_index, count(*) FILTER (_reason IS NULL), "
                "count(*) FILTER (_reason IS NOT NULL) FROM _checked GROUP BY file_index"
            ).fetchall():
                counts[index][0] += good
                counts[index][1] += bad
            con.unregister("_files")
        con.register("_manifest", _manifest_table(files, counts, obj.table, stamp))
        con.execute(f"INSERT INTO {MANIFEST} SELECT * FROM _manifest")
        con.unregister("_manifest")
        con.execute("DROP TABLE IF EXISTS _checked")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return [FileResult(f.relative, *counts[i]) for i, f in enumerate(files)]


def _manifest_table(
    files: list[_PendingFile], counts: dict[int, list[int]], table: str, stamp: datetime
) -> pa.Table:
    return pa.table(
        {
            "table_name": _strings([table] * len(files)),
            "source_file": _strings([f.relative for f in files]),
            "file_sha256": _strings([f.digest for f in files]),
            "file_bytes": _ints([f.path.stat().st_size for f in files]),
            "rows_loaded": _ints([counts[i][0] for i in range(len(files))]),
            "rows_quarantined": _ints([counts[i][1] for i in range(len(files))]),
            "loaded_at": pa.array(np.full(len(files), np.datetime64(stamp, "us"))),
        }
    )


def _file_table(files: list[_PendingFile], table: str, stamp: datetime) -> pa.Table:
    return pa.table(
        {
            "file_index": _ints(list(range(len(files)))),
            "table_name": _strings([table] * len(files)),
            "source_file": _strings([f.relative for f in files]),
            "file_sha256": _strings([f.digest for f in files]),
            "loaded_at": pa.array(np.full(len(files), np.datetime64(stamp, "us"))),
        }
    )


def _records_of(files: list[_PendingFile], obj: RawObject) -> Iterator[tuple[int, Record]]:
    for index, file in enumerate(files):
        records = file.records if file.records is not None else obj.reader(file.path)
        for record in records:
            yield index, record


def _batches(files: list[_PendingFile], obj: RawObject, size: int) -> Iterator[pa.Table]:
    iterator = _records_of(files, obj)
    while chunk := list(islice(iterator, size)):
        yield pa.table(
            {
                "file_index": _ints([i for i, _ in chunk]),
                "row_number": _ints([r.row_number for _, r in chunk]),
                "text": _strings([r.text for _, r in chunk]),
                "error": _strings([r.error for _, r in chunk]),
            }
        )


# pyarrow converts Python lists element by element and slowly (seconds per 100,000 ints),
# and builds 32-bit-offset strings from numpy far slower than 64-bit ones (3 s against
# 0.04 s for 100,000 records here): numpy first, then large strings.
def _ints(values: list[int]) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64))


def _strings(values: list[str | None]) -> pa.Array:
    return pa.array(np.asarray(values, dtype=object), pa.large_string())
