"""The churn model and its scores as Dagster assets.

`model/churn_model` trains a new version from `marts.customer_snapshots` and makes it current;
`model/churn_scores` scores with whatever version is current, so scoring can run on fresh
snapshots without retraining.
"""

import time

import dagster as dg
import pandas as pd
from pydantic import Field

from intel_assets.model.checks import CHURN_MODEL, CHURN_SCORES
from intel_assets.model.comparison import auc_change
from intel_assets.model.fitting import TOP_IMPORTANCES, fit_churn_model
from intel_assets.model.resources import ModelFolder
from intel_assets.model.scoring import BANDS, score_snapshots
from intel_assets.model.versions import StoredModel
from intel_assets.resources import WAREHOUSE_POOL, Warehouse

SNAPSHOTS = dg.AssetKey(["marts", "customer_snapshots"])
CUSTOMERS = dg.AssetKey(["marts", "customers"])
SCHEMA = "model"


class ChurnModelConfig(dg.Config):
    horizon_days: int = Field(
        default=90, description="Predict churn within this many days of a snapshot: 30, 60 or 90.")
    validation_fraction: float = Field(
        default=0.25, description="Share of the closed snapshot rows, newest first, held out "
                                  "to validate and calibrate.")
    calibration: str = Field(
        default="platt", description="platt (keeps the ranking exactly) or isotonic.")


def _read_snapshots(warehouse: Warehouse) -> pd.DataFrame:
    with warehouse.connection() as con:
        return con.execute("SELECT * FROM marts.customer_snapshots").df()


@dg.asset(
    key=CHURN_MODEL,
    deps=[SNAPSHOTS],
    group_name="model",
    kinds={"lightgbm", "python"},
    pool=WAREHOUSE_POOL,
)
def churn_model(
    context: dg.AssetExecutionContext,
    config: ChurnModelConfig,
    warehouse: Warehouse,
    model_store: ModelFolder,
) -> dg.MaterializeResult:
    """Calibrated LightGBM churn model trained point-in-time on `marts.customer_snapshots`.

    Trains on older snapshots and validates on the newest whose label window has closed; keeps
    every version in the model store and makes this one current.
    """
    started = time.perf_counter()
    snapshots = _read_snapshots(warehouse)

    fitted = fit_churn_model(
        snapshots,
        horizon_days=config.horizon_days,
        validation_fraction=config.validation_fraction,
        calibration=config.calibration,
    )
    store = model_store.store()
    stored = store.save(fitted.booster.model_to_string(), fitted.metadata(), fitted.validation)
    previous = store.previous(stored.version)

    seconds = time.perf_counter() - started
    metrics = fitted.metrics
    if fitted.spec.ignored:
        context.log.warning(
            f"left out as identifiers (nearly one value per row): {', '.join(fitted.spec.ignored)}"
        )
    context.log.info(
        f"model {stored.version}: validation ROC AUC {metrics['roc_auc']:.4f}, Brier "
        f"{metrics['brier']:.4f}, ECE {metrics['ece']:.4f} on {len(fitted.validation):,} rows "
        f"after {fitted.summary['best_iteration']} rounds on {fitted.summary['train_rows']:,} "
        f"rows, in {seconds:.1f}s"
    )
    return dg.MaterializeResult(metadata=_model_metadata(stored, previous, seconds))


def _model_metadata(
    stored: StoredModel, previous: StoredModel | None, seconds: float
) -> dict[str, object]:
    meta, metrics = stored.metadata, stored.metrics
    importances = list(meta["importances"].items())[:TOP_IMPORTANCES]
    table = "\n".join(f"| {name} | {share:.1%} |" for name, share in importances)
    figures: dict[str, object] = {
        "model_version": stored.version,
        "previous_version": previous.version if previous else "none",
        "roc_auc": metrics["roc_auc"],
        "pr_auc": metrics["pr_auc"],
        "brier": metrics["brier"],
        "brier_uncalibrated": metrics["brier_uncalibrated"],
        "ece": metrics["ece"],
        "base_rate": metrics["base_rate"],
        "horizon_days": int(meta["horizon_days"]),
        "calibration": meta["calibration"],
        "train_rows": int(meta["train_rows"]),
        "purged_rows": int(meta.get("purged_rows", 0)),
        "validation_rows": int(meta["validation_rows"]),
        "validation_period": f"{meta['validation_start']} to {meta['validation_end']}",
        "best_iteration": int(meta["best_iteration"]),
        "ignored_features": ", ".join(meta["features"].get("ignored", [])) or "none",
        "model_path": dg.MetadataValue.path(str(stored.folder)),
        "top_features": dg.MetadataValue.md(
            "| feature | share of gain |\n|---|---|\n" + table),
        "seconds": round(seconds, 2),
    }
    # Keyed by feature, not rank, so that the UI plots one feature's share across versions.
    for name, share in importances:
        figures[f"importance_{name}"] = float(share)
    if previous is not None:
        change = auc_change(previous, stored)
        figures |= {"roc_auc_change": change.change, "roc_auc_change_rows": change.rows,
                    "roc_auc_change_on_shared_rows": change.shared}
    return figures


@dg.asset(
    key=CHURN_SCORES,
    deps=[CHURN_MODEL, SNAPSHOTS, CUSTOMERS],
    group_name="model",
    kinds={"lightgbm", "duckdb"},
    pool=WAREHOUSE_POOL,
    metadata={"dagster/table_name": "model.churn_scores"},
)
def churn_scores(
    context: dg.AssetExecutionContext, warehouse: Warehouse, model_store: ModelFolder
) -> dg.MaterializeResult:
    """Calibrated churn probability, risk band and top drivers of every active customer.

    One row per active customer at the latest snapshot, joinable to `marts.customers` on
    `customer_id`; `model.risk_history` holds the probability of every snapshot row.
    """
    started = time.perf_counter()
    model = model_store.store().current()
    with warehouse.connection() as con:
        snapshots = con.execute("SELECT * FROM marts.customer_snapshots").df()
        active = con.execute(
            "SELECT customer_id FROM marts.customers WHERE NOT is_churned"
        ).df()["customer_id"]

    scores = score_snapshots(model, snapshots, active)

    with warehouse.connection() as con:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        for table, frame in (("churn_scores", scores.latest), ("risk_history", scores.history)):
            con.register("_frame", frame)
            con.execute(f"CREATE OR REPLACE TABLE {SCHEMA}.{table} AS SELECT * FROM _frame")
            con.unregister("_frame")

    seconds = time.perf_counter() - started
    latest = scores.latest
    bands = latest["risk_band"].value_counts()
    context.log.info(
        f"{len(latest):,} active customers scored with model {model.version} "
        f"({len(scores.history):,} snapshot rows in the risk history) in {seconds:.1f}s"
    )
    preview = latest.sort_values("churn_probability", ascending=False).head(10)
    metadata: dict[str, object] = {
        "dagster/row_count": len(latest),
        "model_version": model.version,
        "history_rows": len(scores.history),
        "mean_probability": float(latest["churn_probability"].mean()) if len(latest) else 0.0,
        "highest_risk": dg.MetadataValue.md(_markdown(preview)),
        "seconds": round(seconds, 2),
    }
    for band in BANDS:
        metadata[f"customers_{band}"] = int(bands.get(band, 0))
    return dg.MaterializeResult(metadata=metadata)


def _markdown(preview: pd.DataFrame) -> str:
    lines = ["| customer | probability | band | drivers |", "|---|---|---|---|"]
    lines += [
        f"| {row.customer_id} | {row.churn_probability:.3f} | {row.risk_band} | {row.drivers} |"
        for row in preview.itertuples()
    ]
    return "\n".join(lines)


MODEL_ASSETS = (churn_model, churn_scores)
