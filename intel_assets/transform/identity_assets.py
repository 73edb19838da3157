"""Identity resolution as an asset between the dbt intermediate layer and the marts."""

import time

import dagster as dg
from dagster import AssetExecutionContext

from intel_assets.identity.resolve import resolve
from intel_assets.resources import WAREHOUSE_POOL, Warehouse

OBSERVATIONS = dg.AssetKey(["intermediate", "int_identity__observations"])
IDENTITY_MAP = dg.AssetKey(["identity", "identity_map"])
SCHEMA = "identity"


@dg.asset(
    key=IDENTITY_MAP,
    deps=[OBSERVATIONS],
    group_name="identity",
    kinds={"duckdb", "python", "scipy"},
    pool=WAREHOUSE_POOL,
    metadata={"dagster/table_name": "identity.identity_map"},
)
def identity_map(context: AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Every source identifier mapped to its person and paying account (customer).

    One row per (source, kind, value), with the stable `person_id` and `customer_id` of
    identity resolution and whether the identifier was judged shared (a role address, a
    laptop seen with several users) and so tied to no single person.
    """
    started = time.perf_counter()
    with warehouse.connection() as con:
        observations = con.execute(
            "SELECT source, record_id, kind, value, observed_at "
            "FROM intermediate.int_identity__observations"
        ).df()
        resolution = resolve(observations)
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        con.register("_identity_map", resolution.identity_map)
        con.execute(
            f"CREATE OR REPLACE TABLE {SCHEMA}.identity_map AS SELECT * FROM _identity_map"
        )
        con.unregister("_identity_map")
    seconds = time.perf_counter() - started
    context.log.info(
        f"{len(observations):,} observations resolved into {resolution.people:,} people and "
        f"{resolution.customers:,} accounts in {seconds:.1f}s; "
        f"{resolution.shared_identifiers:,} shared identifiers kept out of person links"
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(resolution.identity_map),
            "observations": len(observations),
            "people": resolution.people,
            "accounts": resolution.customers,
            "shared_identifiers": resolution.shared_identifiers,
            "components_broken_up": resolution.broken_components,
            "seconds": round(seconds, 2),
        }
    )
