"""The `intel` command and the code location, as a new user meets them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from intel_assets.cli import main
from intel_assets.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTEL_", "DAGSTER_HOME"))}
    return {**env, "INTEL_HOME": str(home), "DAGSTER_TELEMETRY_DISABLED": "1", **extra}


COMMANDS = [[], ["demo"], ["materialize"], ["ui"], ["eval"], ["contracts"], ["models"],
            ["models", "compare"]]


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
