"""Readers that turn one export file into numbered records, whatever its envelope.

Records leave here as JSON text so that one SQL pass in DuckDB can pull, cast and validate
every field of every record at once; Python only undoes the envelope.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import orjson

from intel_assets.sources.spec import Reader, Record, UnreadableFile


def _open_text(path: Path) -> IO[str]:
    """Opens plain or gzip text; the gzip check reads the magic bytes, not the name.

    A leading byte order mark (Excel's "CSV UTF-8" writes one) is dropped, or it would
    become part of the first column's name. Line ends stay as written, for the csv module.
    """
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", errors="replace",
                                newline="")
    return path.open(encoding="utf-8-sig", errors="replace", newline="")


def _lines_as_records(lines: Iterator[str]) -> Iterator[Record]:
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        yield Record(number, text)


def jsonl() -> Reader:
    """One JSON object per line, plain or gzip (Mixpanel export, webhook bodies)."""

    def read(path: Path) -> Iterator[Record]:
        try:
            with _open_text(path) as handle:
                yield from _lines_as_records(iter(handle))
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise UnreadableFile(path, str(error)) from error

    return read


def zipped_gzip_jsonl() -> Reader:
    """A zip archive of gzip files of JSON lines (Amplitude's Export API).

    Row numbers run on across the archive's entries in name order, so that a row number
    still finds one line; the quarantine keeps the entry name beside it.
    """

    def read(path: Path) -> Iterator[Record]:
        try:
            archive = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as error:
            raise UnreadableFile(path, f"not a zip archive ({error})") from error
        with archive:
            number = 0
            for entry in sorted(archive.namelist()):
                if entry.endswith("/"):
                    continue
                try:
                    raw = gzip.decompress(archive.read(entry))
                except (OSError, EOFError, zipfile.BadZipFile) as error:
                    raise UnreadableFile(path, f"entry {entry} is not gzip ({error})") from error
                for line in raw.decode("utf-8", errors="replace").splitlines():
                    number += 1
                    if line.strip():
                        yield Record(number, line.strip())

    return read


def json_document(list_path: Sequence[str | int] = ()) -> Reader:
    """A JSON document whose records sit in a list at `list_path`.

    `list_path` walks keys (and `"*"`, which flattens a list of pages, as in Google Ads'
    searchStream array of batches). An empty path means the document is the list itself.
    """

    def read(path: Path) -> Iterator[Record]:
        try:
            document = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as error:
            raise UnreadableFile(path, f"not valid JSON ({error})") from error
        records = _walk(document, list(list_path), path)
        for number, record in enumerate(records, start=1):
            yield Record(number, orjson.dumps(record).decode())

    return read


def _walk(node: Any, steps: list[str | int], path: Path) -> list[Any]:
    if not steps:
        if not isinstance(node, list):
            raise UnreadableFile(path, f"expected a list of records, found {type(node).__name__}")
        return node
    step, rest = steps[0], steps[1:]
    if step == "*":
        if not isinstance(node, list):
            raise UnreadableFile(path, "expected a list of pages")
        return [record for page in node for record in _walk(page, rest, path)]
    if not isinstance(node, dict) or step not in node:
        raise UnreadableFile(path, f"the envelope has no {step!r}")
    return _walk(node[step], rest, path)


def avro() -> Reader:
    """An Avro object container file (Heap Connect on S3, Braze Currents)."""

    def read(path: Path) -> Iterator[Record]:
        import fastavro

        try:
            handle = path.open("rb")
            records = fastavro.reader(handle)
        except (OSError, ValueError, fastavro.read.SchemaResolutionError) as error:
            raise UnreadableFile(path, f"not an Avro container ({error})") from error
        with handle:
            number = 0
            try:
                for number, record in enumerate(records, start=1):
                    yield Record(number, orjson.dumps(record, default=str).decode())
            except (EOFError, ValueError, OSError) as error:
                yield Record(number + 1, None, f"Avro block cannot be decoded: {error}")

    return read


def csv_rows(*, fold_header: bool = False) -> Reader:
    """A CSV file with a header row (Salesforce Bulk API 2.0, survey exports).

    Row numbers are physical line numbers, the header being line 1, so a user can open the
    file at the row the quarantine names. Empty cells become missing values. With
    `fold_header`, names are trimmed and lower-cased, for a contract whose column names are
    lower case and a file written by hand or by a spreadsheet (`Email `, `Created_At`).
    """

    def read(path: Path) -> Iterator[Record]:
        try:
            with _open_text(path) as handle:
                rows = csv.reader(handle)
                header = next(rows, None)
                if not header:
                    return
                if fold_header:
                    header = [name.strip().lower() for name in header]
                _refuse_other_separators(path, header)
                width = len(header)
                while True:
                    try:
                        values = next(rows)
                    except StopIteration:
                        return
                    except csv.Error as error:
                        yield Record(rows.line_num, None, f"CSV cannot be parsed: {error}")
                        continue
                    if not values:
                        continue
                    if len(values) != width:
                        yield Record(
                            rows.line_num,
                            orjson.dumps(values).decode(),
                            f"expected {width} fields, found {len(values)}",
                        )
                        continue
                    record = {k: (v if v != "" else None) for k, v in zip(header, values)}
                    yield Record(rows.line_num, orjson.dumps(record).decode())
        except (OSError, UnicodeError) as error:
            raise UnreadableFile(path, str(error)) from error

    return read


OTHER_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def _refuse_other_separators(path: Path, header: list[str]) -> None:
    """A header read as one column that holds another separator is a file saved with that
    separator (a spreadsheet set to a European locale writes semicolons). Read as commas,
    each row would be quarantined for a missing field, which hides the cause."""
    if len(header) != 1:
        return
    for separator, name in OTHER_SEPARATORS.items():
        if separator in header[0]:
            raise UnreadableFile(
                path, f"the header is one column holding {name}s: the file looks "
                      f"{name}-separated, and CSV files here are comma-separated")


def parquet_rows() -> Reader:
    """A Parquet file, for tools plugged in through a generic contract."""

    def read(path: Path) -> Iterator[Record]:
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except (OSError, ValueError) as error:
            raise UnreadableFile(path, f"not a Parquet file ({error})") from error
        for number, record in enumerate(table.to_pylist(), start=1):
            yield Record(number, orjson.dumps(record, default=str).decode())

    return read
