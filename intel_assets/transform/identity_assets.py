"""Identity resolution as an asset between the dbt intermediate layer and the marts."""

import time

import dagster as dg
from dagster import AssetExecutionContext
from pydantic import Field

from intel_assets.identity.resolve import resolve_in_warehouse
from intel_assets.resources import WAREHOUSE_POOL, Warehouse

OBSERVATIONS = dg.AssetKey(["intermediate", "int_identity__observations"])
IDENTITY_MAP = dg.AssetKey(["identity", "identity_map"])
SCHEMA = "identity"


class IdentityConfig(dg.Config):
    memory_limit: str = Field(
        default="4GB",
        description=(
            "DuckDB's memory cap while resolving; beyond it the warehouse spills its "
            "working tables to disk. Python itself holds only integer arrays."
        ),
    )


def identity_map_asset(*, consumer: bool = False) -> dg.AssetsDefinition:
    """The identity asset for a business or, with `consumer`, a consumer business, whose
    accounts are single people: there an email domain places nobody in an account."""

    @dg.asset(
        key=IDENTITY_MAP,
        deps=[OBSERVATIONS],
        group_name="identity",
        kinds={"duckdb", "python", "scipy"},
        pool=WAREHOUSE_POOL,
        metadata={"dagster/table_name": "identity.identity_map"},
    )
    def identity_map(
        context: AssetExecutionContext, config: IdentityConfig, warehouse: Warehouse
    ) -> dg.MaterializeResult:
        """Every source identifier mapped to its person and paying account (customer).

        One row per (source, kind, value), with the stable `person_id` and `customer_id` of
        identity resolution and whether the identifier was judged shared (a role address, a
        laptop seen with several users) and so tied to no single person.
        """
        started = time.perf_counter()
        with warehouse.connection() as con:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            figures = resolve_in_warehouse(
                con,
                source="intermediate.int_identity__observations",
                target=f"{SCHEMA}.identity_map",
                memory_limit=config.memory_limit,
                by_domain=not consumer,
            )
        seconds = time.perf_counter() - started

        context.log.info(
            f"{figures.observations:,} observations resolved into {figures.people:,} people "
            f"and {figures.customers:,} accounts in {seconds:.1f}s; "
            f"{figures.shared_identifiers:,} shared identifiers kept out of person links"
        )
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": figures.identifiers,
                "observations": figures.observations,
                "people": figures.people,
                "accounts": figures.customers,
                "shared_identifiers": figures.shared_identifiers,
                "components_broken_up": figures.broken_components,
                "seconds": round(seconds, 2),
                "observations_per_second": round(figures.observations / max(seconds, 1e-9)),
            }
        )

    return identity_map
