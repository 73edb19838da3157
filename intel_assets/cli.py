"""The `intel` command: run the demo, materialize a real stack, open the UI.

Its output is its interface, so it prints; everything inside the graph logs through Dagster.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from intel_assets.settings import PROJECT_ROOT, Paths, resolve_paths
from intel_assets.stack import Stack, StackError, load_stack

if TYPE_CHECKING:
    import pandas as pd

    from intel_assets.model.versions import ModelStore, StoredModel

DEFAULT_CUSTOMERS = 10_000
DEFAULT_SEED = 7


def _stack(paths: Paths, stack_file: Path | None) -> Stack:
    try:
        return load_stack(stack_file or paths.stack_file)
    except (StackError, OSError) as error:
        raise click.UsageError(str(error)) from error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """intel-assets: every tool's slice of the customer, joined into one.

    Paths default to ./.intel in the project; INTEL_HOME moves them all, and
    INTEL_LANDING_DIR, INTEL_WAREHOUSE, DAGSTER_HOME and INTEL_STACK move one each.
    """
    os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")


@main.command()
@click.option("--customers", default=DEFAULT_CUSTOMERS, show_default=True, type=click.IntRange(1),
              help="Number of customer accounts to generate.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int,
              help="Random seed: the same seed gives the same company, file for file.")
@click.option("--null", "null", is_flag=True,
              help="Plant no pattern: churn is independent of everything the tools see.")
@click.option("--stack", "stack_file", type=click.Path(exists=True, dir_okay=False,
                                                        path_type=Path),
              help="Stack YAML choosing the tool of each family (default: the built-in stack).")
def demo(customers: int, seed: int, null: bool, stack_file: Path | None) -> None:
    """Generate the demo company and materialize every asset of the graph."""
    from intel_assets.demo.generate import demo_config, generate

    paths = resolve_paths()
    stack = _stack(paths, stack_file) if stack_file else _stack(paths, None)
    paths.home.mkdir(parents=True, exist_ok=True)
    paths.saved_stack.write_text(stack.to_yaml())

    config = demo_config(stack, customers=customers, seed=seed, null=null)
    click.echo(f"Generating {customers:,} customers (seed {seed}{', null' if null else ''}) "
               f"into {paths.landing} ...")
    report = generate(stack, paths.landing, paths.ground_truth, config)
    click.echo(f"  {report.people:,} people, {report.files:,} export files "
               f"in {report.seconds:.1f}s (answer key in {report.truth})")

    _reset_warehouse(paths)
    _materialize(paths, stack)
    _print_insights(paths, limit=5)


@main.command()
@click.option("--stack", "stack_file", type=click.Path(exists=True, dir_okay=False,
                                                        path_type=Path),
              help="Stack YAML (default: INTEL_STACK, the demo's last stack, or the built-in).")
def materialize(stack_file: Path | None) -> None:
    """Materialize every asset on the files now in the landing folders."""
    paths = resolve_paths()
    _materialize(paths, _stack(paths, stack_file))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the insights as one JSON array.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1),
              help="How many ranked insights to show (resolved ones are always listed).")
def insights(as_json: bool, limit: int) -> None:
    """Print the current insights from the warehouse, best ranked first."""
    paths = resolve_paths()
    if as_json:
        import json

        from intel_assets.insights.report import as_records

        frame = _current_insights(paths)
        click.echo(json.dumps(as_records(frame, limit=limit), indent=2, default=str))
        return
    _print_insights(paths, limit=limit)


@main.command()
@click.option("--family", "families", multiple=True,
              help="Only these families (product, ads, crm, support, lifecycle, billing, surveys).")
def contracts(families: tuple[str, ...]) -> None:
    """Print the generic file contract of each family, as Markdown."""
    from intel_assets.sources.generic import contract_markdown

    try:
        click.echo(contract_markdown(families or None, heading=2))
    except KeyError as error:
        raise click.BadParameter(str(error), param_hint="--family") from error


@main.group(invoke_without_command=True)
@click.pass_context
def models(ctx: click.Context) -> None:
    """List the kept churn model versions; `compare` sets two of them side by side."""
    if ctx.invoked_subcommand is not None:
        return
    from intel_assets.model.report import versions_table

    click.echo(versions_table(_model_store(resolve_paths())))


@models.command(name="compare")
@click.argument("older", required=False)
@click.argument("newer", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def compare_models(older: str | None, newer: str | None, as_json: bool) -> None:
    """Compare two model versions (by default the current one and the one kept before it).

    OLDER and NEWER are version names or their unique beginnings (`v0003`). Shows each
    version's own figures, their ROC AUC on the validation rows both held out, the features
    whose weight moved, and how the active customers' risk bands would change.
    """
    import json

    from intel_assets.model.report import compare, comparison_text
    from intel_assets.model.versions import NoModelError

    paths = resolve_paths()
    store = _model_store(paths)
    try:
        later = store.find(newer) if newer else store.current()
        earlier = store.find(older) if older else store.previous(later.version)
    except NoModelError as error:
        raise click.UsageError(str(error)) from error
    if earlier is None:
        raise click.UsageError(f"{later.version} is the only version kept: nothing to compare")

    bands, note = _band_moves(paths, earlier, later)
    comparison = compare(earlier, later, bands=bands, bands_note=note)
    if as_json:
        click.echo(json.dumps(comparison.to_dict(), indent=2, default=float))
        return
    click.echo(comparison_text(comparison))


def _model_store(paths: Paths) -> ModelStore:
    from intel_assets.model.versions import ModelStore

    return ModelStore(paths.models)


def _band_moves(
    paths: Paths, older: StoredModel, newer: StoredModel
) -> tuple[pd.DataFrame | None, str]:
    """Both versions' bands for today's active customers, or why they could not be had."""
    import duckdb

    from intel_assets.model.comparison import band_moves
    from intel_assets.warehouse import connect

    if not paths.warehouse.exists():
        return None, f"no warehouse at {paths.warehouse}"
    try:
        with connect(paths.warehouse, read_only=True) as con:
            snapshots = con.execute("select * from marts.customer_snapshots").df()
            active = con.execute(
                "select customer_id from marts.customers where not is_churned").df()
    except (duckdb.CatalogException, duckdb.IOException) as error:
        return None, f"the warehouse's marts could not be read: {error}"
    try:
        return band_moves(older, newer, snapshots, active["customer_id"]), ""
    except KeyError as error:
        return None, str(error.args[0])


@main.command(name="eval")
@click.option("--seeds", default="1,2,3", show_default=True,
              help="Comma-separated seeds; each is generated and run on its own.")
@click.option("--customers", default=DEFAULT_CUSTOMERS, show_default=True,
              type=click.IntRange(1))
@click.option("--stack", "stack_file", type=click.Path(exists=True, dir_okay=False,
                                                        path_type=Path))
@click.option("--null", "null", is_flag=True, help="Generate with no planted pattern.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def evaluate(seeds: str, customers: int, stack_file: Path | None, null: bool,
             as_json: bool) -> None:
    """Benchmark the pipeline against the demo's answer key (identity accuracy, marts)."""
    import json

    from intel_assets.evaluation.run import evaluate as run_evaluation

    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError as error:
        raise click.BadParameter(f"seeds must be integers: {seeds}") from error
    stack = load_stack(stack_file)
    report = run_evaluation(stack, seeds=seed_list, customers=customers, null=null)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    identity = report["identity"]
    click.echo(f"identity (people):   precision {identity['precision']:.4f}  "
               f"recall {identity['recall']:.4f}  F1 {identity['f1']:.4f}")
    click.echo(f"identity (accounts): precision {identity['account_precision']:.4f}  "
               f"recall {identity['account_recall']:.4f}  F1 {identity['account_f1']:.4f}")
    model = report["model"]
    click.echo(f"churn model:         AUC {model['auc']:.4f}  oracle {model['oracle_auc']:.4f}  "
               f"ratio {model['ratio']:.4f}  (hindsight oracle {model['hindsight_oracle_auc']:.4f}"
               f", ratio {model['hindsight_ratio']:.4f})")
    found = report.get("insights", {})
    if "null_significant" in found:
        click.echo(f"insights (null data): {found['null_significant']} with q < 0.05 "
                   f"over {len(report['seeds'])} seeds")
    elif found:
        click.echo(f"insights: recall in the top 10 {found['recall_top10']}; by family "
                   f"{found['recall_by_family']}")
    for seed in report["per_seed"]:
        marts = seed["marts"]
        click.echo(f"  seed {seed['seed']}: {marts['customers']} customers "
                   f"(truth {marts['truth_customers']}), F1 {seed['identity']['f1']:.4f}, "
                   f"account F1 {seed['identity']['account_f1']:.4f}, {seed['seconds']}s")


@main.command()
@click.option("--port", default=3000, show_default=True, type=int)
def ui(port: int) -> None:
    """Start the Dagster UI and daemon on 127.0.0.1 for this project."""
    from intel_assets.runner import prepare_instance

    paths = resolve_paths()
    prepare_instance(paths)
    dagster = shutil.which("dagster", path=str(Path(sys.executable).parent)) or "dagster"
    os.chdir(PROJECT_ROOT)
    os.execvpe(
        dagster,
        [dagster, "dev", "-h", "127.0.0.1", "-p", str(port), "-w",
         str(PROJECT_ROOT / "workspace.yaml")],
        {**os.environ, "DAGSTER_HOME": str(paths.dagster_home)},
    )


def _reset_warehouse(paths: Paths) -> None:
    """A demo starts from an empty warehouse: a new company's files replace the old ones."""
    for suffix in ("", ".wal"):
        target = Path(str(paths.warehouse) + suffix)
        if target.exists():
            target.unlink()


def _materialize(paths: Paths, stack: Stack) -> None:
    from intel_assets.runner import materialize_all

    click.echo(f"Materializing every asset into {paths.warehouse} ...")
    summary = materialize_all(paths, stack)
    _print_summary(summary)
    if not summary.success:
        raise SystemExit(1)


def _current_insights(paths: Paths):
    """`insights.current`, read-only; a usage error when no insight run has happened."""
    import duckdb

    from intel_assets.warehouse import connect

    if not paths.warehouse.exists():
        raise click.UsageError(f"no warehouse at {paths.warehouse}: run `intel demo` or "
                               "`intel materialize` first")
    try:
        with connect(paths.warehouse, read_only=True) as con:
            return con.execute("select * from insights.current").df()
    except duckdb.CatalogException as error:
        raise click.UsageError(f"{paths.warehouse} has no insights yet: materialize the "
                               "graph first") from error


def _print_insights(paths: Paths, *, limit: int) -> None:
    from intel_assets.insights.report import printed

    click.echo(f"\nTop insights ({paths.warehouse}):")
    click.echo(printed(_current_insights(paths), limit=limit))


def _print_summary(summary) -> None:
    width = max((len(a.key) for a in summary.assets), default=10)
    click.echo(f"\n{'asset':<{width}}  {'rows':>10}  {'loaded':>10}  {'quarantined':>11}")
    for asset in sorted(summary.assets, key=lambda a: a.key):
        meta = asset.metadata
        rows = meta.get("dagster/row_count", "")
        loaded = meta.get("rows_loaded", "")
        bad = meta.get("rows_quarantined", "")
        click.echo(f"{asset.key:<{width}}  {rows:>10}  {loaded:>10}  {bad:>11}")
    checks = summary.checks_passed + len(summary.checks_failed) + len(summary.checks_warned)
    click.echo(
        f"\n{len(summary.assets)} assets materialized in {summary.seconds:.1f}s; "
        f"{checks} checks: {summary.checks_passed} passed, {len(summary.checks_failed)} failed, "
        f"{len(summary.checks_warned)} warned (run {summary.run_id})."
    )
    for failed in summary.checks_failed:
        click.echo(f"  check failed: {failed}")
    for warned in summary.checks_warned:
        click.echo(f"  check warned: {warned}")
    if not summary.success:
        click.echo("The run failed: open `intel ui` for the step logs.", err=True)
