"""The warehouse side of finding people: identifiers coded as integers, the records that
saw them together, and the guards that keep shared identifiers from linking anyone.

Every step is a DuckDB statement over temporary tables; DuckDB spills them to its
temporary directory beyond its memory limit, so the text of the identifiers never has to
fit in memory at once.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from intel_assets.identity import graph
from intel_assets.identity.normalise import (
    ACCOUNT_KINDS,
    email_of,
    is_free_mail,
    is_role_address,
    node_keys_sql,
    sql_list,
    stripped,
)

KEYS = "_idr_keys"  # one row per (source, kind, value as it arrived), with its node
NODES = "_idr_nodes"  # one row per node, integer-coded, with what the guards need
SETS = "_idr_sets"  # one row per distinct set of nodes recorded together, with its count
MEMBERS = "_idr_members"  # (set, node) for sets of two or more nodes
LABELS = "_idr_labels"  # node -> person component
PERSONS = "_idr_persons"  # person component -> stable person_id, integer-coded


def code_identifiers(con: duckdb.DuckDBPyConnection, source: str) -> int:
    """Node keys and their integer codes, computed once per distinct identifier rather
    than per observation (values are grouped as they arrive, then stripped, which keeps
    the string work off the observations). Returns the number of observations read."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {KEYS} AS
        WITH raw_values AS (
            SELECT source, kind, CAST(value AS VARCHAR) AS raw_value, count(*) AS observations,
                   min(CAST(observed_at AS TIMESTAMP)) AS first_seen
            FROM {source}
            WHERE value IS NOT NULL
            GROUP BY ALL
        ),
        identifiers AS (
            SELECT *, {stripped('raw_value')} AS value FROM raw_values
        ),
        present AS (SELECT * FROM identifiers WHERE value <> ''),
        keyed AS ({node_keys_sql('present')})
        SELECT * FROM keyed
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {NODES} AS
        WITH nodes AS (
            SELECT node, any_value(kind) AS kind, sum(observations) AS observations,
                   min(first_seen) AS first_seen
            FROM {KEYS}
            WHERE node IS NOT NULL
            GROUP BY node
        ),
        flagged AS (
            SELECT *, kind = 'user_id' AS is_user,
                   {is_role_address('kind', 'node')} AS is_role
            FROM nodes
        )
        SELECT CAST(row_number() OVER () - 1 AS INTEGER) AS node_id, *,
               kind IN {sql_list(ACCOUNT_KINDS)} OR is_role AS is_account_level
        FROM flagged
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {KEYS} AS
        SELECT k.source, k.kind, k.raw_value, k.value, n.node_id
        FROM {KEYS} AS k
        JOIN {NODES} AS n USING (node)
    """)
    return int(con.execute(f"SELECT coalesce(sum(observations), 0) FROM {NODES}").fetchall()[0][0])


def record_sets(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """The distinct sets of nodes seen on one record, each with how many records saw it.
    Thousands of events of one user carry the same few identifiers, so this collapses the
    observations to a small fraction before anything joins them."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {SETS} AS
        WITH records AS (
            SELECT list_sort(list_distinct(list(k.node_id))) AS nodes
            FROM {source} AS o
            JOIN {KEYS} AS k
              ON o.source = k.source AND o.kind = k.kind
             AND CAST(o.value AS VARCHAR) = k.raw_value
            GROUP BY o.source, o.record_id
        ),
        distinct_sets AS (
            SELECT nodes, CAST(count(*) AS BIGINT) AS records FROM records GROUP BY nodes
        )
        SELECT CAST(row_number() OVER () AS INTEGER) AS set_id, nodes, records
        FROM distinct_sets
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {MEMBERS} AS
        SELECT set_id, unnest(nodes) AS node_id FROM {SETS} WHERE len(nodes) >= 2
    """)


def mark_shared(con: duckdb.DuckDBPyConnection) -> int:
    """Flags identifiers recorded together with two or more different user ids (a shared
    laptop, a shared inbox): they link nobody. Returns how many there are."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {NODES} AS
        WITH shared AS (
            SELECT m.node_id
            FROM {MEMBERS} AS m
            JOIN {NODES} AS n USING (node_id)
            JOIN {MEMBERS} AS mu ON mu.set_id = m.set_id
            JOIN {NODES} AS u ON u.node_id = mu.node_id
            WHERE u.is_user AND NOT n.is_user AND NOT n.is_account_level
            GROUP BY m.node_id
            HAVING count(DISTINCT mu.node_id) >= 2
        )
        SELECT n.*, s.node_id IS NOT NULL AS is_shared,
               NOT n.is_account_level AND s.node_id IS NULL AS is_linking
        FROM {NODES} AS n
        LEFT JOIN shared AS s USING (node_id)
        ORDER BY n.node_id
    """)
    return int(con.execute(f"SELECT count(*) FROM {NODES} WHERE is_shared").fetchall()[0][0])


def _edges(con: duckdb.DuckDBPyConnection, hubs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Links every linking identifier of a record to the record's smallest one, hubs left
    out; distinct, since most records repeat a link another record already made."""
    con.register("_idr_hubs", pd.DataFrame({"node_id": hubs.astype(np.int32)}))
    edges = con.execute(f"""
        WITH linking AS (
            SELECT m.set_id, m.node_id
            FROM {MEMBERS} AS m
            JOIN {NODES} AS n USING (node_id)
            ANTI JOIN _idr_hubs AS h USING (node_id)
            WHERE n.is_linking
        ),
        firsts AS (SELECT set_id, min(node_id) AS first_id FROM linking GROUP BY set_id)
        SELECT DISTINCT l.node_id, f.first_id
        FROM linking AS l
        JOIN firsts AS f USING (set_id)
        WHERE l.node_id <> f.first_id
    """).fetchnumpy()
    con.unregister("_idr_hubs")
    return (
        np.asarray(edges["node_id"], dtype=np.int32),
        np.asarray(edges["first_id"], dtype=np.int32),
    )


def _node_flags(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, np.ndarray]:
    flags = con.execute(f"SELECT is_user, is_linking FROM {NODES} ORDER BY node_id").fetchnumpy()
    return np.asarray(flags["is_user"], dtype=bool), np.asarray(flags["is_linking"], dtype=bool)


def _degrees(con: duckdb.DuckDBPyConnection, nodes: np.ndarray) -> np.ndarray:
    """How many records each of the given nodes was seen on, in the order given."""
    con.register("_idr_giant", pd.DataFrame({"node_id": nodes.astype(np.int32)}))
    counts = con.execute(f"""
        WITH seen AS (SELECT unnest(nodes) AS node_id, records FROM {SETS})
        SELECT g.node_id, coalesce(sum(s.records), 0) AS records
        FROM _idr_giant AS g
        LEFT JOIN seen AS s USING (node_id)
        GROUP BY g.node_id
        ORDER BY g.node_id
    """).fetchnumpy()
    con.unregister("_idr_giant")
    order = np.argsort(nodes, kind="stable")
    degrees = np.empty(len(nodes), dtype=np.int64)
    degrees[order] = np.asarray(counts["records"], dtype=np.int64)
    return degrees


def find_people(con: duckdb.DuckDBPyConnection, max_user_ids: int) -> int:
    """Connected components of linking identifiers, oversized ones broken up: first by
    dropping, inside them, the non-user identifiers that touch the most records, then, if
    that is not enough, by giving each identifier its own person. Returns how many
    components had to be broken."""
    size = int(con.execute(f"SELECT count(*) FROM {NODES}").fetchall()[0][0])
    is_user, is_linking = _node_flags(con)
    labels = graph.components(size, *_edges(con, np.empty(0, dtype=np.int32)))

    giant = graph.oversized(labels, is_user, max_user_ids)
    if len(giant):
        inside = np.flatnonzero(np.isin(labels, giant) & is_linking & ~is_user)
        degrees = _degrees(con, inside)
        hubs = inside[degrees >= graph.hub_cutoff(degrees)]
        labels = graph.components(size, *_edges(con, hubs))
        labels = graph.split_to_singletons(
            labels, graph.oversized(labels, is_user, max_user_ids)
        )

    con.register("_idr_label_frame", pd.DataFrame({"node_id": np.arange(size), "label": labels}))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {LABELS} AS
        SELECT CAST(l.node_id AS INTEGER) AS node_id, CAST(l.label AS BIGINT) AS label
        FROM _idr_label_frame AS l
        JOIN {NODES} AS n ON n.node_id = l.node_id
        WHERE n.is_linking
    """)
    con.unregister("_idr_label_frame")
    return len(giant)


def name_people(con: duckdb.DuckDBPyConnection) -> int:
    """A stable person_id per component from its earliest-seen identifier (ties by the
    identifier's text), so that data arriving for other people never renames this one.
    Returns the number of people."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {PERSONS} AS
        WITH anchors AS (
            SELECT l.label,
                   arg_min(n.node, (coalesce(n.first_seen, 'infinity'::TIMESTAMP), n.node))
                       AS anchor
            FROM {LABELS} AS l
            JOIN {NODES} AS n USING (node_id)
            GROUP BY l.label
        )
        SELECT CAST(row_number() OVER () - 1 AS INTEGER) AS person,
               label, 'p_' || left(sha1(anchor), 16) AS person_id
        FROM anchors
    """)
    return int(con.execute(f"SELECT count(*) FROM {PERSONS}").fetchall()[0][0])


def personal_domain(node: str) -> str:
    """The company domain of a person's own email address, NULL for free mail."""
    domain = f"split_part({email_of(node)}, '@', 2)"
    return f"CASE WHEN NOT {is_free_mail(domain)} THEN 'domain:' || {domain} END"
