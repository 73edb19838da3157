"""Refresh latency: seconds from a new export file landing to a newer `insights/insights`.

With the real daemon and webserver (`intel ui`, a process group on 127.0.0.1), drops one
re-exported file into one landing folder and waits until the target asset has a newer
materialization, then reads the Dagster event log to say where the time went, in segments
that add up to the latency: the sensors noticing (the landing file, then the raw load),
and for each of the two runs its time queued, its process start (a new Python process
importing Dagster, then the definitions), its setup, its steps (by layer: raw, dbt staging
and intermediate, identity, dbt marts, model scoring, insights, checks) and its teardown.
The figures are printed with the load average and whether Python found its bytecode
compiled, and as JSON on the last line.

    .venv/bin/python benchmarks/refresh_latency.py --customers 10000 --seed 5

The dropped file is an existing Stripe invoices export written again with other
whitespace: new content to the loader (a new hash), the same invoices to the models,
as when a tool re-exports an overlapping window. When the graph has no insights asset yet
the newest asset the graph has is measured instead, and the output says which.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = (["insights", "insights"], ["model", "churn_scores"], ["marts", "customers"])
STAGES = (
    ("raw", ("raw__",)),
    ("dbt staging+intermediate", ("dbt_staging_intermediate",)),
    ("identity", ("identity__",)),
    ("dbt identified+marts", ("dbt_marts",)),
    ("model scoring", ("model__",)),
    ("insights", ("insights__",)),
)


def _intel(home: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTEL_", "DAGSTER_HOME"))}
    subprocess.run([str(Path(sys.executable).with_name("intel")), *args], cwd=ROOT, check=True,
                   env={**env, "INTEL_HOME": str(home), "DAGSTER_TELEMETRY_DISABLED": "1"},
                   stdout=subprocess.DEVNULL)


def _instance(home: Path):
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    return dg.DagsterInstance.get()


def _latest(instance, path: list[str]) -> float | None:
    import dagster as dg

    records = instance.fetch_materializations(dg.AssetKey(path), limit=1).records
    return records[0].timestamp if records else None


def _target(instance) -> list[str]:
    """The first of TARGETS the demo materialized."""
    for path in TARGETS:
        if _latest(instance, path) is not None:
            return path
    raise SystemExit("the demo materialized none of " + ", ".join("/".join(t) for t in TARGETS))


def _drop_file(landing: Path) -> Path:
    files = sorted((landing / "stripe").rglob("invoices*.json"))
    earlier = sum("redelivered" in f.name for f in files)
    source = next(f for f in files if "redelivered" not in f.name)
    target = source.with_name(f"invoices_redelivered_{int(time.time())}.json")
    temporary = target.with_name("." + target.name)
    # Trailing newlines differ per drop, so a second run on the same home is new content
    # again (the loader skips content it has seen, whatever the file's name).
    text = json.dumps(json.loads(source.read_text()), indent=1) + "\n" * (earlier + 1)
    temporary.write_text(text)
    temporary.rename(target)  # as a careful exporter does: the file appears whole
    return target


def _wait_idle(instance, seconds: float = 600) -> None:
    """Until no run is queued or running (the sensors' first ticks may start some)."""
    import dagster as dg

    busy = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING,
            dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.NOT_STARTED]
    deadline = time.monotonic() + seconds
    quiet_since = None
    while time.monotonic() < deadline:
        if instance.get_runs_count(dg.RunsFilter(statuses=busy)):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 15:
            return
        time.sleep(1)
    raise TimeoutError("the instance never became idle")


def _breakdown(instance, dropped_at: float, target: list[str]) -> dict:
    """Where the time went, from the event log: the chain of runs from the landing run to the
    run that materialized the target, each cut into queueing, process start (a new Python
    process importing Dagster, then the definitions), run setup, steps by stage and teardown,
    and the gaps between them (the sensors noticing). The segments add up to the latency."""
    import dagster as dg

    latest = instance.fetch_materializations(dg.AssetKey(target), limit=1).records[0]
    after = datetime.fromtimestamp(dropped_at, UTC)
    records = sorted(instance.get_run_records(dg.RunsFilter(created_after=after)),
                     key=lambda r: r.create_timestamp.timestamp())
    chain = [r for r in records if r.dagster_run.tags.get("intel/trigger") == "landing"][:1]
    chain += [r for r in records if r.dagster_run.run_id == latest.run_id]

    segments: dict[str, float] = {}
    stages: dict[str, float] = {name: 0.0 for name, _ in STAGES}
    stages["checks and other steps"] = 0.0
    runs, cursor = [], dropped_at
    for index, record in enumerate(chain):
        gap = "sensor pickup (landing)" if index == 0 else "automation pickup (refresh)"
        created = record.create_timestamp.timestamp()
        segments[gap] = segments.get(gap, 0.0) + created - cursor
        marks, steps = _run_marks(instance, record.dagster_run.run_id, stop=latest.timestamp)
        cursor = created
        for name, at in marks:
            segments[name] = segments.get(name, 0.0) + at - cursor
            cursor = at
        for step, seconds in steps.items():
            stages[_stage(step)] += seconds
        runs.append({"run_id": record.dagster_run.run_id[:8],
                     "trigger": record.dagster_run.tags.get("intel/trigger", ""),
                     "status": record.dagster_run.status.value, "steps": len(steps),
                     "seconds": round(cursor - created, 1)})
    others = [r for r in records if r not in chain and r.start_time
              and r.start_time < latest.timestamp]
    return {"segments": {k: round(v, 1) for k, v in segments.items()},
            "stages": {k: round(v, 1) for k, v in stages.items()}, "runs": runs,
            "other_runs_started_before_target": len(others), "target_run_id": latest.run_id}


def _run_marks(instance, run_id: str, *, stop: float) -> tuple[list, dict[str, float]]:
    """A run's milestones up to `stop`, as (name of the segment ending there, time), and the
    seconds of each step started by then (a step still running at `stop` counts to it)."""
    events = [(entry.timestamp, entry.dagster_event) for entry in instance.all_logs(run_id)
              if entry.dagster_event is not None and entry.timestamp <= stop + 1e-6]

    def first(kind: str, text: str = "") -> float | None:
        return next((at for at, event in events if event.event_type_value == kind
                     and text in (event.message or "")), None)

    starts = {e.step_key: at for at, e in events if e.event_type_value == "STEP_START"}
    ends = {e.step_key: at for at, e in events
            if e.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE")}
    steps = {key: ends.get(key, stop) - at for key, at in starts.items()}
    last_step = max([*ends.values(), *([stop] if set(starts) - set(ends) else [])],
                    default=None)
    candidates = [
        ("queued", first("PIPELINE_STARTING")),
        ("run process start (Python, Dagster)", first("ENGINE_EVENT", "Started process")),
        ("run process start (definitions)", first("PIPELINE_START")),
        ("run setup (resources, plan)", min(starts.values(), default=None)),
        ("steps", last_step),
        ("run teardown", first("PIPELINE_SUCCESS") or first("PIPELINE_FAILURE")),
    ]
    return [(name, at) for name, at in candidates if at is not None], steps


def _stage(step: str) -> str:
    for name, prefixes in STAGES:
        if step.startswith(prefixes) and not step.endswith(("_check", "_fresh")):
            return name
    return "checks and other steps"


def _wait_finished(instance, run_id: str, seconds: float = 180) -> None:
    """Until the run that materialized the target has finished its remaining checks, so that
    stopping the UI does not interrupt it and leave a failed run for the next measurement."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            return
        time.sleep(1)


def _bytecode() -> str:
    """Whether the processes a refresh starts find Dagster compiled: without bytecode every
    run process compiles Dagster, dbt and pandas from source, seconds per process."""
    import importlib.util

    origin = importlib.util.find_spec("dagster").origin
    if Path(importlib.util.cache_from_source(origin)).exists():
        return "compiled"
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "not compiled (PYTHONDONTWRITEBYTECODE is set: every process compiles)"
    return "not compiled yet (the first processes write it)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--home", type=Path, help="reuse a demo home instead of generating one")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    from intel_assets.automation.ui_process import start_ui

    home = args.home or Path(tempfile.mkdtemp(prefix="refresh-latency-"))
    if not args.home:
        print(f"generating {args.customers:,} customers (seed {args.seed}) in {home} ...")
        _intel(home, "demo", "--customers", str(args.customers), "--seed", str(args.seed))
    instance = _instance(home)
    target = _target(instance)
    ui = start_ui(home, log_path=home / "benchmark-ui.log")
    try:
        _wait_idle(instance)
        load_before = os.getloadavg()[0]
        before = _latest(instance, target)
        dropped_at = time.time()
        dropped = _drop_file(home / "landing")
        print(f"dropped {dropped.name}; waiting for a newer {'/'.join(target)} ...")
        while (_latest(instance, target) or 0) <= (before or 0):
            if time.time() - dropped_at > args.timeout:
                raise SystemExit(f"no newer {'/'.join(target)} within {args.timeout}s")
            time.sleep(0.5)
        seconds = (_latest(instance, target) or 0) - dropped_at
        load_after = os.getloadavg()[0]
        breakdown = _breakdown(instance, dropped_at, target)
        _wait_finished(instance, breakdown["target_run_id"])
    finally:
        ui.stop()

    what = f"home {home}" if args.home else f"{args.customers:,} customers, seed {args.seed}"
    print(f"\n{'/'.join(target)} newer {seconds:.1f}s after the file landed ({what}; "
          f"target under 60 s)")
    print(f"  load average {load_before:.2f} at the drop, {load_after:.2f} at the end; "
          f"bytecode: {_bytecode()}")
    for name, value in breakdown["segments"].items():
        print(f"  {name:<40} {value:6.1f}s")
    print("  of the steps, by stage:")
    for name, value in breakdown["stages"].items():
        print(f"    {name:<38} {value:6.1f}s")
    for run in breakdown["runs"]:
        print(f"  run {run['run_id']} {run['trigger']:<11} {run['status']:<8} "
              f"{run['steps']:>3} steps {run['seconds']:6.1f}s")
    if breakdown["other_runs_started_before_target"]:
        print(f"  {breakdown['other_runs_started_before_target']} other run(s) went first")
    print(json.dumps({"benchmark": "refresh_latency", "target": "/".join(target),
                      "customers": None if args.home else args.customers,
                      "seed": None if args.home else args.seed, "seconds": round(seconds, 1),
                      "load": [round(load_before, 2), round(load_after, 2)],
                      "bytecode": _bytecode(), **breakdown}))


if __name__ == "__main__":
    main()
