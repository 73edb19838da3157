"""The `intel` command and the code location, as a new user meets them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from intel_assets.cli import main
from intel_assets.settings import PROJECT_ROOT
from intel_assets.sources.catalog import stack_objects
from intel_assets.stack import load_stack

BIN = Path(sys.executable).parent


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTEL_", "DAGSTER_HOME"))}
    return {**env, "INTEL_HOME": str(home), "DAGSTER_TELEMETRY_DISABLED": "1", **extra}


COMMANDS = [[], ["demo"], ["materialize"], ["ui"], ["eval"], ["contracts"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command):
    result = CliRunner().invoke(main, [*command, "--help"])

    assert result.exit_code == 0
    assert "Usage: main" in result.output or "Usage:" in result.output


def test_the_generic_contracts_print_as_markdown_tables():
    result = CliRunner().invoke(main, ["contracts", "--family", "crm"])

    assert result.exit_code == 0
    assert "## crm (`generic_crm`)" in result.output
    assert "| `contact_id` | string | yes |" in result.output


def test_a_bad_stack_file_is_a_usage_error_naming_it(tmp_path):
    stack = tmp_path / "stack.yaml"
    stack.write_text("crm: pipedrive\n")

    result = CliRunner().invoke(main, ["demo", "--stack", str(stack)],
                                env=_env(tmp_path / "home"))

    assert result.exit_code == 2
    assert "'pipedrive' is not a crm tool" in result.output


def test_the_code_location_loads_through_the_dagster_cli(tmp_path):
    result = subprocess.run(
        [str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, env=_env(tmp_path), capture_output=True, text=True, timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful" in result.stdout + result.stderr


def _demo(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "intel"), "demo", "--customers", "2000", *args],
        cwd=PROJECT_ROOT, env=_env(home), capture_output=True, text=True, timeout=900,
    )


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 11])
def test_the_demo_materializes_every_raw_asset_in_a_fresh_folder(tmp_path, seed):
    home = tmp_path / "home"

    result = _demo(home, "--seed", str(seed))

    assert result.returncode == 0, result.stdout + result.stderr
    stack = load_stack(home / "stack.yaml")
    expected = {f"raw/{obj.tool}/{obj.name}" for obj in stack_objects(stack)}
    printed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("raw/")}
    assert printed == expected
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        for obj in stack_objects(stack):
            count = con.execute(f'SELECT count(*) FROM raw."{obj.table}"').fetchall()[0][0]
            assert count > 0, obj.table
        quarantined = con.execute("SELECT count(*) FROM raw._quarantine").fetchall()[0][0]
    assert quarantined == 0


@pytest.mark.slow
def test_materializing_again_loads_nothing_twice(tmp_path):
    home = tmp_path / "home"
    assert _demo(home, "--seed", "5").returncode == 0
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM raw._loaded_files").fetchall()

    again = subprocess.run(
        [str(BIN / "intel"), "materialize"],
        cwd=PROJECT_ROOT, env=_env(home), capture_output=True, text=True, timeout=900,
    )

    assert again.returncode == 0, again.stdout + again.stderr
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw._loaded_files").fetchall() == before
        assert con.execute(
            "SELECT count(*) FROM raw._loaded_files GROUP BY file_sha256, table_name "
            "HAVING count(*) > 1"
        ).fetchall() == []
