"""The kept model versions as a person reads them in a terminal: one line a version, and two
versions side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from intel_assets.model.comparison import (
    INTERVAL,
    AucChange,
    auc_change,
    figure_table,
    importance_shifts,
)
from intel_assets.model.versions import ModelStore, StoredModel

CORNER = "older \\ newer"


def versions_table(store: ModelStore) -> str:
    """Every kept version, oldest first, the current one marked with a star."""
    kept = store.versions()
    if not kept:
        return f"No model version in {store.folder}: materialize model/churn_model first."
    current = store.current().version
    header = (f"  {'version':<19} {'saved (UTC)':<16} {'horizon':>7} {'calibration':<11} "
              f"{'train rows':>10} {'valid rows':>10} {'ROC AUC':>7} {'PR AUC':>7} "
              f"{'Brier':>6} {'ECE':>6}")
    lines = [header]
    for version in kept:
        model = store.load(version)
        meta, m = model.metadata, model.metrics
        mark = "*" if version == current else " "
        lines.append(
            f"{mark} {version:<19} {_saved(meta):<16} "
            f"{meta['horizon_days']:>6}d {meta['calibration']:<11} {meta['train_rows']:>10,} "
            f"{meta['validation_rows']:>10,} {m['roc_auc']:>7.4f} {m['pr_auc']:>7.4f} "
            f"{m['brier']:>6.4f} {m['ece']:>6.4f}"
        )
    lines.append("* the current version, the one model/churn_scores scores with")
    return "\n".join(lines)


def _saved(metadata: dict[str, Any]) -> str:
    """Minutes are enough to tell versions apart; versions kept before the time was
    recorded say so."""
    saved = metadata.get("saved_at")
    return saved[:16].replace("T", " ") if saved else "not recorded"


@dataclass(frozen=True)
class Comparison:
    """What `intel models compare` shows, gathered once for the text and the JSON forms."""

    older: StoredModel
    newer: StoredModel
    figures: pd.DataFrame
    auc: AucChange
    importances: pd.DataFrame
    bands: pd.DataFrame | None  # older band x newer band counts; None if not rescored
    bands_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "older": self.older.version,
            "newer": self.newer.version,
            "figures": self.figures.set_index("figure").to_dict(orient="index"),
            "auc_change": self.auc.to_dict(),
            "importance_shifts": self.importances.to_dict(orient="records"),
            "band_moves": None if self.bands is None else {
                older: {newer: int(n) for newer, n in row.items()}
                for older, row in self.bands.to_dict(orient="index").items()
            },
            "band_moves_note": self.bands_note,
        }


def compare(older: StoredModel, newer: StoredModel, *, bands: pd.DataFrame | None = None,
            bands_note: str = "") -> Comparison:
    return Comparison(older, newer, figure_table(older, newer), auc_change(older, newer),
                      importance_shifts(older, newer), bands, bands_note)


def comparison_text(comparison: Comparison) -> str:
    c = comparison
    lines = [f"older: {c.older.version} ({_rows(c.older)})",
             f"newer: {c.newer.version} ({_rows(c.newer)})", "",
             "Figures each version reported on its own validation rows:",
             f"  {'figure':<20} {'older':>9} {'newer':>9} {'change':>9}"]
    lines += [f"  {r.figure:<20} {r.older:>9.4f} {r.newer:>9.4f} {r.change:>+9.4f}"
              for r in c.figures.itertuples(index=False)]

    lines += ["", f"ROC AUC {c.auc.basis}:",
              f"  {c.auc.older_auc:.4f} to {c.auc.newer_auc:.4f} ({c.auc.change:+.4f})"]
    if c.auc.low is not None and c.auc.high is not None:
        lines.append(f"  {INTERVAL:.0%} interval of the change over customers: "
                     f"{c.auc.low:+.4f} to {c.auc.high:+.4f}")

    lines += ["", "Largest shifts in share of gain:"]
    lines += [f"  {r.feature:<36} {r.older:>7.1%} to {r.newer:>6.1%}"
              for r in c.importances.itertuples(index=False)]

    lines += ["", "Active customers at the latest snapshot, by risk band under each version:"]
    if c.bands is None:
        lines.append(f"  not rescored: {c.bands_note}")
    else:
        lines += _band_lines(c.bands)
    return "\n".join(lines)


def _rows(model: StoredModel) -> str:
    meta = model.metadata
    return (f"validated on {meta['validation_rows']:,} rows from {meta['validation_start']} "
            f"to {meta['validation_end']}")


def _band_lines(bands: pd.DataFrame) -> list[str]:
    total = int(bands.to_numpy().sum())
    same = int(sum(bands.loc[b, b] for b in bands.index))
    lines = [f"  {CORNER:<14}" + "".join(f"{b:>10}" for b in bands.columns)]
    lines += [f"  {older:<14}" + "".join(f"{int(n):>10,}" for n in row)
              for older, row in bands.iterrows()]
    moved = total - same
    share = moved / total if total else 0.0
    lines.append(f"  {moved:,} of {total:,} customers ({share:.1%}) change band")
    return lines
