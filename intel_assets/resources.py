"""The resources every asset shares: the DuckDB warehouse and the installation's paths."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from intel_assets.warehouse import connect

WAREHOUSE_POOL = "warehouse"  # every step that opens the DuckDB file holds this pool


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file the whole graph reads and writes.

    DuckDB admits one process per file, so steps open it for as short a time as they can and
    hold the `warehouse` pool while they do.
    """

    path: str

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(Path(self.path)) as con:
            yield con


class Landing(dg.ConfigurableResource):
    """Where the tools' export files arrive: one folder per tool below `root`, unless the
    stack file moves a tool elsewhere."""

    root: str
