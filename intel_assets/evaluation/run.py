"""`intel eval`: generate the demo per seed, run the whole graph, score it on the answer key.

Each seed runs in its own temporary home with an ephemeral Dagster instance, so a benchmark
never touches the user's warehouse or run history.
"""

from __future__ import annotations

import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path
from statistics import mean
from typing import Any

import dagster as dg

from intel_assets.demo.generate import demo_config, generate
from intel_assets.demo.truth import Truth
from intel_assets.evaluation.identity_metrics import identity_scores
from intel_assets.evaluation.insight_metrics import aggregate, insight_scores
from intel_assets.evaluation.model_metrics import model_scores
from intel_assets.runner import materialize_all
from intel_assets.settings import resolve_paths
from intel_assets.stack import Stack
from intel_assets.warehouse import connect


def evaluate_seed(stack: Stack, *, seed: int, customers: int, null: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"intel-eval-{seed}-") as home:
        paths = resolve_paths({"INTEL_HOME": home})
        config = demo_config(stack, customers=customers, seed=seed, null=null)
        started = time.perf_counter()
        generate(stack, paths.landing, paths.ground_truth, config)
        # dbt's progress goes to stderr, so that `intel eval --json` prints JSON alone.
        with dg.DagsterInstance.ephemeral() as instance, redirect_stdout(sys.stderr):
            run = materialize_all(paths, stack, instance=instance)
        if not run.success:
            raise RuntimeError(f"seed {seed}: the pipeline run failed")
        truth = Truth(paths.ground_truth)
        result = {"seed": seed, "seconds": round(time.perf_counter() - started, 1)}
        result.update(_identity(paths.warehouse, truth))
        result.update(_marts(paths.warehouse, truth))
        result["model"] = model_scores(paths.models, paths.warehouse, paths.ground_truth)
        result.update(_insights(paths.warehouse, truth, null=null))
        return result


def _identity(warehouse: Path, truth: Truth) -> dict[str, Any]:
    with connect(warehouse, read_only=True) as con:
        identity_map = con.execute("SELECT * FROM identity.identity_map").df()
    scores = identity_scores(truth.table("identities"), identity_map)
    people, accounts = scores["people"], scores["accounts"]
    return {
        "identity": {
            "precision": round(people.precision, 5),
            "recall": round(people.recall, 5),
            "f1": round(people.f1, 5),
            "account_precision": round(accounts.precision, 5),
            "account_recall": round(accounts.recall, 5),
            "account_f1": round(accounts.f1, 5),
            "identifiers": people.identifiers,
            "identifiers_matched": people.matched,
        }
    }


def _marts(warehouse: Path, truth: Truth) -> dict[str, Any]:
    accounts = truth.table("accounts")
    with connect(warehouse, read_only=True) as con:
        customers, churned = con.execute(
            "SELECT count(*), count(*) FILTER (is_churned) FROM marts.customers"
        ).fetchall()[0]
        snapshots = con.execute("SELECT count(*) FROM marts.customer_snapshots").fetchall()[0][0]
    return {
        "marts": {
            "customers": int(customers),
            "truth_customers": len(accounts),
            "churned": int(churned),
            "truth_churned": int(accounts["churned_at"].notna().sum()),
            "snapshots": int(snapshots),
        }
    }


def _insights(warehouse: Path, truth: Truth, *, null: bool) -> dict[str, Any]:
    with connect(warehouse, read_only=True) as con:
        current = con.execute("SELECT * FROM insights.current").df()
    return insight_scores(current, truth.patterns, null=null)


def evaluate(
    stack: Stack, *, seeds: list[int], customers: int, null: bool
) -> dict[str, Any]:
    per_seed = [evaluate_seed(stack, seed=s, customers=customers, null=null) for s in seeds]
    keys = ("precision", "recall", "f1", "account_precision", "account_recall", "account_f1")
    return {
        "customers": customers,
        "null": null,
        "seeds": seeds,
        "identity": {k: round(mean(r["identity"][k] for r in per_seed), 5) for k in keys},
        "model": {k: round(mean(r["model"][k] for r in per_seed), 5)
                  for k in ("auc", "oracle_auc", "ratio", "hindsight_oracle_auc",
                            "hindsight_ratio")},
        **aggregate(per_seed, null=null),
        "per_seed": per_seed,
    }
