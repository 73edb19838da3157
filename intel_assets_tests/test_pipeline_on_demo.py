"""The whole graph on a small demo, for two seeds: every asset and dbt test passes, identity
resolution recovers the true people and accounts, the marts count customers once, and no
snapshot feature reads data from on or after its snapshot date."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from intel_assets.demo.generate import demo_config, generate
from intel_assets.demo.truth import Truth
from intel_assets.evaluation.identity_metrics import identity_scores
from intel_assets.runner import RunSummary, materialize_all
from intel_assets.settings import DBT_PROJECT_DIR, Paths, resolve_paths
from intel_assets.stack import parse_stack
from intel_assets.transform.dbt_project import prepared_target, stack_vars

pytestmark = pytest.mark.slow

CUSTOMERS = 1_500
STACK = parse_stack({})


@dataclass
class Built:
    paths: Paths
    truth: Truth
    run: RunSummary


_BUILT: dict[int, Built] = {}


def built(seed: int, root: Path) -> Built:
    if seed not in _BUILT:
        paths = resolve_paths({"INTEL_HOME": str(root / f"seed-{seed}")})
        generate(STACK, paths.landing, paths.ground_truth,
                 demo_config(STACK, customers=CUSTOMERS, seed=seed, null=False))
        with dg.DagsterInstance.ephemeral() as instance:
            run = materialize_all(paths, STACK, instance=instance)
        _BUILT[seed] = Built(paths, Truth(paths.ground_truth), run)
    return _BUILT[seed]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pipeline")


def _query(paths: Paths, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute(sql).df()


@pytest.mark.parametrize("seed", [3, 11])
def test_every_asset_and_every_dbt_test_passes(root, seed):
    result = built(seed, root)

    assert result.run.success
    assert result.run.checks_failed == []
    assert result.run.checks_passed > 20


@pytest.mark.parametrize("seed", [3, 11])
def test_identity_resolution_recovers_people_and_accounts(root, seed):
    result = built(seed, root)
    identity_map = _query(result.paths, "SELECT * FROM identity.identity_map")

    scores = identity_scores(result.truth.table("identities"), identity_map)

    assert scores["people"].f1 >= 0.99, scores["people"]
    assert scores["accounts"].f1 >= 0.99, scores["accounts"]


@pytest.mark.parametrize("seed", [3, 11])
def test_customers_are_counted_once_and_churn_matches_the_truth(root, seed):
    result = built(seed, root)
    accounts = result.truth.table("accounts")

    customers = _query(result.paths, "SELECT * FROM marts.customers")

    assert customers["customer_id"].is_unique
    assert len(customers) == len(accounts)
    assert customers["is_churned"].sum() == accounts["churned_at"].notna().sum()
    people = _query(result.paths, "SELECT count(*) AS n FROM marts.people")["n"].iloc[0]
    assert people >= len(result.truth.table("people"))


FEATURE_EXCLUDED = ("churned_within_", "label_window_closed_")


def _truncate_after(warehouse: Path, cutoff: str) -> None:
    """Deletes from the intermediate layer everything that happened on or after `cutoff`,
    as if the data had ended there."""
    timed = {
        "int_product__events": "occurred_at",
        "int_support__tickets": "created_at",
        "int_lifecycle__email_events": "occurred_at",
        "int_surveys__responses": "responded_at",
        "int_billing__invoices": "created_at",
        "int_billing__subscriptions": "started_at",
    }
    with duckdb.connect(str(warehouse)) as con:
        for table, column in timed.items():
            con.execute(f"DELETE FROM intermediate.{table} WHERE {column} >= ?", [cutoff])
        for column in ("canceled_at", "ended_at"):
            con.execute(
                f"UPDATE intermediate.int_billing__subscriptions SET {column} = NULL "
                f"WHERE {column} >= ?", [cutoff]
            )


@pytest.mark.parametrize("seed", [3])
def test_no_snapshot_feature_uses_data_on_or_after_its_snapshot(root, seed, tmp_path):
    result = built(seed, root)
    cutoff = "2026-03-01"
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(result.paths.warehouse, copy)
    _truncate_after(copy, cutoff)

    target = prepared_target(STACK)
    rebuilt = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--profiles-dir",
         str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR), "--target-path",
         str(target), "--vars", stack_vars(STACK), "--select",
         "intel_assets.identified intel_assets.marts", "--quiet"],
        env={**os.environ, "INTEL_WAREHOUSE": str(copy)}, capture_output=True, text=True,
    )
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr

    query = f"SELECT * FROM marts.customer_snapshots WHERE snapshot_at <= '{cutoff}'"
    full = _query(result.paths, query)
    with duckdb.connect(str(copy), read_only=True) as con:
        cut = con.execute(query).df()
    features = [c for c in full.columns if not c.startswith(FEATURE_EXCLUDED)]
    key = ["customer_id", "snapshot_at"]
    full = full[features].sort_values(key).reset_index(drop=True)
    cut = cut[features].sort_values(key).reset_index(drop=True)
    assert len(full) > 1000
    pd.testing.assert_frame_equal(full, cut, check_dtype=False)
