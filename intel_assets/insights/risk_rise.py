"""Predicted risk rising in a segment before its realised churn moves.

Per segment, the change in the model's predicted risk between its last two scorings is
compared with everyone else's, beside the realised churn over the same span: risk that
rises while churn has not moved yet is the warning worth acting on. It needs
`model.risk_history`, and finds nothing when the warehouse has none. The findings are
leading indicators: the model's risk leads the churn it predicts.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from intel_assets.insights.candidate import Candidate, Condition
from intel_assets.insights.evidence import json_safe, percent

SEGMENT_ATTRIBUTES = (
    ("plan", "billing"), ("region", "crm"), ("industry", "crm"),
    ("acquisition_channel", "ads"),
)
MIN_SEGMENT_SCORED = 50


RISK_SQL = """
with history as (
    select customer_id, {time} as scored_at, churn_probability, {version} as model_version
    from model.risk_history
),
newest as (
    select model_version, scored_at from history order by scored_at desc limit 1
),
kept as (
    select h.* from history as h inner join newest using (model_version)
),
earlier as (
    select max(k.scored_at) as scored_at
    from kept as k cross join newest as n
    where k.scored_at <= n.scored_at - interval 28 day
)
select k.customer_id, k.scored_at, k.churn_probability, k.model_version, {attributes}
from kept as k
inner join marts.customers as c on c.customer_id = k.customer_id
where k.scored_at = (select scored_at from newest)
   or k.scored_at = (select scored_at from earlier)
"""


def risk_rise_candidates(con: duckdb.DuckDBPyConnection, mrr: pd.Series) -> list[Candidate]:
    """Per segment: how much its customers' risk rose between two scorings, against the rest.

    Each customer scored at both of the last two scorings at least 28 days apart gives a
    change in risk; the segment's changes are compared with everyone else's (a one-sided
    Welch test), so a model that moves everyone at once (a retrain, a season) flags no
    segment. Only scorings by the latest model version are compared when the history
    names versions, and only the two scorings compared are read.
    """
    if not _table_has(con, "model", "risk_history", ("customer_id", "churn_probability")):
        return []
    # The history is either dated by when it was scored, or by the snapshot it scores.
    time = next((c for c in ("scored_at", "snapshot_at")
                 if _table_has(con, "model", "risk_history", (c,))), None)
    if time is None:
        return []
    present = [a for a in SEGMENT_ATTRIBUTES if _table_has(con, "marts", "customers", (a[0],))]
    if not present:
        return []
    versioned = _table_has(con, "model", "risk_history", ("model_version",))
    sql = RISK_SQL.format(
        time=time,
        version="model_version::varchar" if versioned else "''",
        attributes=", ".join(f"c.{a}" for a, _ in present),
    )
    risk = con.execute(sql).df()
    risk["scored_at"] = pd.to_datetime(risk["scored_at"])
    if risk.empty:
        return []
    pair = _paired_change(risk)
    if pair is None:
        return []
    changes, earlier, latest = pair
    lives = con.execute(
        "select coalesce(signed_up_at, started_at) as joined_at, churned_at, "
        + ", ".join(a for a, _ in present) + " from marts.customers"
    ).df()

    candidates = []
    for attribute, source in present:
        for value in sorted(changes[attribute].dropna().astype(str).unique()):
            members = (changes[attribute].astype(str) == value).to_numpy()
            in_segment = (lives[attribute].astype(str) == value).to_numpy()
            found = _segment_risk(
                changes, members, Condition(attribute, source, "=", value),
                lives=lives[in_segment], earlier=earlier, latest=latest, mrr=mrr,
            )
            if found is not None:
                candidates.append(found)
    return candidates


def _table_has(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: tuple[str, ...]
) -> bool:
    found = {
        row[0] for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?", [schema, table],
        ).fetchall()
    }
    return set(columns) <= found


def _paired_change(
    risk: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp] | None:
    """Customers scored at both the latest scoring and one at least 28 days before it."""
    times = risk["scored_at"].drop_duplicates().sort_values()
    latest = times.iloc[-1]
    earlier_times = times[times <= latest - pd.Timedelta(days=28)]
    if earlier_times.empty:
        return None
    earlier = earlier_times.iloc[-1]
    now = risk[risk["scored_at"] == latest].drop_duplicates("customer_id")
    before = risk[risk["scored_at"] == earlier].drop_duplicates("customer_id")
    both = now.merge(
        before[["customer_id", "churn_probability"]], on="customer_id", suffixes=("", "_before")
    )
    both["change"] = both["churn_probability"] - both["churn_probability_before"]
    return both, earlier, latest


def _segment_risk(
    changes: pd.DataFrame, members: np.ndarray, condition: Condition, *,
    lives: pd.DataFrame, earlier: pd.Timestamp, latest: pd.Timestamp, mrr: pd.Series,
) -> Candidate | None:
    inside = changes.loc[members]
    rest = changes.loc[~members, "change"].to_numpy(float)
    if len(inside) < MIN_SEGMENT_SCORED or len(rest) < MIN_SEGMENT_SCORED:
        return None

    test = stats.ttest_ind(
        inside["change"].to_numpy(float), rest, equal_var=False, alternative="greater"
    )
    p_value = float(test.pvalue) if np.isfinite(test.pvalue) else 1.0
    span = latest - earlier
    days = int(span.days)
    realised_now = _churn_share(lives, earlier, latest)
    realised_before = _churn_share(lives, earlier - span, earlier)
    mean_before = float(inside["churn_probability_before"].mean())
    mean_now = float(inside["churn_probability"].mean())
    relative = float(inside["change"].mean() - rest.mean())
    label = condition.describe()
    affected = inside["customer_id"].tolist()
    return Candidate(
        family="leading_indicator",
        segment=(condition,),
        metrics=("mean_churn_probability", "realised_churn_rate"),
        title=(
            f"Predicted churn risk of {label} {'rose' if relative > 0 else 'moved'} "
            f"{100 * relative:+.1f} points against everyone else "
            f"({percent(mean_before)} to {percent(mean_now)})"
        ),
        narrative=(
            f"Customers with {label} had a mean predicted churn risk of {percent(mean_before)} "
            f"on {earlier.date()} and {percent(mean_now)} on {latest.date()}, "
            f"{100 * relative:+.1f} points against the change for everyone else. Of the "
            f"segment's customers {percent(realised_now)} churned in those {days} days, against "
            f"{percent(realised_before)} in the {days} days before: risk seen before churn "
            "moves is the time to act."
        ),
        sources=("model", condition.source),
        sample_size=len(inside),
        baseline_size=len(rest),
        effect_size=relative,
        p_value=min(1.0, max(0.0, p_value)),
        severity_score=float(np.clip(relative, 0.0, 1.0)),
        customers_affected=len(affected),
        mrr_affected=float(mrr.reindex(affected).fillna(0).sum()),
        next_step=f"Review the top risk drivers of the {label} customers now.",
        evidence=json_safe({
            "scored_before": str(earlier), "scored_latest": str(latest),
            "mean_risk_before": mean_before, "mean_risk_latest": mean_now,
            "risk_change_vs_rest": relative,
            "realised_churn_since": realised_now, "realised_churn_before": realised_before,
        }),
    )


def _churn_share(lives: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """The share of the segment's customers at `start` who had churned by `end`."""
    churned = lives["churned_at"]
    alive = (lives["joined_at"] < start) & (churned.isna() | (churned > start))
    gone = alive & (churned <= end)
    return float(gone.sum()) / max(int(alive.sum()), 1)
