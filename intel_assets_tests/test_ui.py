"""End to end through the UI: `intel ui` serves every asset and check of the demo with
its sensors on, a run launched through GraphQL succeeds, and headless Chromium renders the
asset graph rather than an error. (The burst of ten runs is `test_automation_burst.py`.)"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from intel_assets.automation.ui_process import UiProcess, launch_assets, start_ui, wait_for_runs
from intel_assets_tests.demo_summary import check_counts
from intel_assets_tests.test_end_to_end import SEEDS, demo_home

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")

ASSETS = """
{ assetNodes { assetKey { path }
    assetChecksOrError { __typename ... on AssetChecks { checks { name } } } } }"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    """A copy of the seed's demo home that `test_end_to_end` builds (generated here if that
    module did not run), so the UI's runs and sensors touch no home another test reads.
    INTEL_UI_TEST_HOME reuses a home this fixture made before (its `demo.out` holds what the
    demo printed), to iterate on the UI without regenerating."""
    reused = os.environ.get("INTEL_UI_TEST_HOME")
    if reused:
        return Path(reused), (Path(reused) / "demo.out").read_text()
    built, result = demo_home(tmp_path_factory.mktemp("demo"), SEEDS[0])
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    # copytree keeps modification times, so the landing sensor's first tick counts every
    # file as loaded by the demo's run instead of loading the whole copy again.
    home = tmp_path_factory.mktemp("ui") / "home"
    shutil.copytree(built, home)
    (home / "demo.out").write_text(result.stdout)
    return home, result.stdout


@pytest.fixture(scope="module")
def ui(demo) -> Iterator[UiProcess]:
    home, _ = demo
    process = start_ui(home, log_path=home / "ui.log")
    yield process
    process.stop()


def _printed_assets(stdout: str) -> set[str]:
    return {line.split()[0] for line in stdout.splitlines()
            if line.split() and "/" in line.split()[0] and not line.startswith(" ")}


def test_every_asset_and_check_of_the_demo_is_served(demo, ui):
    _, stdout = demo
    nodes = ui.graphql(ASSETS)["assetNodes"]
    served = {"/".join(n["assetKey"]["path"]) for n in nodes}
    checks = [c["name"] for n in nodes for c in n["assetChecksOrError"].get("checks", [])]
    ran = check_counts(stdout)[0]

    assert _printed_assets(stdout) <= served
    assert len(checks) >= ran > 50
    assert {"load_meets_expectations", "source_is_fresh", "mart_meets_expectations"} <= set(checks)


def test_the_automation_is_on_without_anyone_pressing_anything(ui):
    data = ui.graphql("""query Sensors($location: String!) { sensorsOrError(
        repositorySelector: {repositoryLocationName: $location, repositoryName:
        "__repository__"}) { ... on Sensors { results { name sensorState { status } } } } }""",
                      {"location": ui.location})
    states = {s["name"]: s["sensorState"]["status"]
              for s in data["sensorsOrError"]["results"]}

    assert states == {"landing_files": "RUNNING", "refresh_downstream": "RUNNING",
                      "run_quality_checks": "RUNNING", "failure_alerts": "RUNNING"}


def test_a_launched_run_succeeds(ui):
    run_id = launch_assets(ui, [["raw", "survey", "responses"]])

    assert wait_for_runs(ui, [run_id])[run_id]["status"] == "SUCCESS"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="scripts/install-browser installs chromium")
def test_the_asset_graph_renders_in_a_browser(ui, tmp_path):
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "asset-graph.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],  # Playwright gives it a new empty profile itself
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{ui.url}/asset-groups", wait_until="domcontentloaded", timeout=60_000)
        page.get_by_text("Global asset lineage").first.wait_for(timeout=90_000)
        page.locator("svg path").nth(20).wait_for(state="attached", timeout=90_000)
        skip = page.get_by_role("button", name="Skip")  # the first-visit newsletter dialog
        if skip.count():
            skip.first.click()
        page.wait_for_timeout(2_000)
        page.screenshot(path=str(shot), full_page=False)
        text = page.inner_text("body")
        edges = page.locator("svg path").count()
        browser.close()

    assert "Something went wrong" not in text and "PythonError" not in text
    assert {"raw_billing", "staging", "identity", "marts", "insights"} <= set(text.split())
    assert edges > 20
    assert shot.stat().st_size > 20_000
    shutil.copy(shot, Path(os.environ.get("INTEL_UI_SCREENSHOT", tmp_path / "kept.png")))
