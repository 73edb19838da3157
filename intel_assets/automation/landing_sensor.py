"""One sensor over every landing folder: a new or re-delivered export file requests a load of
the raw objects it belongs to, and nothing else.

The cursor remembers every file seen (size, modification time and content hash), so:
- a new file, or a file re-delivered under the same name with new content, triggers a load;
- a file seen before, or the same content delivered again under another name, does not
  (the loader would skip it anyway, and the whole graph below would rebuild for nothing);
- a file still being written does not trigger until it has been left untouched for
  `settle_seconds`. A writer that pauses longer than that mid-file is read early: its rows
  so far load, and the finished file, being new content, loads again in full, so its first
  rows are counted twice. Exporters that write under a temporary name (a leading dot or a
  `.tmp`/`.part` suffix, ignored here) and rename when done avoid that entirely.

A tick that finds a file a moment short of settling waits those seconds (up to
`wait_seconds`) and looks again, rather than leaving the file to the next tick: the daemon
evaluates sensors at most every 5 s, so that wait would otherwise add up to 5 s to every
refresh.

On its first tick the sensor has no cursor; a file last modified before the start of the
run that produced its raw asset's latest materialization was there when that run loaded,
so it is recorded without triggering. The sensor never opens the warehouse: DuckDB admits
one process per file and the sensor runs beside the runs that write it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from intel_assets.sources.catalog import stack_objects
from intel_assets.sources.spec import RawObject
from intel_assets.stack import Stack

SENSOR_NAME = "landing_files"
DEFAULT_SETTLE_SECONDS = 3.0
# The daemon's sensor loop runs every 5 s. An interval below that has every loop evaluate
# this sensor; an interval of exactly 5 s skips a loop whenever the previous tick started
# a moment late, so a new file would wait 10 s.
DEFAULT_INTERVAL_SECONDS = 1
IN_PROGRESS_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".filepart")
HASH_CHARS = 32  # half a SHA-256: collisions stay out of reach, the cursor stays small


@dataclass(frozen=True)
class WatchedObject:
    """A raw object and the folder its files arrive in."""

    obj: RawObject
    folder: Path

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey(self.obj.asset_path)

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return [p for p in self.obj.files(self.folder) if not _being_written(p)]


@dataclass(frozen=True)
class SeenFile:
    size: int
    mtime_ns: int
    digest: str

    def to_json(self) -> list:
        return [self.size, self.mtime_ns, self.digest]


def watched_objects(stack: Stack, landing_root: Path) -> list[WatchedObject]:
    return [WatchedObject(obj, stack.landing_dir(obj.tool, landing_root))
            for obj in stack_objects(stack)]


def _being_written(path: Path) -> bool:
    return path.name.startswith((".", "~")) or path.name.endswith(IN_PROGRESS_SUFFIXES)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:HASH_CHARS]


def read_cursor(cursor: str | None) -> dict[str, SeenFile]:
    if not cursor:
        return {}
    data = json.loads(cursor)
    return {path: SeenFile(*values) for path, values in data.get("files", {}).items()}


def write_cursor(seen: Mapping[str, SeenFile]) -> str:
    return json.dumps({"files": {p: s.to_json() for p, s in sorted(seen.items())}},
                      separators=(",", ":"))


@dataclass
class Scan:
    """What one tick found: files to load per object, files still settling, the new cursor."""

    new_files: dict[dg.AssetKey, list[str]]
    settling: list[str]
    seen: dict[str, SeenFile]


def scan(
    watched: Sequence[WatchedObject],
    seen: Mapping[str, SeenFile],
    *,
    loaded_before: Mapping[dg.AssetKey, float],
    settle_seconds: float,
    now: float,
) -> Scan:
    """Compares the landing folders with the cursor. `loaded_before` holds, per raw asset,
    the start time of the run behind its latest materialization; it is used only for files
    the cursor has never seen."""
    result = Scan(new_files={}, settling=[], seen=dict(seen))
    known_digests = {s.digest for s in seen.values()}

    for item in watched:
        for path in item.files():
            entry = _settled_change(path, seen.get(str(path)), settle_seconds, now, result)
            if entry is None:
                continue
            result.seen[str(path)] = entry

            first_sight = str(path) not in seen
            loaded = loaded_before.get(item.key, float("-inf"))
            already_loaded = first_sight and entry.mtime_ns / 1e9 < loaded
            if entry.digest in known_digests or already_loaded:
                continue
            known_digests.add(entry.digest)
            result.new_files.setdefault(item.key, []).append(str(path))
    return result


def _settled_change(
    path: Path, previous: SeenFile | None, settle_seconds: float, now: float, found: Scan
) -> SeenFile | None:
    """The file's new entry if it changed since last seen and has stopped changing; None
    if it is unchanged, still being written (noted in `found`) or already gone."""
    try:
        stat = path.stat()
        if previous and (previous.size, previous.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return None
        if now - stat.st_mtime_ns / 1e9 < settle_seconds:
            found.settling.append(str(path))
            return None
        return SeenFile(stat.st_size, stat.st_mtime_ns, _digest(path))
    except FileNotFoundError:
        return None


def scan_settled(
    watched: Sequence[WatchedObject],
    seen: Mapping[str, SeenFile],
    *,
    loaded_before: Mapping[dg.AssetKey, float],
    settle_seconds: float,
    wait_seconds: float,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> Scan:
    """`scan`, waiting within the tick for files that settle within `wait_seconds`. A file
    written to while the tick waits is still settling afterwards and is left to a later tick."""
    found = scan(watched, seen, loaded_before=loaded_before, settle_seconds=settle_seconds,
                 now=clock())
    remaining = _seconds_to_settle(found.settling, settle_seconds, clock())
    if remaining is None or remaining > wait_seconds:
        return found

    sleep(remaining)
    return scan(watched, seen, loaded_before=loaded_before, settle_seconds=settle_seconds,
                now=clock())


def _seconds_to_settle(paths: Sequence[str], settle_seconds: float, now: float) -> float | None:
    """How long until every file in `paths` has been untouched for `settle_seconds`, if it
    is not touched again; None when none of them is still there."""
    remaining = None
    for path in paths:
        try:
            left = Path(path).stat().st_mtime_ns / 1e9 + settle_seconds - now
        except FileNotFoundError:
            continue
        remaining = max(remaining or 0.0, left)
    return remaining


def _latest_load_starts(
    instance: dg.DagsterInstance, keys: Sequence[dg.AssetKey]
) -> dict[dg.AssetKey, float]:
    """When the run behind each raw asset's latest materialization started."""
    starts: dict[dg.AssetKey, float] = {}
    for record in instance.get_asset_records(list(keys)):
        event = record.asset_entry.last_materialization
        if event is None:
            continue
        run = instance.get_run_record_by_id(event.run_id)
        starts[record.asset_entry.asset_key] = (
            run.start_time if run and run.start_time else event.timestamp
        )
    return starts


def _run_requests(
    found: Scan,
    watched: Sequence[WatchedObject],
    ride_along: Mapping[dg.AssetKey, Sequence[dg.AssetCheckKey]],
) -> list[dg.RunRequest]:
    """One run per tool with new files, loading only the objects whose files are new, with
    only the checks in `ride_along` (the slow quality suites run on their own)."""
    tools = {w.key: w.obj.tool for w in watched}
    by_tool: dict[str, list[dg.AssetKey]] = {}
    for key in found.new_files:
        by_tool.setdefault(tools[key], []).append(key)

    requests = []
    for tool, keys in sorted(by_tool.items()):
        files = sorted(f for k in keys for f in found.new_files[k])
        run_key = hashlib.sha1(
            "\n".join(f"{f}:{found.seen[f].digest}" for f in files).encode()
        ).hexdigest()
        requests.append(
            dg.RunRequest(
                run_key=f"{tool}-{run_key[:16]}",
                asset_selection=sorted(keys, key=lambda k: k.to_user_string()),
                asset_check_keys=[c for k in keys for c in ride_along.get(k, ())],
                tags={"intel/trigger": "landing", "intel/tool": tool,
                      "intel/new_files": str(len(files))},
            )
        )
    return requests


def landing_sensor(
    stack: Stack,
    landing_root: Path,
    *,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    wait_seconds: float = 0.0,
    interval_seconds: int = DEFAULT_INTERVAL_SECONDS,
    ride_along: Mapping[dg.AssetKey, Sequence[dg.AssetCheckKey]] | None = None,
) -> dg.SensorDefinition:
    """The sensor watching every landing folder of the stack; with `wait_seconds` 0 a tick
    never waits, and a file still settling is left to a later tick."""
    watched = watched_objects(stack, landing_root)
    keys = [w.key for w in watched]

    @dg.sensor(
        name=SENSOR_NAME,
        asset_selection=dg.AssetSelection.assets(*keys),
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Loads new export files as they arrive below {landing_root}.",
    )
    def _landing_files(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        seen = read_cursor(context.cursor)
        loaded_before = {} if seen else _latest_load_starts(context.instance, keys)
        found = scan_settled(watched, seen, loaded_before=loaded_before,
                             settle_seconds=settle_seconds, wait_seconds=wait_seconds)

        if found.settling:
            context.log.info(f"{len(found.settling)} file(s) still being written, e.g. "
                             f"{found.settling[0]}")
        requests = _run_requests(found, watched, ride_along or {})
        skip = None if requests else "No new export files"
        return dg.SensorResult(run_requests=requests, cursor=write_cursor(found.seen),
                               skip_reason=skip)

    return _landing_files
