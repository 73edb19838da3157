"""Writes the demo company into the landing folders of a stack, and its answer key.

Chunks of accounts are simulated and exported one after another, so memory stays bounded by
the chunk size whatever the number of customers.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from intel_assets.demo import truth
from intel_assets.demo.catalog import PAID_CHANNELS
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.registry import exporter
from intel_assets.demo.world import (
    DemoConfig,
    build_company,
    chunk_bounds,
    simulate_chunk,
)
from intel_assets.stack import FAMILIES, GENERIC_TOOL_PREFIX, Stack


@dataclass(frozen=True)
class GenerationReport:
    customers: int
    people: int
    seconds: float
    files: int
    landing: Path
    truth: Path


def _single_owner(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """An identifier written for several people (a shared laptop, a role address) belongs
    to none of them; one written for several accounts belongs to no account either."""
    identities = pd.concat(frames, ignore_index=True).drop_duplicates()
    key = ["source", "kind", "identifier"]
    owners = identities.groupby(key, dropna=False).agg(
        people=("person_id", "nunique"), accounts=("account_id", "nunique")
    )
    identities = identities.drop_duplicates(key).set_index(key)
    identities.loc[owners["people"] > 1, "person_id"] = None
    identities.loc[owners["accounts"] > 1, "account_id"] = None
    return identities.reset_index()


def demo_config(stack: Stack, *, customers: int, seed: int, null: bool) -> DemoConfig:
    """The company a stack's demo describes. Ads through the generic contract stand for
    the ad platforms the stack does not name, so such a company still buys ads."""
    named = tuple(t for t in stack.tools["ads"] if t in PAID_CHANNELS)
    generic = tuple(c for c in PAID_CHANNELS if c not in named) if any(
        t.startswith(GENERIC_TOOL_PREFIX) for t in stack.tools["ads"]
    ) else ()
    return DemoConfig(
        customers=customers,
        seed=seed,
        null=null,
        consumer=stack.is_consumer,
        paid_channels=named + generic,
        generic_ad_channels=generic,
        families=tuple(family for family in FAMILIES if stack.tools.get(family)),
    )


def generate(
    stack: Stack, landing_root: Path, truth_folder: Path, config: DemoConfig
) -> GenerationReport:
    """Replaces whatever demo files were there with a fresh company."""
    started = time.perf_counter()
    folders = {tool: stack.landing_dir(tool, landing_root) for tool in stack.all_tools}
    for folder in [*folders.values(), truth_folder]:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)

    company = build_company(config)
    people = 0
    for chunk, (lo, hi) in enumerate(chunk_bounds(config)):
        world = simulate_chunk(company, chunk, lo, hi)
        people += len(world.people)
        identities = []
        for tool, folder in folders.items():
            ctx = ExportContext(company=company, folder=folder, chunk=chunk, tool=tool)
            module = exporter(tool)
            if tool.startswith(GENERIC_TOOL_PREFIX):
                family = stack.family_of(tool)
                file_format = stack.generic_source(family).file_format
                identities.append(module.export_as(world, ctx, file_format))
            elif hasattr(module, "export_company"):
                if chunk == 0:
                    identities.append(module.export_company(company, ctx))
            else:
                identities.append(module.export(world, ctx))
        frames = [f for f in identities if f is not None and len(f)]
        truth.write_chunk(truth_folder, world, _single_owner(frames))

    files = sum(1 for folder in folders.values() for p in folder.rglob("*") if p.is_file())
    summary = {
        "customers": config.customers,
        "people": people,
        "seed": config.seed,
        "null": config.null,
        "consumer": config.consumer,
        "stack": stack.to_yaml(),
    }
    truth.write_company(truth_folder, company, summary)
    return GenerationReport(
        customers=config.customers,
        people=people,
        seconds=time.perf_counter() - started,
        files=files,
        landing=landing_root,
        truth=truth_folder,
    )
