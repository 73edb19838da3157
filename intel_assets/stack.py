"""The company's stack: which tool serves each source family, and where its files land.

The same YAML file drives the demo generator and the pipeline, so a real company describes
its own tools exactly as the demo does:

```yaml
product: amplitude
ads: [google_ads, linkedin_ads]
crm: salesforce
support: zendesk
lifecycle: braze
billing: stripe
surveys: survey
accounts: business          # or `consumer`: every account is one person
landing:                    # optional: a folder per tool, default <landing>/<tool>
  salesforce: /mnt/exports/salesforce
```

A family the company has no tool for says `none`. A family may also name `generic`: its
files then follow that family's generic contract (see `intel_assets/sources/generic.py`), for
an unlisted tool or a table exported from a warehouse.
The tool id becomes `generic_<family>`; a `generic:` section may say which format it uses:

```yaml
crm: generic
generic:
  crm: {name: pipedrive, format: parquet}
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FAMILIES: dict[str, tuple[str, ...]] = {
    "product": ("mixpanel", "amplitude", "heap"),
    "ads": ("google_ads", "meta_ads", "linkedin_ads"),
    "crm": ("salesforce", "hubspot"),
    "support": ("intercom", "zendesk"),
    "lifecycle": ("klaviyo", "customerio", "braze"),
    "billing": ("stripe",),
    "surveys": ("survey",),
}
MULTI_TOOL_FAMILIES = frozenset({"ads"})
ACCOUNT_MODELS = ("business", "consumer")
GENERIC_FORMATS = ("csv", "parquet")
GENERIC_TOOL_PREFIX = "generic_"

DEFAULT_STACK: dict[str, Any] = {
    "product": "mixpanel",
    "ads": ["google_ads", "meta_ads", "linkedin_ads"],
    "crm": "hubspot",
    "support": "zendesk",
    "lifecycle": "customerio",
    "billing": "stripe",
    "surveys": "survey",
    "accounts": "business",
}


class StackError(ValueError):
    """A stack file that names an unknown family or tool, or is not a mapping."""


@dataclass(frozen=True)
class GenericSource:
    """An unlisted tool plugged in through its family's generic file contract."""

    family: str
    name: str
    file_format: str = "csv"

    @property
    def tool(self) -> str:
        return GENERIC_TOOL_PREFIX + self.family


@dataclass(frozen=True)
class Stack:
    """One tool per family (several for ads), plus generic sources and landing overrides."""

    tools: dict[str, tuple[str, ...]]
    accounts: str = "business"
    landing_overrides: dict[str, Path] = field(default_factory=dict)
    generic: dict[str, GenericSource] = field(default_factory=dict)
    source_file: Path | None = None

    @property
    def all_tools(self) -> tuple[str, ...]:
        """Every tool id in the stack, generic ones included, in family order."""
        return tuple(tool for family in FAMILIES for tool in self.tools.get(family, ()))

    def generic_source(self, family: str) -> GenericSource:
        return self.generic.get(family, GenericSource(family, family))

    @property
    def is_consumer(self) -> bool:
        return self.accounts == "consumer"

    def family_of(self, tool: str) -> str:
        for family, tools in self.tools.items():
            if tool in tools:
                return family
        raise StackError(f"tool {tool!r} is not in this stack")

    def landing_dir(self, tool: str, landing_root: Path) -> Path:
        """The folder a tool's export files are read from (and the demo writes to)."""
        return self.landing_overrides.get(tool, landing_root / tool)

    def to_yaml(self) -> str:
        names = {
            family: ["generic" if t.startswith(GENERIC_TOOL_PREFIX) else t for t in tools]
            for family, tools in self.tools.items()
        }
        data: dict[str, Any] = {
            family: tools if family in MULTI_TOOL_FAMILIES else (tools[0] if tools else "none")
            for family, tools in names.items()
        }
        data["accounts"] = self.accounts
        if self.landing_overrides:
            data["landing"] = {tool: str(path) for tool, path in self.landing_overrides.items()}
        if self.generic:
            data["generic"] = {
                family: {"name": g.name, "format": g.file_format}
                for family, g in self.generic.items()
            }
        return yaml.safe_dump(data, sort_keys=False)


def parse_stack(data: Any, *, origin: str = "stack") -> Stack:
    """Validates a stack mapping; families left out take the default tool."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise StackError(f"{origin}: expected a mapping of family to tool, got {kind}")
    known = set(FAMILIES) | {"accounts", "landing", "generic"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise StackError(f"{origin}: unknown key(s) {unknown}; families are {sorted(FAMILIES)}")

    tools = {
        family: _family_tools(family, data.get(family, DEFAULT_STACK[family]), origin)
        for family in FAMILIES
    }

    accounts = data.get("accounts", DEFAULT_STACK["accounts"])
    if accounts not in ACCOUNT_MODELS:
        raise StackError(f"{origin}: accounts must be one of {ACCOUNT_MODELS}, got {accounts!r}")

    landing = data.get("landing") or {}
    if not isinstance(landing, dict):
        raise StackError(f"{origin}: landing must map tool ids to folders")
    overrides = {str(tool): Path(str(folder)).expanduser() for tool, folder in landing.items()}

    generic = _generic_sources(data.get("generic") or {}, origin)
    for family in generic:
        if GENERIC_TOOL_PREFIX + family not in tools[family]:
            raise StackError(f"{origin}: generic settings for {family}, which does not say generic")
    return Stack(
        tools=tools, accounts=accounts, landing_overrides=overrides, generic=generic
    )


def load_stack(path: Path | None) -> Stack:
    """Reads a stack file, or gives the default stack when there is none."""
    if path is None:
        return parse_stack({}, origin="default stack")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise StackError(f"{path}: not valid YAML: {error}") from error
    stack = parse_stack(data, origin=str(path))
    base = path.parent
    overrides = {
        tool: folder if folder.is_absolute() else (base / folder).resolve()
        for tool, folder in stack.landing_overrides.items()
    }
    return Stack(
        tools=stack.tools,
        accounts=stack.accounts,
        landing_overrides=overrides,
        generic=stack.generic,
        source_file=path,
    )


def _family_tools(family: str, value: Any, origin: str) -> tuple[str, ...]:
    if value is None or value == "none" or value == []:
        return ()
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) for v in values):
        raise StackError(f"{origin}: {family} must name a tool id (or, for ads, a list of them)")
    if len(values) > 1 and family not in MULTI_TOOL_FAMILIES:
        raise StackError(f"{origin}: {family} takes one tool, got {values}")
    for tool in values:
        if tool not in (*FAMILIES[family], "generic"):
            raise StackError(
                f"{origin}: {tool!r} is not a {family} tool; choose from "
                f"{[*FAMILIES[family], 'generic']}"
            )
    resolved = [GENERIC_TOOL_PREFIX + family if tool == "generic" else tool for tool in values]
    return tuple(dict.fromkeys(resolved))


def _generic_sources(value: Any, origin: str) -> dict[str, GenericSource]:
    if not isinstance(value, dict):
        raise StackError(f"{origin}: generic must map families to {{name, format}}")
    sources = {}
    for family, spec in value.items():
        if family not in FAMILIES:
            raise StackError(f"{origin}: generic source for unknown family {family!r}")
        spec = spec if isinstance(spec, dict) else {"name": spec}
        file_format = spec.get("format", "csv")
        if file_format not in GENERIC_FORMATS:
            raise StackError(f"{origin}: generic {family} format must be one of {GENERIC_FORMATS}")
        sources[family] = GenericSource(family, str(spec.get("name", family)), file_format)
    return sources
