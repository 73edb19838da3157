"""Identity resolution inside a real DuckDB warehouse, and the asset that runs it there."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from intel_assets.identity.resolve import resolve, resolve_in_warehouse
from intel_assets.resources import Warehouse
from intel_assets.transform.identity_assets import identity_map_asset

ROWS = [
    ("hubspot", "c1", "email", " Ann.Lee@Acme.io ", "2025-02-01"),
    ("hubspot", "c1", "crm_account_id", "A", "2025-02-01"),
    ("mixpanel", "e1", "user_id", "u1", "2025-01-01"),
    ("mixpanel", "e1", "email", "ann.lee+app@acme.io", "2025-01-01"),
    ("mixpanel", "e2", "device_id", "d1", "2025-01-03"),
    ("mixpanel", "e2", "user_id", "u1", "2025-01-03"),
    ("mixpanel", "e3", "user_id", "u2", "2025-01-04"),
    ("mixpanel", "e3", "email", "Bo.B@googlemail.com", "2025-01-04"),
    ("stripe", "cus1", "email", "bob@gmail.com", "2025-03-01"),
    ("stripe", "cus1", "customer_id", "cus1", "2025-03-01"),
    ("survey", "r1", "email", "not an address", "2025-03-02"),
]
COLUMNS = ["source", "record_id", "kind", "value", "observed_at"]


def _load(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, ...]]) -> None:
    frame = pd.DataFrame(rows, columns=COLUMNS).assign(
        observed_at=lambda f: pd.to_datetime(f["observed_at"])
    )
    con.execute("CREATE SCHEMA IF NOT EXISTS intermediate")
    con.register("_rows", frame)
    con.execute(
        "CREATE OR REPLACE TABLE intermediate.int_identity__observations AS SELECT * FROM _rows"
    )
    con.unregister("_rows")


def _map(con: duckdb.DuckDBPyConnection, table: str = "identity_map") -> pd.DataFrame:
    return con.execute(f"SELECT * FROM {table} ORDER BY source, kind, value").df()


def _row(frame: pd.DataFrame, source: str, value: str) -> pd.Series:
    return frame.loc[(frame["source"] == source) & (frame["value"] == value)].iloc[0]


def test_emails_are_normalised_in_sql_and_malformed_ones_name_nobody(warehouse):
    _load(warehouse, ROWS)

    resolve_in_warehouse(
        warehouse, source="intermediate.int_identity__observations", target="identity_map"
    )

    mapped = _map(warehouse)
    assert _row(mapped, "hubspot", "Ann.Lee@Acme.io")["node"] == "email:ann.lee@acme.io"
    assert _row(mapped, "mixpanel", "Bo.B@googlemail.com")["node"] == "email:bob@gmail.com"
    assert _row(mapped, "mixpanel", "d1")["node"] == "mixpanel/device_id:d1"
    assert _row(mapped, "stripe", "bob@gmail.com")["person_id"] == _row(
        mapped, "mixpanel", "u2"
    )["person_id"]
    assert "not an address" not in set(mapped["value"])


@pytest.mark.parametrize(
    ("kind", "value", "node"),
    [
        ("email", "A.B+promo@GoogleMail.com", "email:ab@gmail.com"),
        ("email", "a.b@googlemail.com.au", "email:a.b@googlemail.com.au"),
        ("email", "\tInfo@Acme.io\n", "email:info@acme.io"),
        ("email", "no-domain@localhost", None),
        ("email", "two@at@acme.io", None),
        ("user_id", " U1 ", "user_id:U1"),
        ("device_id", "D1", "app/device_id:D1"),
    ],
)
def test_node_keys_follow_the_normalisation_rules(kind, value, node):
    result = resolve(pd.DataFrame([("app", "r1", kind, value)], columns=COLUMNS[:4]))

    nodes = result.identity_map["node"].tolist()
    assert nodes == ([node] if node else [])


def test_resolving_in_the_warehouse_matches_resolving_a_frame_and_is_idempotent(warehouse):
    _load(warehouse, ROWS)
    source = "intermediate.int_identity__observations"

    figures = resolve_in_warehouse(warehouse, source=source, target="identity_map")
    first = _map(warehouse)
    resolve_in_warehouse(warehouse, source=source, target="identity_map")
    again = _map(warehouse)
    from_frame = resolve(pd.DataFrame(ROWS, columns=COLUMNS)).identity_map

    pd.testing.assert_frame_equal(first, again)
    ordered = from_frame.sort_values(["source", "kind", "value"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(first, ordered)
    assert figures.observations == len(ROWS) - 1
    assert figures.identifiers == len(first)
    assert figures.people == first["person_id"].nunique() == 2


def test_no_working_table_outlives_the_resolution_and_the_memory_cap_is_restored(warehouse):
    _load(warehouse, ROWS)
    before = warehouse.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]

    resolve_in_warehouse(
        warehouse, source="intermediate.int_identity__observations", target="identity_map",
        memory_limit="512MB",
    )

    temporary = warehouse.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary"
    ).fetchall()[0][0]
    after = warehouse.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert temporary == 0
    assert after == before


def test_person_ids_do_not_depend_on_the_order_rows_arrive_in():
    frame = pd.DataFrame(ROWS, columns=COLUMNS)

    forward = resolve(frame).identity_map.set_index(["source", "kind", "value"])
    backward = resolve(frame.iloc[::-1]).identity_map.set_index(["source", "kind", "value"])

    joined = forward.join(backward, suffixes=("", "_b"))
    assert (joined["person_id"].fillna("-") == joined["person_id_b"].fillna("-")).all()
    assert (joined["customer_id"].fillna("-") == joined["customer_id_b"].fillna("-")).all()


def test_observations_without_a_needed_column_are_refused_by_name(warehouse):
    warehouse.execute("CREATE TABLE broken AS SELECT 'a' AS source, 'r' AS record_id, 'v' AS value")

    with pytest.raises(ValueError, match="lack the column\\(s\\) kind, observed_at"):
        resolve_in_warehouse(warehouse, source="broken", target="identity_map")


def test_the_asset_writes_the_identity_map_with_its_figures(tmp_path: Path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        _load(con, ROWS)

    result = dg.materialize([identity_map_asset()],
                            resources={"warehouse": Warehouse(path=str(path))})

    assert result.success
    metadata = result.asset_materializations_for_node("identity__identity_map")[0].metadata
    with duckdb.connect(str(path), read_only=True) as con:
        written = con.execute("SELECT * FROM identity.identity_map").df()
    assert list(written.columns) == [
        "source", "kind", "value", "node", "person_id", "customer_id", "is_shared",
        "is_account_level",
    ]
    assert metadata["dagster/row_count"].value == len(written)
    assert metadata["people"].value == 2
    assert metadata["observations"].value == len(ROWS) - 1
