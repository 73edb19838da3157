"""The raw tables of every tool, and the ones a given stack reads."""

from __future__ import annotations

import importlib

from intel_assets.sources.spec import RawObject
from intel_assets.stack import FAMILIES, GENERIC_TOOL_PREFIX, Stack

KNOWN_TOOLS = tuple(tool for tools in FAMILIES.values() for tool in tools)


def tool_objects(tool: str, stack: Stack | None = None) -> tuple[RawObject, ...]:
    """The raw objects one tool exports; a generic tool takes its family's contract."""
    if tool.startswith(GENERIC_TOOL_PREFIX):
        from intel_assets.sources import generic

        family = tool[len(GENERIC_TOOL_PREFIX):]
        file_format = stack.generic_source(family).file_format if stack else "csv"
        return generic.objects(family, file_format)
    if tool not in KNOWN_TOOLS:
        raise KeyError(f"unknown tool {tool!r}")
    module = importlib.import_module(f"intel_assets.sources.tools.{tool}")
    return module.OBJECTS


def stack_objects(stack: Stack) -> tuple[RawObject, ...]:
    return tuple(obj for tool in stack.all_tools for obj in tool_objects(tool, stack))


def may_stay_empty(stack: Stack, obj: RawObject) -> bool:
    """Whether the stack's company may have none of the object's records at all: companies
    and deals, for a consumer business."""
    return stack.is_consumer and obj.business_only
