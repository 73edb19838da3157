"""Resolves identifiers into people and people into paying accounts.

Where it runs: in the warehouse (DuckDB), except for one step. Node keys (normalised
emails, tool-scoped ids), their integer codes, the records that saw identifiers together
and every guard are SQL over temporary tables; only integer arrays leave the warehouse,
for scipy's connected components, and the labels come straight back as an integer table.
Iterative label propagation in SQL was the alternative: it needs as many passes as the
longest chain of identifiers (a device that met a user id that met an email that met a
CRM contact ...), each a full join over the edge table; components over a sparse matrix
take one pass.

What it costs: the text of the identifiers never sits in Python, so the Python side holds
a few int32 arrays (tens of bytes per distinct edge while scipy builds its matrices, about
25 per identifier for the labels); DuckDB holds the rest within `memory_limit` and spills
to disk beyond it. Records that repeat the same identifiers collapse into one weighted set
before any join. Measured with `benchmarks/identity_scale.py` on this 2-core machine while
it was shared: 1,000,000 customers (59.5 million observations, 38 million identifiers)
in 32 minutes at a 4 GB cap, peak RSS 4.6 GB, about 10 GB spilled; 10,000 customers in
10 s. That is twice linear scaling, the price of spilling. The 5,000-customer demo
resolves in 1.4 s, where the pandas version took 8 s. Writing the map to the warehouse
file is about a third of the time at 100,000 customers. The one part that does not move with
the warehouse is the components step: on a distributed engine the edge list (not the
observations) must be pulled to one machine.

Input: observations, one row per identifier seen on a source record: `source`,
`record_id` (identifiers of one record were seen together), `kind`, `value`, and
`observed_at`. Output: one row per (source, kind, stripped value) with its node,
`person_id` and `customer_id`, and whether it is shared or account-level.

The guards:
- role addresses (team@, support@ ...) never link people; they are account-level hints;
- an identifier seen with two or more different app user ids (a shared laptop, a shared
  inbox) is shared: it links nobody and belongs to no person;
- a component that still holds more than `MAX_USER_IDS` user ids is broken up by dropping
  its most connected non-user identifiers, then, if that is not enough, by giving each
  identifier its own person.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from intel_assets.identity import accounts, people

MAX_USER_IDS = 4
ANCHOR_PRIORITY = accounts.ANCHOR_PRIORITY
_FRAME_COLUMNS = ("source", "record_id", "kind", "value", "observed_at")


@dataclass(frozen=True)
class ResolutionFigures:
    """What is worth reporting about a resolution written to the warehouse."""

    observations: int
    identifiers: int
    people: int
    customers: int
    shared_identifiers: int
    broken_components: int


@dataclass(frozen=True)
class Resolution(ResolutionFigures):
    """A resolution of in-memory observations, with its identity map as a frame."""

    identity_map: pd.DataFrame


def resolve_in_warehouse(
    con: duckdb.DuckDBPyConnection, *, source: str, target: str,
    memory_limit: str | None = None, by_domain: bool = True,
) -> ResolutionFigures:
    """Resolves the observations in table `source` into table `target` (replaced).

    `memory_limit` caps DuckDB for the duration (e.g. "4GB"); beyond it DuckDB spills its
    temporary tables to disk instead of growing. `by_domain` lets a company email domain
    place people with no stronger link in an account; a consumer business turns it off.
    """
    _check_columns(con, source)
    previous = _set_memory_limit(con, memory_limit)
    try:
        observations = people.code_identifiers(con, source)
        people.record_sets(con, source)
        shared = people.mark_shared(con)
        broken = people.find_people(con, MAX_USER_IDS)
        person_count = people.name_people(con)

        accounts.link_entities(con)
        accounts.choose_links(con, by_domain=by_domain)
        accounts.find_accounts(con, person_count)

        identifiers = _write_identity_map(con, target)
        return ResolutionFigures(
            observations=observations,
            identifiers=identifiers,
            people=_distinct(con, target, "person_id"),
            customers=_distinct(con, target, "customer_id"),
            shared_identifiers=shared,
            broken_components=broken,
        )
    finally:
        _drop_temporary_tables(con)
        _restore_memory_limit(con, previous)


def resolve(observations: pd.DataFrame, *, by_domain: bool = True) -> Resolution:
    """The same resolution over a frame, in a private in-memory DuckDB: for small inputs
    and tests; the asset resolves inside the warehouse."""
    frame = observations.copy()
    if "observed_at" not in frame:
        frame["observed_at"] = pd.NaT
    frame["observed_at"] = pd.to_datetime(frame["observed_at"])
    frame = frame.loc[:, list(_FRAME_COLUMNS)]
    for column in ("source", "record_id", "kind", "value"):
        frame[column] = frame[column].astype("string")

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("_observations_frame", frame)
        con.execute("CREATE TABLE observations AS SELECT * FROM _observations_frame")
        con.unregister("_observations_frame")
        figures = resolve_in_warehouse(con, source="observations", target="identity_map",
                                       by_domain=by_domain)
        identity_map = con.execute("SELECT * FROM identity_map").df()
    finally:
        con.close()
    return Resolution(**vars(figures), identity_map=identity_map)


def _check_columns(con: duckdb.DuckDBPyConnection, source: str) -> None:
    columns = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    missing = [c for c in _FRAME_COLUMNS if c not in columns]
    if missing:
        raise ValueError(
            f"identity observations {source} lack the column(s) {', '.join(missing)}; "
            f"expected {', '.join(_FRAME_COLUMNS)}"
        )


def _write_identity_map(con: duckdb.DuckDBPyConnection, target: str) -> int:
    """One row per (source, kind, stripped value): values that differ only in padding
    share a node, so their rows agree in everything and collapse."""
    con.execute(f"""
        CREATE OR REPLACE TABLE {target} AS
        WITH identifiers AS (SELECT DISTINCT source, kind, value, node_id FROM {people.KEYS})
        SELECT k.source, k.kind, k.value, n.node, p.person_id,
               coalesce(pc.customer_id, ec.customer_id) AS customer_id,
               n.is_shared, n.is_account_level
        FROM identifiers AS k
        JOIN {people.NODES} AS n USING (node_id)
        LEFT JOIN {people.LABELS} AS l USING (node_id)
        LEFT JOIN {people.PERSONS} AS p USING (label)
        LEFT JOIN {accounts.PERSON_CUSTOMERS} AS pc USING (person)
        LEFT JOIN {accounts.NODE_ENTITIES} AS ne USING (node_id)
        LEFT JOIN {accounts.ENTITY_CUSTOMERS} AS ec USING (entity)
    """)
    return int(con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0])


def _distinct(con: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
    return int(con.execute(f"SELECT count(DISTINCT {column}) FROM {table}").fetchall()[0][0])


def _memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])


def _set_memory_limit(con: duckdb.DuckDBPyConnection, limit: str | None) -> str | None:
    """Sets the cap and returns the one it replaces, if it replaced one."""
    if limit is None:
        return None
    previous = _memory_limit(con)
    con.execute(f"SET memory_limit = '{limit}'")
    return previous


def _restore_memory_limit(con: duckdb.DuckDBPyConnection, previous: str | None) -> None:
    """The setting reads back rounded (18.8 GiB), so writing it back would shrink the
    default a little on every run; the default is restored by resetting."""
    if previous is None:
        return
    con.execute("RESET memory_limit")
    if _memory_limit(con) != previous:
        con.execute(f"SET memory_limit = '{previous}'")


def _drop_temporary_tables(con: duckdb.DuckDBPyConnection) -> None:
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '\\_idr\\_%' "
        "ESCAPE '\\'"
    ).fetchall()
    for (name,) in names:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")
