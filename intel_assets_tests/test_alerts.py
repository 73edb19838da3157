"""Alerts against a real HTTP server on 127.0.0.1: a failed run and a newly failing check are
each sent once to the log, the webhook and Slack (dagster-slack's client, pointed at the
same server), a check that keeps failing is not sent again, and a delivery that fails is
retried without resending to the sinks that already have it."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import pytest

from intel_assets.automation.alerts import alert_tick
from intel_assets.automation.config import SlackSink, WebhookSink, parse_config
from intel_assets.automation.sinks import LogSink, SlackPoster, WebhookPoster

LOG = logging.getLogger("test_alerts")


class Recorder:
    """What the server received, and how many requests it should still refuse."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict]] = []
        self.refuse = 0
        self.lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with recorder.lock:
                    refused = recorder.refuse > 0
                    recorder.refuse -= 1 if refused else 0
                    if not refused:
                        recorder.posts.append((self.path, _decode(body, self.headers)))
                self.send_response(500 if refused else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true, "channel": "C1", "ts": "1.0"}')

            def log_message(self, *args) -> None:
                pass

        return Handler


def _decode(body: bytes, headers) -> dict:
    if headers.get("Content-Type", "").startswith("application/json"):
        return json.loads(body)
    from urllib.parse import parse_qs

    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


@pytest.fixture
def server() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), recorder.handler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", recorder
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def instance(tmp_path: Path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        yield instance


def _graph(check_passes: dict[str, bool], fail_asset: bool = False):
    @dg.asset(key=["marts", "customers"])
    def customers() -> None:
        if fail_asset:
            raise RuntimeError("Could not set lock on file warehouse.duckdb")

    @dg.asset_check(asset=customers, name="customer_ids_are_unique")
    def unique_ids() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=check_passes["now"], metadata={"duplicates": 3})

    return [customers, unique_ids]


def _materialize(graph, instance) -> None:
    dg.materialize(graph, instance=instance, raise_on_error=False)


def _sinks(url: str, home: Path):
    return [
        LogSink(home / "alerts.jsonl"),
        WebhookPoster(WebhookSink(url=f"{url}/alerts")),
        SlackPoster(SlackSink(channel="#intel", token_env="TEST_SLACK_TOKEN",
                              base_url=f"{url}/slack/")),
    ]


def test_each_failure_is_sent_once_to_every_sink(server, instance, tmp_path, monkeypatch):
    url, recorder = server
    monkeypatch.setenv("TEST_SLACK_TOKEN", "xoxb-test")
    sinks = _sinks(url, tmp_path)
    passes = {"now": False}

    _materialize(_graph(passes), instance)
    _materialize(_graph(passes, fail_asset=True), instance)
    state, alerts, sent = alert_tick(instance, None, sinks, LOG)

    assert sorted(a.kind for a in alerts) == ["check_failed", "run_failed"]
    assert sent == {"log": 2, "webhook": 2, "slack": 2}
    hooks = [body for path, body in recorder.posts if path == "/alerts"]
    assert {h["kind"] for h in hooks} == {"check_failed", "run_failed"}
    run_failure = next(h for h in hooks if h["kind"] == "run_failed")
    assert "Could not set lock" in run_failure["text"]
    slack = [body for path, body in recorder.posts if path == "/slack/chat.postMessage"]
    assert len(slack) == 2 and all(b["channel"] == "#intel" for b in slack)

    _, again, _ = alert_tick(instance, state.to_cursor(), sinks, LOG)
    _materialize(_graph(passes), instance)  # the same check fails again: the same failure
    state, still, _ = alert_tick(instance, state.to_cursor(), sinks, LOG)

    assert again == [] and still == []
    assert len(recorder.posts) == 4
    lines = (tmp_path / "alerts.jsonl").read_text().splitlines()
    assert len(lines) == 2


def test_a_check_that_passes_again_alerts_on_its_next_failure(server, instance, tmp_path):
    url, recorder = server
    sinks = [WebhookPoster(WebhookSink(url=f"{url}/alerts"))]
    passes = {"now": False}
    _materialize(_graph(passes), instance)
    state, first, _ = alert_tick(instance, None, sinks, LOG)

    passes["now"] = True
    _materialize(_graph(passes), instance)
    state, recovered, _ = alert_tick(instance, state.to_cursor(), sinks, LOG)
    passes["now"] = False
    _materialize(_graph(passes), instance)
    state, relapsed, _ = alert_tick(instance, state.to_cursor(), sinks, LOG)

    assert [a.kind for a in first] == ["check_failed"]
    assert recovered == []
    assert [a.kind for a in relapsed] == ["check_failed"]
    assert first[0].key != relapsed[0].key
    assert len(recorder.posts) == 2


def test_a_refused_delivery_is_retried_and_not_resent_elsewhere(server, instance, tmp_path):
    url, recorder = server
    sinks = [LogSink(tmp_path / "alerts.jsonl"), WebhookPoster(WebhookSink(url=f"{url}/a"))]
    recorder.refuse = 1
    _materialize(_graph({"now": False}), instance)

    state, alerts, sent = alert_tick(instance, None, sinks, LOG)
    assert len(alerts) == 1 and sent == {"log": 1}
    assert len(state.pending) == 1 and recorder.posts == []

    state, _, sent = alert_tick(instance, state.to_cursor(), sinks, LOG)
    assert sent == {"webhook": 1} and state.pending == []
    assert len(recorder.posts) == 1
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == 1


def test_sinks_are_configured_in_the_automation_settings():
    config = parse_config({"alerts": {"webhook": "http://127.0.0.1:9/x",
                                      "slack": {"channel": "#c"}},
                           "freshness": {"sources": {"stripe": 12}}})

    assert config.log and config.webhook.url == "http://127.0.0.1:9/x"
    assert config.slack.token_env == "SLACK_BOT_TOKEN"
    assert config.freshness_for("stripe") == 12 and config.freshness_for("survey") == 26
    with pytest.raises(ValueError, match=r"alerts: unknown key\(s\) \['email'\]"):
        parse_config({"alerts": {"email": "x@y"}})
    with pytest.raises(ValueError, match=r"freshness\.sources\.zendesk: expected a positive"):
        parse_config({"freshness": {"sources": {"zendesk": -1}}})
