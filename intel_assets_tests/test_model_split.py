"""The time split keeps every customer's validation rows after all of its training rows."""

from __future__ import annotations

import pandas as pd
import pytest

from intel_assets.model.split import time_split
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.model_helpers import snapshot_panel


@pytest.mark.parametrize("seed", SEEDS)
def test_no_validation_row_is_earlier_than_a_training_row_of_the_same_customer(seed):
    panel = snapshot_panel(customers=300, seed=seed)

    split = time_split(panel, window_closed="label_window_closed_90d", horizon_days=90)

    last_train = split.train.groupby("customer_id")["snapshot_at"].max()
    first_valid = split.validation.groupby("customer_id")["snapshot_at"].min()
    both = pd.concat([last_train, first_valid], axis=1, keys=["train", "valid"]).dropna()
    assert len(both) > 0
    assert (both["valid"] > both["train"]).all()
    assert split.train["snapshot_at"].max() < split.validation_start


@pytest.mark.parametrize("horizon", [60, 90])
def test_no_training_label_window_reaches_into_validation(horizon):
    panel = snapshot_panel(customers=100, months=14)
    closed = "label_window_closed_90d"

    split = time_split(panel, window_closed=closed, horizon_days=horizon)

    window_end = split.train["snapshot_at"] + pd.Timedelta(days=horizon)
    assert (window_end <= split.validation_start).all()
    reaching = panel[panel[closed] & (panel["snapshot_at"] < split.validation_start)
                     & (panel["snapshot_at"] + pd.Timedelta(days=horizon)
                        > split.validation_start)]
    assert split.purged_rows == len(reaching) > 0


def test_rows_whose_label_window_is_open_neither_train_nor_validate():
    panel = snapshot_panel(customers=100)

    split = time_split(panel, window_closed="label_window_closed_90d", horizon_days=90)

    used = pd.concat([split.train, split.validation])
    assert used["label_window_closed_90d"].all()
    assert len(used) + split.purged_rows == int(panel["label_window_closed_90d"].sum())


def test_validation_holds_the_newest_dates_reaching_the_asked_share():
    panel = snapshot_panel(customers=100, months=12)  # nine closed months of equal size

    split = time_split(panel, window_closed="label_window_closed_90d", horizon_days=90,
                       validation_fraction=0.3)

    dates = sorted(split.validation["snapshot_at"].unique())
    assert len(dates) == 3
    assert pd.Timestamp(dates[-1]) == panel.loc[panel["label_window_closed_90d"],
                                                "snapshot_at"].max()


def test_closed_snapshots_spanning_less_than_a_horizon_leave_nothing_to_train_on():
    panel = snapshot_panel(customers=50, months=6)

    with pytest.raises(ValueError, match="no training rows: every closed snapshot"):
        time_split(panel, window_closed="label_window_closed_90d", horizon_days=90)


def test_a_single_closed_date_cannot_be_split():
    panel = snapshot_panel(customers=50, months=4)

    with pytest.raises(ValueError, match="at least two dates; label_window_closed_90d holds 1"):
        time_split(panel, window_closed="label_window_closed_90d", horizon_days=90)
