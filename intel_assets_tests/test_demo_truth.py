"""The answer key's churn probability knows what is true at the snapshot and nothing later.

The oracle the churn model is measured against must not know when a planted change will
begin: nothing in any tool, and nothing true at the snapshot, tells which account is next.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from intel_assets.demo import catalog, truth
from intel_assets.demo.world import DemoConfig, build_company, simulate_chunk
from intel_assets_tests.test_demo_patterns import _company_planting

ACCOUNTS = 4_000
HORIZON = 90
SNAPSHOT_DAYS = (240, 360, 480)  # days after the demo's start


def _answer_key(folder, company, world) -> truth.Truth:
    truth.write_chunk(folder, world, pd.DataFrame({"identifier": []}))
    truth.write_company(folder, company, {})
    return truth.Truth(folder)


def _alive_snapshots(accounts: pd.DataFrame) -> pd.DataFrame:
    """Every account signed up and not churned at each snapshot date."""
    frames = []
    for days in SNAPSHOT_DAYS:
        at = pd.Timestamp(catalog.START) + pd.Timedelta(days=days)
        alive = (accounts["signup_at"] < at) & ~(accounts["churned_at"] <= at)
        frames.append(pd.DataFrame({"account_id": accounts.loc[alive, "account_id"],
                                    "snapshot_at": at}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module", params=["sessions", "email_opens"])
def planted(tmp_path_factory, request):
    company, world = _company_planting(request.param, ACCOUNTS)
    key = _answer_key(tmp_path_factory.mktemp("truth"), company, world)
    snapshots = _alive_snapshots(world.accounts)
    onset = snapshots["account_id"].map(world.accounts.set_index("account_id")["leading_onset_at"])
    return key, snapshots, (onset <= snapshots["snapshot_at"]).to_numpy()


def test_where_the_change_had_begun_the_probability_is_the_hindsight_one(planted):
    key, snapshots, began = planted

    now = key.churn_probability(snapshots, horizon_days=HORIZON)
    hindsight = key.churn_probability(snapshots, horizon_days=HORIZON, hindsight=True)

    assert began.sum() > 200
    np.testing.assert_allclose(now[began], hindsight[began], rtol=1e-12)


def test_a_change_yet_to_begin_is_weighed_by_its_chance_not_by_its_date(planted):
    key, snapshots, began = planted
    waiting = ~began

    now = key.churn_probability(snapshots, horizon_days=HORIZON)[waiting]
    hindsight = key.churn_probability(snapshots, horizon_days=HORIZON, hindsight=True)[waiting]
    unchanged = _probability_without_change(key, snapshots[waiting])
    accounts = snapshots.loc[waiting, "account_id"].to_numpy()

    # The answer key's onset dates are draws from the chance the probability weighs: over
    # thousands of accounts the two agree on average, within the draws' own noise, while
    # each account's differs. Leaving future changes out altogether is far outside it.
    assert abs(_z_score(hindsight - now, accounts)) < 3.5
    assert _z_score(hindsight - unchanged, accounts) > 5
    assert np.abs(now - hindsight).max() > 0.1
    assert (now >= unchanged - 1e-12).all()


def _z_score(differences: np.ndarray, accounts: np.ndarray) -> float:
    """The mean difference over its standard error, with an account's snapshots together
    (they share one onset draw)."""
    per_account = pd.Series(differences).groupby(accounts).sum()
    error = per_account.std() * np.sqrt(len(per_account)) / len(differences)
    return float(differences.mean() / error)


def _probability_without_change(key: truth.Truth, snapshots: pd.DataFrame) -> np.ndarray:
    """The hindsight probability had no change ever begun, from a copy of the answer key."""
    hazards = key.table("hazards")
    calm = key.folder.parent / f"{key.folder.name}-calm"
    (calm / "hazards").mkdir(parents=True, exist_ok=True)
    hazards.assign(hazard=hazards["hazard_unchanged"]).to_parquet(
        calm / "hazards" / "part-0000.parquet", index=False)
    return truth.Truth(calm).churn_probability(snapshots, horizon_days=HORIZON, hindsight=True)


def test_without_a_planted_change_both_probabilities_are_one(tmp_path):
    company = build_company(DemoConfig(customers=500, seed=3, null=True))
    world = simulate_chunk(company, 0, 0, 500)
    key = _answer_key(tmp_path, company, world)
    snapshots = _alive_snapshots(world.accounts)

    now = key.churn_probability(snapshots, horizon_days=HORIZON)
    hindsight = key.churn_probability(snapshots, horizon_days=HORIZON, hindsight=True)

    assert len(snapshots) > 300
    np.testing.assert_allclose(now, hindsight, rtol=1e-12)
