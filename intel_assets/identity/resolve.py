"""Resolves identifiers into people and people into paying accounts.

Where it runs: in Python, on a sparse graph, rather than as iterative label propagation in
SQL. Label propagation needs as many passes as the longest chain of identifiers (a device
that met a user id that met an email that met a CRM contact ...), each a full join over the
edge table, and the guards below (shared devices, role addresses, oversized components) are
awkward to express between passes. Connected components over a scipy sparse matrix take one
pass. The cost is that this step leaves the warehouse: on a distributed engine the
observations must be pulled out (or this module run where the data is), which is the one
part of the graph that does not scale with the warehouse.

Scale as it stands: the 10,000-customer demo gives about 660,000 observations, resolved in
about 15 s. Identifiers travel as Python strings in pandas frames, about 25 observations per
person, so a million customers (some 65 million observations) would not fit in this
machine's memory; that needs node keys computed and integer-coded in SQL, with only integer
edge arrays handed to scipy and the labels joined back in the warehouse.

Input: observations, one row per identifier seen on a source record: `source`,
`record_id` (identifiers of one record were seen together), `kind`, `value`, and
optionally `observed_at`. Output: one row per (source, kind, value) with its `person_id`
and `customer_id`.

The guards:
- role addresses (team@, support@ ...) never link people; they are account-level hints;
- an identifier seen with two or more different app user ids (a shared laptop, a shared
  inbox) is shared: it links nobody and belongs to no person;
- a component that still holds more than `MAX_USER_IDS` user ids is broken up by dropping
  its most connected non-user identifiers, then, if that is not enough, by giving each
  user id its own person.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from intel_assets.identity.normalise import (
    ACCOUNT_KINDS,
    email_domain,
    is_free_mail,
    is_role_address,
    node_keys,
)

MAX_USER_IDS = 4
# Which account-level entity names the customer, best first: the paying account is the
# billing customer; a company that only appears in the CRM or the product comes next.
ANCHOR_PRIORITY = ("customer_id", "crm_account_id", "workspace_id", "organization_id",
                   "domain", "person")


@dataclass(frozen=True)
class Resolution:
    """The identity map and the figures worth reporting about it."""

    identity_map: pd.DataFrame
    people: int
    customers: int
    shared_identifiers: int
    broken_components: int


def resolve(observations: pd.DataFrame) -> Resolution:
    obs = _prepare(observations)
    person_level = ~obs["is_account_level"]

    shared = _shared_nodes(obs[person_level])
    obs["is_shared"] = obs["node"].isin(shared)
    linking = obs[person_level & ~obs["is_shared"]]

    person_of_node, broken = _people(linking)
    obs["person_node"] = obs["node"].map(person_of_node)
    person_ids = _stable_ids("p_", obs.dropna(subset=["person_node"]), "person_node")
    obs["person_id"] = obs["person_node"].map(person_ids)

    customer_of_person, customer_of_entity = _customers(obs)
    by_person = obs["person_id"].map(customer_of_person).astype("string")
    by_entity = _entity_keys(obs).map(customer_of_entity).astype("string")
    obs["customer_id"] = by_person.fillna(by_entity)

    identity_map = (
        obs.sort_values("observed_at", kind="stable")
        .drop_duplicates(["source", "kind", "value"])
        .loc[:, ["source", "kind", "value", "node", "person_id", "customer_id", "is_shared",
                 "is_account_level"]]
        .reset_index(drop=True)
    )
    return Resolution(
        identity_map=identity_map,
        people=int(identity_map["person_id"].nunique()),
        customers=int(identity_map["customer_id"].nunique()),
        shared_identifiers=len(shared),
        broken_components=broken,
    )


def _prepare(observations: pd.DataFrame) -> pd.DataFrame:
    obs = observations.loc[:, ["source", "record_id", "kind", "value"]].copy()
    obs["observed_at"] = (
        pd.to_datetime(observations["observed_at"])
        if "observed_at" in observations
        else pd.NaT
    )
    obs["value"] = obs["value"].astype("string").str.strip()
    obs = obs[obs["value"].notna() & (obs["value"] != "")]
    obs["node"] = node_keys(obs["source"], obs["kind"], obs["value"])
    obs = obs[obs["node"].notna()]

    is_email = obs["kind"] == "email"
    role = is_email & is_role_address(obs["node"].str.removeprefix("email:"))
    obs["is_role"] = role
    obs["is_account_level"] = obs["kind"].isin(ACCOUNT_KINDS) | role
    obs["record"] = obs["source"].astype(str) + "|" + obs["record_id"].astype(str)
    # Plain object columns: pandas' Arrow-backed strings make every merge and reindex here
    # several times slower (a quarter of the run on the 10,000-customer demo).
    for column in ("source", "kind", "value", "node", "record"):
        obs[column] = obs[column].astype(object)
    return obs.reset_index(drop=True)


def _shared_nodes(person_obs: pd.DataFrame) -> set[str]:
    """Identifiers recorded together with two or more different app user ids."""
    users = person_obs.loc[person_obs["kind"] == "user_id", ["record", "node"]]
    others = person_obs.loc[person_obs["kind"] != "user_id", ["record", "node"]]
    pairs = others.merge(users, on="record", suffixes=("", "_user")).drop_duplicates(
        ["node", "node_user"]
    )
    counts = pairs.groupby("node")["node_user"].nunique()
    return set(counts.index[counts >= 2])


def _components(nodes: pd.Index, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    size = len(nodes)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return labels


def _record_edges(obs: pd.DataFrame, codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Links every identifier of a record to the record's first identifier."""
    first = codes.groupby(obs["record"].to_numpy()).transform("first").to_numpy()
    return codes.to_numpy(), first


def _people(linking: pd.DataFrame) -> tuple[pd.Series, int]:
    """Connected components of person-level identifiers, giant ones broken up."""
    nodes = pd.Index(linking["node"].unique())
    codes = pd.Series(nodes.get_indexer(linking["node"]), index=linking.index)
    left, right = _record_edges(linking, codes)
    labels = _components(nodes, left, right)

    is_user = pd.Series(nodes.str.startswith("user_id:"), index=nodes)
    users_per_label = pd.Series(is_user.to_numpy()).groupby(labels).sum()
    giant = users_per_label.index[users_per_label > MAX_USER_IDS]
    if len(giant):
        labels = _break_giants(linking, nodes, codes, labels, set(giant))
    component = pd.Series(labels, index=nodes)
    return component.astype(str), len(giant)


def _break_giants(
    linking: pd.DataFrame, nodes: pd.Index, codes: pd.Series, labels: np.ndarray,
    giant: set[int],
) -> np.ndarray:
    """Drops, inside oversized components, the non-user identifiers that touch the most
    records; what is still oversized afterwards is split to one person per user id."""
    in_giant = pd.Series(np.isin(labels[codes.to_numpy()], list(giant)), index=linking.index)
    inside = linking[in_giant]
    degree = inside.groupby("node")["record"].nunique()
    non_user = degree[~degree.index.str.startswith("user_id:")]
    cutoff = non_user.quantile(0.9) if len(non_user) else 0
    hubs = set(non_user.index[non_user >= max(cutoff, 2)])
    kept = linking[~linking["node"].isin(hubs) | ~in_giant]
    kept_codes = pd.Series(nodes.get_indexer(kept["node"]), index=kept.index)
    left, right = _record_edges(kept, kept_codes)
    relabelled = _components(nodes, left, right)

    is_user = nodes.str.startswith("user_id:")
    users_per_label = pd.Series(is_user).groupby(relabelled).sum()
    still = set(users_per_label.index[users_per_label > MAX_USER_IDS])
    if still:
        offset = relabelled.max() + 1
        hit = np.isin(relabelled, list(still))
        relabelled = np.where(hit, offset + np.arange(len(nodes)), relabelled)
    return relabelled


def _stable_ids(prefix: str, obs: pd.DataFrame, group: str) -> pd.Series:
    """An id per group from its earliest-seen identifier, so that data arriving for other
    people never renames this one."""
    ordered = obs.assign(_t=obs["observed_at"].fillna(pd.Timestamp.max)).sort_values(
        ["_t", "node"], kind="stable"
    )
    anchor = ordered.groupby(group)["node"].first()
    return anchor.map(lambda node: prefix + hashlib.sha1(node.encode()).hexdigest()[:16])


def _customers(obs: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Places people in accounts.

    Strong links are account-level identifiers recorded with a person's identifiers (a
    CRM contact's account, a Stripe customer's email, an event's workspace). A person's
    email domain is used only for people with no strong link and never for free-mail
    domains. A person recorded with two entities of the same kind (a consultant in two
    workspaces) does not merge them; such a person takes the entity seen most often.
    """
    people = obs.dropna(subset=["person_id"])[["record", "person_id"]].drop_duplicates()
    entities = obs[obs["is_account_level"]].copy()
    entities["entity"] = _entity_keys(entities)
    entities["entity_kind"] = np.where(entities["is_role"], "domain", entities["kind"])
    entity_domains = entities["entity"].str.removeprefix("domain:")
    free = (entities["entity_kind"] == "domain") & is_free_mail(entity_domains)
    entity_links = entities.loc[~free, ["record", "entity", "entity_kind"]].drop_duplicates()

    strong = people.merge(entity_links[entity_links["entity_kind"] != "domain"], on="record")
    strong = _one_entity_per_kind(strong)

    weak = _domain_links(obs, people, entity_links)
    weak = weak[~weak["person_id"].isin(strong["person_id"])]

    record_pairs = entity_links.merge(entity_links, on="record", suffixes=("", "_other"))
    record_pairs = record_pairs[record_pairs["entity"] != record_pairs["entity_other"]]

    all_people = pd.Index(obs["person_id"].dropna().unique())
    entity_nodes = pd.Index(
        pd.concat([entity_links["entity"], weak["entity"]]).unique()
    )
    nodes = all_people.append(entity_nodes)
    links = pd.concat(
        [
            strong[["person_id", "entity"]].set_axis(["a", "b"], axis=1),
            weak[["person_id", "entity"]].set_axis(["a", "b"], axis=1),
            record_pairs[["entity", "entity_other"]].set_axis(["a", "b"], axis=1),
        ],
        ignore_index=True,
    )
    labels = _components(nodes, nodes.get_indexer(links["a"]), nodes.get_indexer(links["b"]))
    component = pd.Series(labels, index=nodes)

    kinds = pd.concat(
        [
            pd.Series("person", index=all_people),
            entity_links.drop_duplicates("entity").set_index("entity")["entity_kind"],
            pd.Series("domain", index=weak["entity"].unique()),
        ]
    )
    kinds = kinds[~kinds.index.duplicated()]
    members = pd.DataFrame({"member": nodes, "label": labels})
    members["rank"] = members["member"].map(kinds).map(
        {k: i for i, k in enumerate(ANCHOR_PRIORITY)}
    ).fillna(len(ANCHOR_PRIORITY))
    anchors = members.sort_values(["rank", "member"]).groupby("label")["member"].first()
    customer_of_label = anchors.map(
        lambda node: "c_" + hashlib.sha1(node.encode()).hexdigest()[:16]
    )
    customer = component.map(customer_of_label)
    return customer.loc[all_people], customer.loc[entity_nodes]


def _entity_keys(obs: pd.DataFrame) -> pd.Series:
    """The account-level entity an identifier names: itself, or for a role address the
    domain it belongs to (team@acme.io names acme.io)."""
    keys = obs["node"].copy()
    role = obs["is_role"].to_numpy()
    if role.any():
        domains = email_domain(obs.loc[role, "node"].str.removeprefix("email:"))
        keys[role] = "domain:" + domains.astype(str)
    return keys


def _domain_links(
    obs: pd.DataFrame, people: pd.DataFrame, entity_links: pd.DataFrame
) -> pd.DataFrame:
    """The last-resort link: a person's own email domain, or the domain of a role address
    they wrote from; free-mail domains never count. One domain per person, the most seen."""
    own = obs.dropna(subset=["person_id"])
    own = own[(own["kind"] == "email") & ~own["is_role"]]
    domains = email_domain(own["node"].str.removeprefix("email:")).astype("string")
    personal = pd.DataFrame({"person_id": own["person_id"], "entity": "domain:" + domains})
    personal = personal[~is_free_mail(domains).to_numpy()]
    via_role = people.merge(entity_links[entity_links["entity_kind"] == "domain"], on="record")
    links = pd.concat([personal, via_role[["person_id", "entity"]]], ignore_index=True)
    counts = links.groupby(["person_id", "entity"]).size().rename("n").reset_index()
    counts = counts.sort_values(["person_id", "n", "entity"], ascending=[True, False, True])
    return counts.drop_duplicates("person_id")[["person_id", "entity"]]


def _one_entity_per_kind(strong: pd.DataFrame) -> pd.DataFrame:
    counts = strong.groupby(["person_id", "entity_kind", "entity"]).size().rename("n")
    counts = counts.reset_index().sort_values(
        ["person_id", "entity_kind", "n", "entity"], ascending=[True, True, False, True]
    )
    return counts.drop_duplicates(["person_id", "entity_kind"])
