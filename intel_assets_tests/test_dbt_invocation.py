"""How runs call dbt: the version dagster-dbt would ask `dbt --version` for is known without
asking, and each installation keeps its own dbt state, so a run does not parse the whole
project again because another installation ran dbt in between."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import dagster as dg

from intel_assets.resources import Warehouse
from intel_assets.settings import resolve_paths
from intel_assets.stack import parse_stack
from intel_assets.transform.dbt_project import (
    dbt_asset_definitions,
    dbt_resource,
    run_target,
)

SEED = dg.AssetKey(["seeds", "country_names"])  # builds from the project alone


def test_the_dbt_version_is_the_one_dbt_reports():
    resource = dbt_resource()
    reported = subprocess.run([resource.dbt_executable, "--version"], capture_output=True,
                              text=True, check=True).stdout

    installed = re.search(r"installed:\s+(\d+\.\d+\.\d+)", reported).group(1)
    assert str(resource._cli_version) == installed


def _build_seed(home: Path, instance: dg.DagsterInstance) -> None:
    paths = resolve_paths({"INTEL_HOME": str(home)})
    home.mkdir(parents=True, exist_ok=True)
    result = dg.materialize(
        dbt_asset_definitions(paths, parse_stack({})), instance=instance, selection=[SEED],
        resources={"dbt": dbt_resource(), "warehouse": Warehouse(path=str(paths.warehouse))},
    )
    assert result.success


def _parse_events_of_last_call(home: Path) -> set[str]:
    """The names of the parsing events dbt logged in its latest invocation for `home`."""
    log = run_target(resolve_paths({"INTEL_HOME": str(home)})) / "dbt.log"
    events = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    last = events[-1]["info"]["invocation_id"]
    return {e["info"]["name"] for e in events if e["info"]["invocation_id"] == last
            and "Pars" in e["info"]["name"]}


def test_a_run_reuses_its_installations_parse_after_another_installation_ran(tmp_path: Path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        _build_seed(tmp_path / "a", instance)
        _build_seed(tmp_path / "b", instance)
        _build_seed(tmp_path / "a", instance)

    events = _parse_events_of_last_call(tmp_path / "a")
    assert "PartialParsingEnabled" in events
    assert "UnableToPartialParse" not in events
