"""Refresh latency: seconds from a new export file landing to a newer `insights/insights`.

With the real daemon and webserver (`intel ui`, a process group on 127.0.0.1), drops one
re-exported file into one landing folder and waits until the target asset has a newer
materialization, then reads the Dagster event log to say where the time went: sensor
pickup, queueing and process start of each run, and the steps by layer (raw, dbt staging
and intermediate, identity, dbt marts, model scoring, insights, checks). The figures are
printed, and as JSON on the last line.

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


def _breakdown(instance, dropped_at: float) -> dict:
    """Where the time went, from the runs created after the drop."""
    import dagster as dg
    from dagster._core.events import DagsterEventType

    after = datetime.fromtimestamp(dropped_at, UTC)
    records = sorted(instance.get_run_records(dg.RunsFilter(created_after=after)),
                     key=lambda r: r.create_timestamp.timestamp())
    stages: dict[str, float] = {name: 0.0 for name, _ in STAGES}
    stages["checks and other steps"] = 0.0
    runs, waits = [], {"sensor pickup": 0.0, "between runs (automation pickup)": 0.0,
                       "queued": 0.0, "run process start": 0.0, "run teardown": 0.0}
    previous_end = None
    for record in records:
        run = record.dagster_run
        created = record.create_timestamp.timestamp()
        if previous_end is None:
            waits["sensor pickup"] += created - dropped_at
        else:
            waits["between runs (automation pickup)"] += max(0.0, created - previous_end)
        starts, first_step, last_step = {}, None, None
        for entry in instance.all_logs(run.run_id, of_type={DagsterEventType.STEP_START,
                                                            DagsterEventType.STEP_SUCCESS,
                                                            DagsterEventType.STEP_FAILURE}):
            step = entry.dagster_event.step_key
            if entry.dagster_event.event_type == DagsterEventType.STEP_START:
                starts[step] = entry.timestamp
                first_step = first_step or entry.timestamp
            elif step in starts:
                stages[_stage(step)] += entry.timestamp - starts[step]
                last_step = entry.timestamp
        if record.start_time and first_step:
            waits["queued"] += record.start_time - created
            waits["run process start"] += first_step - record.start_time
        if record.end_time and last_step:
            waits["run teardown"] += record.end_time - last_step
        previous_end = record.end_time or previous_end
        runs.append({"run_id": run.run_id[:8], "trigger": run.tags.get("intel/trigger", ""),
                     "status": run.status.value, "steps": len(starts),
                     "seconds": round((record.end_time or time.time()) - created, 1)})
    return {"stages": {k: round(v, 1) for k, v in stages.items()},
            "overheads": {k: round(v, 1) for k, v in waits.items()}, "runs": runs}


def _stage(step: str) -> str:
    for name, prefixes in STAGES:
        if step.startswith(prefixes) and not step.endswith(("_check", "_fresh")):
            return name
    return "checks and other steps"


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
        before = _latest(instance, target)
        dropped_at = time.time()
        dropped = _drop_file(home / "landing")
        print(f"dropped {dropped.name}; waiting for a newer {'/'.join(target)} ...")
        while (_latest(instance, target) or 0) <= (before or 0):
            if time.time() - dropped_at > args.timeout:
                raise SystemExit(f"no newer {'/'.join(target)} within {args.timeout}s")
            time.sleep(0.5)
        seconds = (_latest(instance, target) or 0) - dropped_at
        breakdown = _breakdown(instance, dropped_at)
    finally:
        ui.stop()

    print(f"\n{'/'.join(target)} newer {seconds:.1f}s after the file landed "
          f"({args.customers:,} customers; target under 60 s)")
    for name, value in {**breakdown["overheads"], **breakdown["stages"]}.items():
        print(f"  {name:<36} {value:6.1f}s")
    for run in breakdown["runs"]:
        print(f"  run {run['run_id']} {run['trigger']:<11} {run['status']:<8} "
              f"{run['steps']:>3} steps {run['seconds']:6.1f}s")
    print(json.dumps({"benchmark": "refresh_latency", "target": "/".join(target),
                      "customers": args.customers, "seed": None if args.home else args.seed,
                      "seconds": round(seconds, 1), **breakdown}))


if __name__ == "__main__":
    main()
