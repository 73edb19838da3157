"""The stack file and the paths: defaults, overrides, and errors that say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from intel_assets.settings import resolve_paths
from intel_assets.stack import DEFAULT_STACK, StackError, load_stack, parse_stack


def test_families_left_out_take_the_default_tool():
    stack = parse_stack({"crm": "salesforce"})

    assert stack.tools["crm"] == ("salesforce",)
    assert stack.tools["product"] == (DEFAULT_STACK["product"],)
    assert stack.tools["ads"] == tuple(DEFAULT_STACK["ads"])


def test_ads_take_a_list_and_other_families_one_tool():
    assert parse_stack({"ads": ["meta_ads"]}).tools["ads"] == ("meta_ads",)
    with pytest.raises(StackError, match=r"crm takes one tool, got \['hubspot', 'salesforce'\]"):
        parse_stack({"crm": ["hubspot", "salesforce"]})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"crm": "pipedrive"}, r"'pipedrive' is not a crm tool; choose from"),
        ({"warehouse": "x"}, r"unknown key\(s\) \['warehouse'\]"),
        ({"accounts": "b2c"}, r"accounts must be one of \('business', 'consumer'\)"),
        (["mixpanel"], r"expected a mapping of family to tool, got list"),
        ({"generic": {"crm": {"name": "pipedrive"}}}, r"generic settings for crm"),
    ],
)
def test_a_bad_stack_is_refused_with_the_reason(data, message):
    with pytest.raises(StackError, match=message):
        parse_stack(data)


def test_a_generic_family_gets_its_own_tool_id_and_format(tmp_path):
    path = tmp_path / "stack.yaml"
    path.write_text("crm: generic\ngeneric:\n  crm: {name: pipedrive, format: parquet}\n"
                    "landing:\n  generic_crm: exports/pipedrive\n")

    stack = load_stack(path)

    assert stack.tools["crm"] == ("generic_crm",)
    assert stack.generic_source("crm").file_format == "parquet"
    assert stack.landing_dir("generic_crm", tmp_path / "landing") == (
        tmp_path / "exports" / "pipedrive"
    )


def test_a_stack_written_out_reads_back_the_same(tmp_path):
    stack = parse_stack({"product": "heap", "ads": ["google_ads", "linkedin_ads"],
                         "accounts": "consumer"})
    path = tmp_path / "stack.yaml"
    path.write_text(stack.to_yaml())

    again = load_stack(path)

    assert again.tools == stack.tools
    assert again.is_consumer


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "stack.yaml"
    path.write_text("crm: [unclosed\n")

    with pytest.raises(StackError, match=r"stack.yaml: not valid YAML"):
        load_stack(path)


def test_intel_home_moves_every_path_and_each_can_move_alone(tmp_path):
    home = tmp_path / "home"
    paths = resolve_paths({"INTEL_HOME": str(home)})
    assert paths.landing == home / "landing"
    assert paths.warehouse == home / "warehouse.duckdb"
    assert paths.dagster_home == home / "dagster"

    moved = resolve_paths({"INTEL_HOME": str(home), "INTEL_WAREHOUSE": str(tmp_path / "w.db")})
    assert moved.warehouse == tmp_path / "w.db"
    assert moved.landing == home / "landing"


def test_the_stack_saved_by_the_demo_is_used_when_none_is_named(tmp_path):
    (tmp_path / "stack.yaml").write_text("crm: salesforce\n")

    paths = resolve_paths({"INTEL_HOME": str(tmp_path)})

    assert paths.stack_file == Path(tmp_path / "stack.yaml")
    assert load_stack(paths.stack_file).tools["crm"] == ("salesforce",)


def test_a_family_the_company_does_not_have_is_none(tmp_path):
    stack = parse_stack({"support": "none", "surveys": None})

    assert stack.tools["support"] == ()
    assert stack.tools["surveys"] == ()
    assert "zendesk" not in stack.all_tools
    assert "support: none" in stack.to_yaml()
