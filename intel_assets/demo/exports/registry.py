"""Which exporter writes which tool's files."""

from __future__ import annotations

import importlib
from types import ModuleType

# tool id -> module under intel_assets.demo.exports
EXPORTERS = {
    "mixpanel": "mixpanel",
    "amplitude": "amplitude",
    "heap": "heap",
    "google_ads": "google_ads",
    "meta_ads": "meta_ads",
    "linkedin_ads": "linkedin_ads",
    "salesforce": "salesforce",
    "hubspot": "hubspot",
    "intercom": "intercom",
    "zendesk": "zendesk",
    "klaviyo": "klaviyo",
    "customerio": "customerio",
    "braze": "braze",
    "stripe": "stripe",
    "survey": "survey",
}


def exporter(tool: str) -> ModuleType:
    """The module for a tool. Chunk exporters define `export(world, ctx)`; exporters of
    company-level data (ad platforms) define `export_company(company, ctx)`."""
    if tool.startswith("generic_"):
        return importlib.import_module("intel_assets.demo.exports.generic")
    try:
        name = EXPORTERS[tool]
    except KeyError as error:
        raise KeyError(f"no demo exporter for tool {tool!r}") from error
    return importlib.import_module(f"intel_assets.demo.exports.{name}")
