"""The dbt project as Dagster assets, compiled for the configured stack.

Models of tools outside the stack are disabled through the `intel_tools` variable, so the
manifest depends on the stack: it is parsed once per (stack, project files) into its own
target folder and reused until either changes. `dbt parse` runs offline.

Runs invoke dbt with a target folder of their installation's own: dbt's partial parsing
keys its saved state on the connection settings, the warehouse path among them, so homes
sharing one target folder would make each other's next run parse the whole project again.
"""


import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)
from dagster_dbt.compat import DBT_PYTHON_VERSION

from intel_assets.resources import WAREHOUSE_POOL
from intel_assets.settings import DBT_PROJECT_DIR, ENV_WAREHOUSE, Paths
from intel_assets.stack import Stack

if TYPE_CHECKING:
    from packaging.version import Version

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")
BEFORE_IDENTITY = "resource_type:seed intel_assets.staging intel_assets.intermediate"
AFTER_IDENTITY = "intel_assets.identified intel_assets.marts"


class LayerTranslator(DagsterDbtTranslator):
    """Keys models by layer (`marts/customers`) and groups them by layer in the UI."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dg.AssetKey([_layer(dbt_resource_props), dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return _layer(dbt_resource_props)
        return super().get_group_name(dbt_resource_props)


def _layer(props: Mapping[str, Any]) -> str:
    if props["resource_type"] == "seed":
        return "seeds"
    fqn = props.get("fqn", [])
    return fqn[1] if len(fqn) > 2 else "models"


def stack_vars(stack: Stack) -> str:
    return json.dumps({"intel_tools": list(stack.all_tools)})


def _fingerprint(stack: Stack) -> str:
    digest = hashlib.sha1(stack_vars(stack).encode())
    for name in PROJECT_FILES:
        root = DBT_PROJECT_DIR / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def prepared_target(stack: Stack) -> Path:
    """The target folder holding this stack's manifest, parsing the project if needed."""
    target = DBT_PROJECT_DIR / "target" / f"stack-{_fingerprint(stack)}"
    if not (target / "manifest.json").exists():
        dbt = _dbt_executable()
        completed = subprocess.run(
            [str(dbt), "parse", "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir",
             str(DBT_PROJECT_DIR), "--target-path", str(target), "--vars", stack_vars(stack),
             "--quiet"],
            capture_output=True, text=True, env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS":
                                                  "false"},
        )
        if completed.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{completed.stdout}\n{completed.stderr}")
    return target


def _dbt_executable() -> Path:
    """dbt from this interpreter's environment, whether or not the venv is on PATH."""
    return Path(sys.executable).with_name("dbt")


class ProjectDbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without the work it does before each dbt call that this
    project never uses: on 2 cores that work costs more than building a refresh's models.

    dagster-dbt learns the dbt version by running `dbt --version`, a new process importing
    dbt that also asks PyPI for the latest release (2-4 s per run, and a network call at run
    time); the executable here is this environment's own, so its version is that of the
    dbt-core this interpreter imports. It also opens a dbt adapter inside the run to fetch
    row counts or column metadata, which the assets here do not ask for (1-2 s per run).
    """

    @cached_property
    def _cli_version(self) -> "Version":
        return DBT_PYTHON_VERSION or super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_resource() -> DbtCliResource:
    return ProjectDbtCli(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(_dbt_executable()),
    )


def run_target(paths: Paths) -> Path:
    """Where the installation's dbt runs keep their artifacts, logs and partial-parse state."""
    return paths.home / "dbt-target"


def dbt_asset_definitions(paths: Paths, stack: Stack) -> list[dg.AssetsDefinition]:
    """Two dbt multi-assets: everything up to the identity observations, then the marts,
    with identity resolution (a Python asset) between them."""
    manifest = prepared_target(stack) / "manifest.json"
    translator = LayerTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
    arguments = ["build", "--vars", stack_vars(stack)]

    def run(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
        with _environment(ENV_WAREHOUSE, str(paths.warehouse)):
            invocation = dbt.cli(arguments, context=context, target_path=run_target(paths))
        yield from invocation.stream()

    @dbt_assets(manifest=manifest, select=BEFORE_IDENTITY, name="dbt_staging_intermediate",
                dagster_dbt_translator=translator, pool=WAREHOUSE_POOL)
    def staging_and_intermediate(context: AssetExecutionContext, dbt: DbtCliResource):
        yield from run(context, dbt)

    definitions = [staging_and_intermediate]
    if _has_marts(manifest):

        @dbt_assets(manifest=manifest, select=AFTER_IDENTITY, name="dbt_marts",
                    dagster_dbt_translator=translator, pool=WAREHOUSE_POOL)
        def marts(context: AssetExecutionContext, dbt: DbtCliResource):
            yield from run(context, dbt)

        definitions.append(marts)
    return definitions


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """Sets one variable while dbt's process starts (dagster-dbt hands dbt this process's
    environment and takes no other), then restores it: one process may run several homes
    (`intel eval`, the tests), and a leftover warehouse path would point the next at the
    wrong file."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def _has_marts(manifest: Path) -> bool:
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return any(n["resource_type"] == "model" and n["fqn"][1] == "marts" for n in nodes)
