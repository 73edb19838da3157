"""The automation settings file: where alerts go and how fresh each source must be.

`$INTEL_HOME/automation.yaml` (or the file `INTEL_AUTOMATION` names); every key is optional:

```yaml
alerts:
  log: true                        # JSON lines in $INTEL_HOME/alerts.jsonl (the default)
  webhook:                         # a JSON POST per alert
    url: http://127.0.0.1:9000/alerts
  slack:                           # through dagster-slack; the token is read from the
    channel: "#customer-intel"     # environment variable named here, never from this file
    token_env: SLACK_BOT_TOKEN
freshness:                         # hours since a source's raw assets last loaded
  default_hours: 26
  sources: {survey: 192, stripe: 26}
executor: in_process               # or multiprocess: one process per step
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ENV_AUTOMATION = "INTEL_AUTOMATION"
FILE_NAME = "automation.yaml"
DEFAULT_FRESHNESS_HOURS = 26.0  # a daily export, with two hours of slack
EXECUTORS = ("in_process", "multiprocess")


class AutomationConfigError(ValueError):
    """An automation settings file with an unknown key or a value of the wrong kind."""


@dataclass(frozen=True)
class WebhookSink:
    url: str
    timeout_seconds: float = 5.0


@dataclass(frozen=True)
class SlackSink:
    channel: str
    token_env: str = "SLACK_BOT_TOKEN"
    base_url: str | None = None  # Slack's own API unless set (a proxy, a test server)


@dataclass(frozen=True)
class AutomationConfig:
    log: bool = True
    webhook: WebhookSink | None = None
    slack: SlackSink | None = None
    freshness_default_hours: float = DEFAULT_FRESHNESS_HOURS
    freshness_hours: dict[str, float] = field(default_factory=dict)
    executor: str = "in_process"

    def freshness_for(self, tool: str) -> float:
        return self.freshness_hours.get(tool, self.freshness_default_hours)


def config_path(home: Path, environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env[ENV_AUTOMATION]) if env.get(ENV_AUTOMATION) else home / FILE_NAME


def load_config(path: Path) -> AutomationConfig:
    """The settings in `path`, or the defaults when it does not exist."""
    if not path.exists():
        return AutomationConfig()
    data = yaml.safe_load(path.read_text()) or {}
    return parse_config(data, origin=str(path))


def parse_config(data: Any, *, origin: str = "automation settings") -> AutomationConfig:
    _require_mapping(data, origin, {"alerts", "freshness", "executor"})
    alerts = data.get("alerts") or {}
    freshness = data.get("freshness") or {}
    _require_mapping(alerts, f"{origin}: alerts", {"log", "webhook", "slack"})
    _require_mapping(freshness, f"{origin}: freshness", {"default_hours", "sources"})

    executor = data.get("executor", "in_process")
    if executor not in EXECUTORS:
        raise AutomationConfigError(f"{origin}: executor must be one of {EXECUTORS}, "
                                    f"got {executor!r}")
    sources = freshness.get("sources") or {}
    _require_mapping(sources, f"{origin}: freshness.sources", None)
    return AutomationConfig(
        log=bool(alerts.get("log", True)),
        webhook=_webhook(alerts.get("webhook"), origin),
        slack=_slack(alerts.get("slack"), origin),
        freshness_default_hours=_hours(freshness.get("default_hours", DEFAULT_FRESHNESS_HOURS),
                                       f"{origin}: freshness.default_hours"),
        freshness_hours={tool: _hours(h, f"{origin}: freshness.sources.{tool}")
                         for tool, h in sources.items()},
        executor=executor,
    )


def _require_mapping(value: Any, origin: str, allowed: set[str] | None) -> None:
    if not isinstance(value, dict):
        raise AutomationConfigError(f"{origin}: expected a mapping, got {type(value).__name__}")
    unknown = sorted(set(value) - allowed) if allowed is not None else []
    if unknown:
        raise AutomationConfigError(f"{origin}: unknown key(s) {unknown}; "
                                    f"expected some of {sorted(allowed or ())}")


def _hours(value: Any, origin: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise AutomationConfigError(f"{origin}: expected a positive number of hours, "
                                    f"got {value!r}")
    return float(value)


def _webhook(value: Any, origin: str) -> WebhookSink | None:
    if value is None:
        return None
    if isinstance(value, str):
        return WebhookSink(url=value)
    _require_mapping(value, f"{origin}: alerts.webhook", {"url", "timeout_seconds"})
    if not value.get("url"):
        raise AutomationConfigError(f"{origin}: alerts.webhook needs a url")
    return WebhookSink(url=str(value["url"]),
                       timeout_seconds=float(value.get("timeout_seconds", 5.0)))


def _slack(value: Any, origin: str) -> SlackSink | None:
    if value is None:
        return None
    _require_mapping(value, f"{origin}: alerts.slack", {"channel", "token_env", "base_url"})
    if not value.get("channel"):
        raise AutomationConfigError(f"{origin}: alerts.slack needs a channel")
    return SlackSink(channel=str(value["channel"]),
                     token_env=str(value.get("token_env", "SLACK_BOT_TOKEN")),
                     base_url=value.get("base_url"))
