"""The `intel ui` process group (webserver, daemon, code server) started and stopped from a
script, and a small GraphQL client for it: what the UI test and the latency benchmark use.

Started in the background, `dagster dev` inherits ignored SIGINT/SIGTERM and then ignores
them too, and signalling only its leader orphans the code server. So the group is started
in a new session with default signal dispositions, and stopped with SIGINT to the whole
group (SIGKILL if it has not gone within the grace period).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from intel_assets.settings import PROJECT_ROOT

REPOSITORY = "__repository__"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _default_signals() -> None:
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


@dataclass
class UiProcess:
    process: subprocess.Popen
    port: int
    log: IO[bytes]
    location: str = ""  # the code location's name, as workspace.yaml makes it

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def graphql(self, query: str, variables: dict[str, Any] | None = None,
                timeout: float = 30.0) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.url}/graphql", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            data = json.loads(reply.read())
        if data.get("errors"):
            raise RuntimeError(f"GraphQL errors: {data['errors']}")
        return data["data"]

    def stop(self, grace_seconds: float = 20.0) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def start_ui(home: Path, *, log_path: Path, port: int | None = None,
             ready_seconds: float = 180.0, extra_env: dict[str, str] | None = None) -> UiProcess:
    """Starts `intel ui` for the installation in `home` and waits until the code location
    has loaded (its repository answers through GraphQL)."""
    port = port or free_port()
    intel = Path(sys.executable).with_name("intel")
    return start_dagster([str(intel), "ui", "--port", str(port)], port=port,
                         env={"INTEL_HOME": str(home), **(extra_env or {})},
                         log_path=log_path, ready_seconds=ready_seconds)


def start_dagster(command: list[str], *, port: int, env: dict[str, str], log_path: Path,
                  ready_seconds: float = 180.0) -> UiProcess:
    """Starts a webserver-and-daemon command in its own process group and waits for its
    code location; `env` is laid over this environment less its intel and Dagster paths."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("INTEL_", "DAGSTER_HOME"))}
    log = log_path.open("wb")
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env={**base, "DAGSTER_TELEMETRY_DISABLED": "1", **env},
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_default_signals,
    )
    ui = UiProcess(process, port, log)
    deadline = time.monotonic() + ready_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            ui.stop()
            raise RuntimeError(f"{command[0]} exited with {process.returncode}; see {log_path}")
        ui.location = _loaded_location(ui) or ""
        if ui.location:
            return ui
        time.sleep(1.0)
    ui.stop()
    raise TimeoutError(f"{command[0]} did not load its code location in {ready_seconds}s; "
                       f"see {log_path}")


def _loaded_location(ui: UiProcess) -> str | None:
    """The name of the code location holding the project's repository, once it loaded."""
    try:
        data = ui.graphql("{ repositoriesOrError { __typename ... on RepositoryConnection "
                          "{ nodes { name location { name } } } } }", timeout=5)
    except (urllib.error.URLError, OSError, RuntimeError, json.JSONDecodeError):
        return None
    nodes = data["repositoriesOrError"].get("nodes") or []
    return next((n["location"]["name"] for n in nodes if n["name"] == REPOSITORY), None)


LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""

RUN_STATUS = """
query Run($id: ID!) {
  runOrError(runId: $id) { __typename ... on Run { status startTime endTime } }
}"""


def launch_assets(ui: UiProcess, keys: list[list[str]], tags: dict[str, str] | None = None) -> str:
    """Launches a run materializing `keys` (asset key paths); returns its id."""
    params = {
        "selector": {"repositoryLocationName": ui.location, "repositoryName": REPOSITORY,
                     "jobName": "__ASSET_JOB", "assetSelection": [{"path": k} for k in keys],
                     "assetCheckSelection": []},
        "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]},
    }
    result = ui.graphql(LAUNCH, {"params": params})["launchRun"]
    if result["__typename"] != "LaunchRunSuccess":
        raise RuntimeError(f"launch failed: {result}")
    return result["run"]["runId"]


def wait_for_runs(ui: UiProcess, run_ids: list[str], timeout: float = 300.0
                  ) -> dict[str, dict[str, Any]]:
    """Each run's final status, start and end time, once all have finished."""
    done: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while len(done) < len(run_ids) and time.monotonic() < deadline:
        for run_id in run_ids:
            if run_id in done:
                continue
            run = ui.graphql(RUN_STATUS, {"id": run_id})["runOrError"]
            if run.get("status") in ("SUCCESS", "FAILURE", "CANCELED"):
                done[run_id] = run
        time.sleep(1.0)
    if len(done) < len(run_ids):
        raise TimeoutError(f"{len(run_ids) - len(done)} run(s) unfinished after {timeout}s")
    return done
