"""The warehouse side of placing people in paying accounts.

Strong links are account-level identifiers recorded with a person's identifiers (a CRM
contact's account, a Stripe customer's email, an event's workspace). A person's email
domain is used only for people with no strong link and never for free-mail domains; a
domain joins the account that every strongly linked person at it shares, which is what
places such people when no CRM or support tool names the company's domain. A
person recorded with two entities of the same kind (a consultant in two workspaces) does
not merge them; such a person takes the entity seen on most records. People and entities
are then joined into accounts by the same integer components as people are.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from intel_assets.identity import graph
from intel_assets.identity.normalise import email_of, is_free_mail
from intel_assets.identity.people import LABELS, MEMBERS, NODES, PERSONS, SETS, personal_domain

# Which account-level entity names the customer, best first: the paying account is the
# billing customer; a company that only appears in the CRM or the product comes next.
ANCHOR_PRIORITY = ("customer_id", "crm_account_id", "workspace_id", "organization_id",
                   "domain", "person")

NODE_ENTITIES = "_idr_node_entities"  # account-level node -> the entity it names
SET_PEOPLE = "_idr_set_people"
SET_ENTITIES = "_idr_set_entities"
STRONG = "_idr_strong"
WEAK = "_idr_weak"
OWNED = "_idr_owned_domains"  # a company domain -> the entity all its linked staff share
# A domain is owned only when this many strongly linked people use it: one person's domain
# could be a consultancy's working inside a client's workspace.
MIN_DOMAIN_STAFF = 2
ENTITIES = "_idr_entities"  # entity -> integer code after the people's codes
PERSON_CUSTOMERS = "_idr_person_customers"
ENTITY_CUSTOMERS = "_idr_entity_customers"


def _rank() -> str:
    cases = " ".join(f"WHEN '{kind}' THEN {i}" for i, kind in enumerate(ANCHOR_PRIORITY))
    return f"CASE member_kind {cases} ELSE {len(ANCHOR_PRIORITY)} END"


def link_entities(con: duckdb.DuckDBPyConnection) -> None:
    """The entity each account-level identifier names (a role address names its domain:
    team@acme.io names acme.io), free-mail domains left out, and which people and which
    entities each record saw."""
    domain = f"split_part({email_of('node')}, '@', 2)"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {NODE_ENTITIES} AS
        WITH named AS (
            SELECT node_id,
                   CASE WHEN is_role THEN 'domain:' || {domain} ELSE node END AS entity,
                   CASE WHEN is_role THEN 'domain' ELSE kind END AS entity_kind
            FROM {NODES}
            WHERE is_account_level
        )
        SELECT * FROM named
        WHERE NOT (entity_kind = 'domain' AND {is_free_mail('substr(entity, 8)')})
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {SET_PEOPLE} AS
        SELECT DISTINCT m.set_id, p.person
        FROM {MEMBERS} AS m
        JOIN {LABELS} AS l USING (node_id)
        JOIN {PERSONS} AS p USING (label)
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {SET_ENTITIES} AS
        SELECT DISTINCT m.set_id, e.entity, e.entity_kind
        FROM {MEMBERS} AS m
        JOIN {NODE_ENTITIES} AS e USING (node_id)
    """)


def choose_links(con: duckdb.DuckDBPyConnection, *, by_domain: bool = True) -> None:
    """Each person's strong links (one entity per kind, the most seen) and, for people
    with none, one last-resort domain: their own address's or a role address's they
    wrote from, the most seen. Without `by_domain` (a consumer business, where two
    customers at one employer are still two accounts) no domain places anyone."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {STRONG} AS
        WITH counted AS (
            SELECT sp.person, se.entity_kind, se.entity, sum(s.records) AS seen
            FROM {SET_PEOPLE} AS sp
            JOIN {SET_ENTITIES} AS se USING (set_id)
            JOIN {SETS} AS s USING (set_id)
            WHERE se.entity_kind <> 'domain'
            GROUP BY ALL
        )
        SELECT person, arg_min(entity, (-seen, entity)) AS entity
        FROM counted
        GROUP BY person, entity_kind
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {WEAK} AS
        WITH own AS (
            SELECT p.person, {personal_domain('n.node')} AS entity, n.observations AS seen
            FROM {NODES} AS n
            JOIN {LABELS} AS l USING (node_id)
            JOIN {PERSONS} AS p USING (label)
            WHERE n.kind = 'email' AND NOT n.is_role
        ),
        via_role AS (
            SELECT sp.person, se.entity, s.records AS seen
            FROM {SET_PEOPLE} AS sp
            JOIN {SET_ENTITIES} AS se USING (set_id)
            JOIN {SETS} AS s USING (set_id)
            WHERE se.entity_kind = 'domain'
        ),
        counted AS (
            SELECT person, entity, sum(seen) AS seen
            FROM (SELECT * FROM own WHERE entity IS NOT NULL UNION ALL SELECT * FROM via_role)
            GROUP BY ALL
        )
        SELECT person, arg_min(entity, (-seen, entity)) AS entity
        FROM counted
        WHERE person NOT IN (SELECT person FROM {STRONG}) AND {_sql_bool(by_domain)}
        GROUP BY person
    """)
    _own_domains(con, by_domain)


def _sql_bool(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def _own_domains(con: duckdb.DuckDBPyConnection, by_domain: bool) -> None:
    """The entity that owns each company domain: one that every strongly linked person
    with an address at the domain is linked to. Without a CRM or a support tool no record
    names a company's domain, so a person known only by a work address (a newsletter
    reader, a billing@ payer) would otherwise found an account of their own. A domain
    whose people sit in two workspaces has no owner and attaches nobody."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {OWNED} AS
        WITH staff AS (
            SELECT DISTINCT p.person, {personal_domain('n.node')} AS domain
            FROM {NODES} AS n
            JOIN {LABELS} AS l USING (node_id)
            JOIN {PERSONS} AS p USING (label)
            WHERE n.kind = 'email' AND NOT n.is_role
              AND p.person IN (SELECT person FROM {STRONG})
        ),
        sizes AS (
            SELECT domain, count(*) AS people FROM staff WHERE domain IS NOT NULL
            GROUP BY domain
        ),
        common AS (
            SELECT st.domain, s.entity, count(*) AS people
            FROM staff AS st JOIN {STRONG} AS s USING (person)
            WHERE st.domain IS NOT NULL
            GROUP BY ALL
        )
        SELECT c.domain AS entity, min(c.entity) AS owner
        FROM common AS c JOIN sizes AS z USING (domain)
        WHERE c.people = z.people AND z.people >= {MIN_DOMAIN_STAFF} AND {_sql_bool(by_domain)}
        GROUP BY c.domain
    """)


def _links(con: duckdb.DuckDBPyConnection, people: int) -> tuple[np.ndarray, np.ndarray]:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {ENTITIES} AS
        WITH entities AS (
            SELECT DISTINCT entity, entity_kind FROM {NODE_ENTITIES}
            UNION
            SELECT DISTINCT entity, 'domain' FROM {WEAK}
        )
        SELECT CAST({people} + row_number() OVER () - 1 AS INTEGER) AS code, *
        FROM entities
    """)
    links = con.execute(f"""
        WITH person_links AS (
            SELECT person AS a, e.code AS b
            FROM (SELECT * FROM {STRONG} UNION ALL SELECT * FROM {WEAK}) AS l
            JOIN {ENTITIES} AS e USING (entity)
        ),
        entity_links AS (
            SELECT DISTINCT ea.code AS a, eb.code AS b
            FROM {SET_ENTITIES} AS x
            JOIN {SET_ENTITIES} AS y ON x.set_id = y.set_id AND x.entity < y.entity
            JOIN {ENTITIES} AS ea ON ea.entity = x.entity
            JOIN {ENTITIES} AS eb ON eb.entity = y.entity
        ),
        owned_links AS (
            SELECT ed.code AS a, eo.code AS b
            FROM {OWNED} AS o
            JOIN {ENTITIES} AS ed ON ed.entity = o.entity
            JOIN {ENTITIES} AS eo ON eo.entity = o.owner
        )
        SELECT * FROM person_links
        UNION ALL SELECT * FROM entity_links
        UNION ALL SELECT * FROM owned_links
    """).fetchnumpy()
    return np.asarray(links["a"], dtype=np.int32), np.asarray(links["b"], dtype=np.int32)


def find_accounts(con: duckdb.DuckDBPyConnection, people: int) -> int:
    """Components of people and entities; each is named after its best anchor (by
    `ANCHOR_PRIORITY`, then by text) so the id is stable. Returns the number of accounts."""
    left, right = _links(con, people)
    size = people + int(con.execute(f"SELECT count(*) FROM {ENTITIES}").fetchall()[0][0])
    labels = graph.components(size, left, right)

    con.register("_idr_account_labels", pd.DataFrame({"code": np.arange(size), "label": labels}))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _idr_account_members AS
        SELECT l.code, l.label, m.member, m.member_kind
        FROM _idr_account_labels AS l
        JOIN (
            SELECT person AS code, person_id AS member, 'person' AS member_kind FROM {PERSONS}
            UNION ALL
            SELECT code, entity, entity_kind FROM {ENTITIES}
        ) AS m USING (code)
    """)
    con.unregister("_idr_account_labels")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _idr_account_names AS
        SELECT label, 'c_' || left(sha1(arg_min(member, ({_rank()}, member))), 16) AS customer_id
        FROM _idr_account_members
        GROUP BY label
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {PERSON_CUSTOMERS} AS
        SELECT m.code AS person, a.customer_id
        FROM _idr_account_members AS m JOIN _idr_account_names AS a USING (label)
        WHERE m.member_kind = 'person'
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {ENTITY_CUSTOMERS} AS
        SELECT m.member AS entity, a.customer_id
        FROM _idr_account_members AS m JOIN _idr_account_names AS a USING (label)
        WHERE m.member_kind <> 'person'
    """)
    return int(con.execute("SELECT count(*) FROM _idr_account_names").fetchall()[0][0])
