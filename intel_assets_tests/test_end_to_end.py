"""`intel demo` from a fresh folder, for two seeds, a consumer business on other tools and
a company on the generic file contracts, as a new user runs it: every asset and check
passes, identity resolution recovers the true people and accounts, the marts count
customers once, no snapshot feature reads data from on or after its snapshot date, and a
second materialization loads nothing twice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from intel_assets.demo.truth import Truth
from intel_assets.evaluation.identity_metrics import identity_scores, matched_identifiers
from intel_assets.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from intel_assets.sources.catalog import stack_objects
from intel_assets.stack import load_stack
from intel_assets.transform.dbt_project import prepared_target, stack_vars
from intel_assets_tests.demo_summary import check_counts

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
CUSTOMERS = "2000"
SEEDS = (3, 11)
# One-person accounts on the tools the built-in stack does not use.
CONSUMER_STACK = """\
product: amplitude
ads: [meta_ads, linkedin_ads]
crm: salesforce
support: intercom
lifecycle: klaviyo
accounts: consumer
"""
# Every family through its generic file contract, Parquet for two of them.
GENERIC_STACK = """\
product: generic
ads: [generic]
crm: generic
support: generic
lifecycle: generic
billing: generic
surveys: generic
generic: {product: {name: segment, format: parquet}, crm: {name: pipedrive, format: parquet}}
"""
OTHER_STACKS = {"consumer": (5, CONSUMER_STACK), "generic": (7, GENERIC_STACK)}
HOMES = (*SEEDS, *OTHER_STACKS)
_HOMES: dict[int | str, tuple[Path, subprocess.CompletedProcess[str]]] = {}


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTEL_", "DAGSTER_HOME"))}
    return {**env, "INTEL_HOME": str(home), "DAGSTER_TELEMETRY_DISABLED": "1"}


def _intel(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "intel"), *args], cwd=PROJECT_ROOT, env=_env(home),
        capture_output=True, text=True, timeout=1200,
    )


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo")


def demo_home(root: Path, case: int | str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The demo on the built-in stack for a seed, or on one of `OTHER_STACKS`."""
    if case not in _HOMES:
        home = root / f"home-{case}"
        options = ["--seed", str(case)]
        if case in OTHER_STACKS:
            seed, stack = OTHER_STACKS[case]
            stack_file = root / f"{case}-stack.yaml"
            stack_file.write_text(stack)
            options = ["--seed", str(seed), "--stack", str(stack_file)]
        _HOMES[case] = (home, _intel(home, "demo", "--customers", CUSTOMERS, *options))
    return _HOMES[case]


def _query(home: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).df()


@pytest.mark.parametrize("case", HOMES)
def test_the_demo_materializes_every_asset_and_passes_every_check(root, case):
    home, result = demo_home(root, case)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    stack = load_stack(home / "stack.yaml")
    expected = {f"raw/{obj.tool}/{obj.name}" for obj in stack_objects(stack)}
    printed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("raw/")}
    assert printed == expected
    total, passed, failed, warned = check_counts(result.stdout)
    # A warning (a new high-severity insight on the planted demo) is news, not a failure.
    assert failed == 0 and passed + warned == total > 50, result.stdout[-3000:]
    for name in ("marts/people", "marts/customers", "marts/customer_snapshots",
                 "marts/channel_performance", "identity/identity_map"):
        assert name in printed | {line.split()[0] for line in result.stdout.splitlines()
                                  if line.strip()}
    quarantined = _query(home, "SELECT count(*) AS n FROM raw._quarantine")["n"].iloc[0]
    assert quarantined == 0


@pytest.mark.parametrize("case", HOMES)
def test_identity_resolution_recovers_people_and_accounts(root, case):
    home, _ = demo_home(root, case)
    truth = Truth(home / "demo_truth")

    scores = identity_scores(truth.table("identities"),
                             _query(home, "SELECT * FROM identity.identity_map"))

    assert scores["people"].f1 >= 0.99, scores["people"]
    assert scores["accounts"].f1 >= 0.99, scores["accounts"]


@pytest.mark.parametrize("case", HOMES)
def test_every_kind_of_identifier_a_tool_exports_reaches_the_identity_map(root, case):
    """A kind of identifier that staging drops (a column the contract has but the
    observations never read) costs little F1 while other links hold, so it is checked
    kind by kind."""
    home, _ = demo_home(root, case)
    truth = Truth(home / "demo_truth")

    joined = matched_identifiers(truth.table("identities"),
                                 _query(home, "SELECT * FROM identity.identity_map"))

    unmapped = joined["customer_id"].isna().groupby([joined["source"], joined["kind"]]).mean()
    assert unmapped.max() <= 0.01, unmapped[unmapped > 0.01].to_dict()


@pytest.mark.parametrize("case", HOMES)
def test_customers_are_counted_once_and_churn_matches_the_truth(root, case):
    home, _ = demo_home(root, case)
    accounts = Truth(home / "demo_truth").table("accounts")

    customers = _query(home, "SELECT customer_id, is_churned FROM marts.customers")

    assert customers["customer_id"].is_unique
    assert len(customers) == len(accounts)
    assert customers["is_churned"].sum() == accounts["churned_at"].notna().sum()


LABELS = ("churned_within_", "label_window_closed_")


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


def test_no_snapshot_feature_uses_data_on_or_after_its_snapshot(root, tmp_path):
    home, _ = demo_home(root, SEEDS[0])
    stack = load_stack(home / "stack.yaml")
    cutoff = "2026-03-01"
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(home / "warehouse.duckdb", copy)
    _truncate_after(copy, cutoff)

    rebuilt = subprocess.run(
        [str(BIN / "dbt"), "run", "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir",
         str(DBT_PROJECT_DIR), "--target-path", str(prepared_target(stack)), "--vars",
         stack_vars(stack), "--select", "intel_assets.identified intel_assets.marts",
         "--quiet"],
        env={**os.environ, "INTEL_WAREHOUSE": str(copy)}, capture_output=True, text=True,
    )
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr

    # Snapshots before the cutoff: the truncated data ends just before it, so its spine has
    # no snapshot on the cutoff itself.
    query = f"SELECT * FROM marts.customer_snapshots WHERE snapshot_at < '{cutoff}'"
    full = _query(home, query)
    with duckdb.connect(str(copy), read_only=True) as con:
        cut = con.execute(query).df()
    features = [c for c in full.columns if not c.startswith(LABELS)]
    key = ["customer_id", "snapshot_at"]
    full = full[features].sort_values(key).reset_index(drop=True)
    cut = cut[features].sort_values(key).reset_index(drop=True)
    assert len(full) > 1000
    pd.testing.assert_frame_equal(full, cut, check_dtype=False)


def test_materializing_again_loads_nothing_twice(root):
    home, _ = demo_home(root, SEEDS[1])
    before = _query(home, "SELECT count(*) AS n FROM raw._loaded_files")["n"].iloc[0]

    again = _intel(home, "materialize")

    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    after = _query(home, "SELECT count(*) AS n FROM raw._loaded_files")["n"].iloc[0]
    assert after == before
    twice = _query(home, "SELECT file_sha256 FROM raw._loaded_files "
                         "GROUP BY file_sha256, table_name HAVING count(*) > 1")
    assert twice.empty


def test_eval_prints_one_json_object_with_the_identity_and_model_figures(tmp_path):
    result = _intel(tmp_path / "home", "eval", "--seeds", "5", "--customers", "300", "--json")

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert set(report["identity"]) >= {"precision", "recall", "f1", "account_f1"}
    assert report["per_seed"][0]["seed"] == 5
    assert report["identity"]["f1"] >= 0.98
    assert set(report["model"]) == {"auc", "oracle_auc", "ratio", "hindsight_oracle_auc",
                                    "hindsight_ratio"}
    assert 0.5 < report["model"]["oracle_auc"] <= 1.0
