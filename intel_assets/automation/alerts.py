"""The alert sensor: failed checks and failed runs reach people without anyone opening the UI.

Each tick reads the runs that finished since the last tick, from the Dagster instance only
(never the warehouse), and turns them into alerts:
- a failed run is one alert;
- a check is alerted when it starts failing, once, however many runs it keeps failing in;
  when it passes again it is re-armed, so its next failure is a new alert.
Every alert goes to every configured sink once. A sink that fails keeps the alert pending
and is tried again on later ticks, up to `MAX_ATTEMPTS`; the other sinks are not resent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster._core.events import DagsterEventType

from intel_assets.automation.sinks import Alert, DeliveryError, Sink

SENSOR_NAME = "failure_alerts"
FIRST_TICK_LOOKBACK_SECONDS = 3600.0
MAX_ATTEMPTS = 10
REMEMBERED_RUNS = 500
FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE,
            dg.DagsterRunStatus.CANCELED]
TEXT_LIMIT = 1500


@dataclass
class AlertState:
    """The sensor's cursor: how far it has read, which checks are failing, what is pending."""

    after: float = 0.0
    runs_read: list[str] = field(default_factory=list)
    failing: dict[str, str] = field(default_factory=dict)  # check -> run where it failed
    pending: list[dict[str, Any]] = field(default_factory=list)  # alert, sinks left, attempts

    @classmethod
    def from_cursor(cls, cursor: str | None, now: float) -> AlertState:
        if not cursor:
            return cls(after=now - FIRST_TICK_LOOKBACK_SECONDS)
        return cls(**json.loads(cursor))

    def to_cursor(self) -> str:
        return json.dumps({"after": self.after, "runs_read": self.runs_read[-REMEMBERED_RUNS:],
                           "failing": self.failing, "pending": self.pending})


def _check_key(asset: dg.AssetKey, check: str) -> str:
    return f"{asset.to_user_string()}:{check}"


def run_alerts(
    instance: dg.DagsterInstance, run: dg.DagsterRun, state: AlertState
) -> list[Alert]:
    """The new alerts one finished run raises; updates which checks are failing."""
    alerts: list[Alert] = []
    for record in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.dagster_event.event_specific_data
        key = _check_key(evaluation.asset_key, evaluation.check_name)
        asset = evaluation.asset_key.to_user_string()
        if evaluation.passed:
            state.failing.pop(key, None)
            continue
        if key in state.failing:
            continue
        state.failing[key] = run.run_id
        severity = "WARNING" if evaluation.severity == dg.AssetCheckSeverity.WARN else "ERROR"
        alerts.append(Alert(
            key=f"check:{key}:{run.run_id}", kind="check_failed", severity=severity,
            title=f"Check {evaluation.check_name} failed on {asset}",
            text=_check_text(evaluation), run_id=run.run_id, occurred_at=record.timestamp,
            asset=asset, check=evaluation.check_name,
        ))
    if run.status == dg.DagsterRunStatus.FAILURE:
        alerts.append(Alert(
            key=f"run:{run.run_id}", kind="run_failed", severity="ERROR",
            title=f"Run {run.run_id[:8]} of {run.job_name} failed",
            text=_failure_text(instance, run.run_id), run_id=run.run_id,
            occurred_at=time.time(),
        ))
    return alerts


def _check_text(evaluation) -> str:
    lines = [evaluation.description] if evaluation.description else []
    for name, value in list(evaluation.metadata.items())[:8]:
        shown = value.value if hasattr(value, "value") else value
        lines.append(f"{name}: {str(shown)[:200]}")
    return "\n".join(lines)[:TEXT_LIMIT]


def _failure_text(instance: dg.DagsterInstance, run_id: str) -> str:
    """The first failed step's error, else the run's own failure message."""
    for record in instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE):
        event = record.dagster_event
        error = getattr(event.event_specific_data, "error", None)
        message = _root_cause(error) if error else record.user_message
        return f"step {event.step_key}: {message}"[:TEXT_LIMIT]
    for record in instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE):
        return record.user_message[:TEXT_LIMIT]
    return "the run failed"


def _root_cause(error) -> str:
    """The innermost error, the one a person can act on, not Dagster's wrapper around it."""
    while error.cause is not None:
        error = error.cause
    return f"{error.cls_name}: {error.message.strip()}" if error.cls_name else error.message


def finished_runs(instance: dg.DagsterInstance, state: AlertState) -> list[dg.RunRecord]:
    """Runs that finished since the last tick, oldest first, each read once."""
    records = instance.get_run_records(
        filters=dg.RunsFilter(statuses=FINISHED,
                              updated_after=datetime.fromtimestamp(state.after - 1, UTC)),
        order_by="update_timestamp", ascending=True,
    )
    read = set(state.runs_read)
    return [r for r in records if r.dagster_run.run_id not in read]


def deliver(
    sinks: Sequence[Sink], state: AlertState, alerts: Iterable[Alert], log
) -> dict[str, int]:
    """Sends new and pending alerts to the sinks still owed them; returns counts sent."""
    names = {s.name: s for s in sinks}
    queue = state.pending + [{"alert": a.to_json(), "sinks": list(names), "attempts": 0}
                             for a in alerts]
    sent: dict[str, int] = {}
    still_pending = []
    for item in queue:
        alert = Alert.from_json(item["alert"])
        left = []
        for name in item["sinks"]:
            if name not in names:
                continue
            try:
                names[name].send(alert)
                sent[name] = sent.get(name, 0) + 1
            except DeliveryError as error:
                log.warning(f"alert {alert.key} not delivered: {error}")
                left.append(name)
        if left and item["attempts"] + 1 < MAX_ATTEMPTS:
            still_pending.append({**item, "sinks": left, "attempts": item["attempts"] + 1})
        elif left:
            log.error(f"alert {alert.key} dropped for {left} after {MAX_ATTEMPTS} attempts")
    state.pending = still_pending
    return sent


def alert_tick(
    instance: dg.DagsterInstance, cursor: str | None, sinks: Sequence[Sink], log
) -> tuple[AlertState, list[Alert], dict[str, int]]:
    """One evaluation of the alert sensor, usable without a sensor context."""
    state = AlertState.from_cursor(cursor, time.time())
    alerts: list[Alert] = []
    for record in finished_runs(instance, state):
        alerts.extend(run_alerts(instance, record.dagster_run, state))
        state.runs_read.append(record.dagster_run.run_id)
        state.after = max(state.after, record.update_timestamp.timestamp())
    sent = deliver(sinks, state, alerts, log)
    return state, alerts, sent


def alert_sensor(sinks: Sequence[Sink], *, interval_seconds: int = 15) -> dg.SensorDefinition:
    """The sensor sending failed checks and failed runs to the configured sinks."""

    @dg.sensor(
        name=SENSOR_NAME,
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Sends each failed run and each newly failing check to: "
        + ", ".join(s.name for s in sinks),
    )
    def _failure_alerts(context: dg.SensorEvaluationContext) -> dg.SkipReason:
        state, alerts, sent = alert_tick(context.instance, context.cursor, sinks, context.log)
        context.update_cursor(state.to_cursor())
        if alerts or sent:
            context.log.info(f"{len(alerts)} new alert(s); delivered {sent}; "
                             f"{len(state.pending)} pending")
        return dg.SkipReason(f"{len(alerts)} new alert(s), {len(state.pending)} pending")

    return _failure_alerts
