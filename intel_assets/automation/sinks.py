"""Where an alert is delivered: a local log (always there, the default), a webhook, Slack.

Each sink raises `DeliveryError` when it could not deliver, so the alert sensor can keep the
alert and try that sink again on a later tick instead of losing it.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from intel_assets.automation.config import AutomationConfig, SlackSink, WebhookSink

ALERT_LOG_NAME = "alerts.jsonl"


@dataclass(frozen=True)
class Alert:
    """One failure worth a person's attention, keyed so it is sent once."""

    key: str
    kind: str  # "check_failed" or "run_failed"
    severity: str  # "ERROR" or "WARNING"
    title: str
    text: str
    run_id: str
    occurred_at: float
    asset: str | None = None
    check: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"source": "intel-assets", **asdict(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Alert:
        return cls(**{k: v for k, v in data.items() if k != "source"})


class DeliveryError(RuntimeError):
    """A sink that could not take an alert this time."""


class Sink(Protocol):
    name: str

    def send(self, alert: Alert) -> None: ...


@dataclass(frozen=True)
class LogSink:
    """Appends each alert as one JSON line to a file under the installation's home."""

    path: Path
    name: str = "log"

    def send(self, alert: Alert) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.write(json.dumps(alert.to_json(), sort_keys=True) + "\n")


@dataclass(frozen=True)
class WebhookPoster:
    """POSTs each alert as a JSON object; any status other than 2xx is a failed delivery."""

    config: WebhookSink
    name: str = "webhook"

    def send(self, alert: Alert) -> None:
        body = json.dumps(alert.to_json()).encode()
        request = urllib.request.Request(
            self.config.url, data=body, method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "intel-assets"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout_seconds) as reply:
                status = reply.status
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryError(f"webhook {self.config.url}: {error}") from error
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook {self.config.url}: HTTP {status}")


@dataclass(frozen=True)
class SlackPoster:
    """Posts each alert to a channel with dagster-slack's client; the token comes from the
    environment variable the settings name, so it never sits in a file."""

    config: SlackSink
    name: str = "slack"

    def send(self, alert: Alert) -> None:
        from dagster_slack import SlackResource
        from slack_sdk.errors import SlackApiError

        token = os.environ.get(self.config.token_env)
        if not token:
            raise DeliveryError(f"slack: environment variable {self.config.token_env} is unset")
        client = SlackResource(token=token).get_client()
        if self.config.base_url:
            client.base_url = self.config.base_url.rstrip("/") + "/"
        icon = ":warning:" if alert.severity == "WARNING" else ":rotating_light:"
        try:
            client.chat_postMessage(channel=self.config.channel,
                                    text=f"{icon} *{alert.title}*\n{alert.text}")
        except (SlackApiError, OSError) as error:
            raise DeliveryError(f"slack {self.config.channel}: {error}") from error


def configured_sinks(config: AutomationConfig, home: Path) -> list[Sink]:
    sinks: list[Sink] = []
    if config.log:
        sinks.append(LogSink(home / ALERT_LOG_NAME))
    if config.webhook:
        sinks.append(WebhookPoster(config.webhook))
    if config.slack:
        sinks.append(SlackPoster(config.slack))
    return sinks
