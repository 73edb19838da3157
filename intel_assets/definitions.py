"""The Dagster code location, for `dagster dev` (through workspace.yaml) and `intel ui`.

Paths and the stack come from the environment (see `intel_assets.settings`); tests and the
CLI build their own definitions with `intel_assets.graph.build_definitions`.
"""

from __future__ import annotations

from intel_assets.graph import build_definitions
from intel_assets.settings import resolve_paths
from intel_assets.stack import load_stack

_paths = resolve_paths()
defs = build_definitions(_paths, load_stack(_paths.stack_file))
