"""Identity resolution on hand-built observations where the right answer is known."""

from __future__ import annotations

import pandas as pd

from intel_assets.identity.resolve import MAX_USER_IDS, resolve


def _obs(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source", "record_id", "kind", "value"])


def _person(result, source: str, value: str) -> str:
    m = result.identity_map
    return m.loc[(m["source"] == source) & (m["value"] == value), "person_id"].iloc[0]


def _customer(result, source: str, value: str) -> str:
    m = result.identity_map
    return m.loc[(m["source"] == source) & (m["value"] == value), "customer_id"].iloc[0]


def test_case_and_plus_address_drift_is_one_person():
    result = resolve(_obs([
        ("hubspot", "c1", "email", "Dana.Ortiz@northwind.com"),
        ("zendesk", "u1", "email", "dana.ortiz+zendesk@northwind.com"),
        ("zendesk", "u1", "requester_id", "20978392"),
    ]))

    assert _person(result, "hubspot", "Dana.Ortiz@northwind.com") == _person(
        result, "zendesk", "20978392"
    )


def test_an_anonymous_device_joins_the_user_it_later_identified_as():
    result = resolve(_obs([
        ("mixpanel", "e1", "device_id", "d-1"),
        ("mixpanel", "e2", "device_id", "d-1"),
        ("mixpanel", "e2", "user_id", "u42"),
        ("mixpanel", "e3", "user_id", "u42"),
        ("mixpanel", "e3", "email", "dana@gmail.com"),
        ("stripe", "cus1", "email", "dana@gmail.com"),
    ]))

    assert len({_person(result, "mixpanel", "d-1"), _person(result, "stripe", "dana@gmail.com"),
                _person(result, "mixpanel", "u42")}) == 1


def test_a_role_address_never_glues_people_together_but_places_them_in_the_account():
    result = resolve(_obs([
        ("zendesk", "t1", "email", "team@northwind.com"),
        ("zendesk", "t1", "user_id", "u1"),
        ("zendesk", "t2", "email", "team@northwind.com"),
        ("zendesk", "t2", "user_id", "u2"),
        ("hubspot", "a1", "crm_account_id", "9001"),
        ("hubspot", "a1", "domain", "northwind.com"),
    ]))

    assert _person(result, "zendesk", "u1") != _person(result, "zendesk", "u2")
    assert pd.isna(_person(result, "zendesk", "team@northwind.com"))
    assert _customer(result, "zendesk", "u1") == _customer(result, "hubspot", "9001")


def test_a_shared_laptop_links_nobody():
    result = resolve(_obs([
        ("mixpanel", "e1", "device_id", "laptop"),
        ("mixpanel", "e1", "user_id", "u1"),
        ("mixpanel", "e2", "device_id", "laptop"),
        ("mixpanel", "e2", "user_id", "u2"),
    ]))

    assert _person(result, "mixpanel", "u1") != _person(result, "mixpanel", "u2")
    assert pd.isna(_person(result, "mixpanel", "laptop"))
    assert result.shared_identifiers == 1


def test_a_giant_component_is_broken_up_before_it_swallows_unrelated_people():
    rows = []
    users = MAX_USER_IDS * 3
    for i in range(users):
        # Each user reaches the next through an email and a device seen on separate records:
        # no identifier is ever recorded with two user ids, so only the size guard sees it.
        rows += [
            ("app", f"a{i}", "user_id", f"u{i}"),
            ("app", f"a{i}", "email", f"person{i}@company{i}.com"),
            ("app", f"b{i}", "email", f"person{i}@company{i}.com"),
            ("app", f"b{i}", "device_id", f"d{i}"),
            ("app", f"c{i}", "device_id", f"d{i}"),
            ("app", f"c{i}", "user_id", f"u{i + 1}"),
        ]

    result = resolve(_obs(rows))

    people = result.identity_map.dropna(subset=["person_id"]).groupby("person_id")
    largest = people["value"].apply(lambda v: v.str.startswith("u").sum()).max()
    assert largest <= MAX_USER_IDS
    assert result.broken_components >= 1


def test_people_of_one_company_share_a_customer_and_other_companies_do_not():
    result = resolve(_obs([
        ("hubspot", "c1", "email", "ann@acme.io"),
        ("hubspot", "c1", "crm_account_id", "A"),
        ("hubspot", "c2", "email", "bob@acme.io"),
        ("hubspot", "c2", "crm_account_id", "A"),
        ("stripe", "cus_1", "customer_id", "cus_1"),
        ("stripe", "cus_1", "email", "ann@acme.io"),
        ("hubspot", "c3", "email", "cy@globex.io"),
        ("hubspot", "c3", "crm_account_id", "B"),
    ]))

    acme = _customer(result, "hubspot", "ann@acme.io")
    assert _customer(result, "hubspot", "bob@acme.io") == acme
    assert _customer(result, "stripe", "cus_1") == acme
    assert _customer(result, "hubspot", "cy@globex.io") != acme


def test_free_mail_domains_never_place_people_in_an_account():
    result = resolve(_obs([
        ("survey", "r1", "email", "ann@gmail.com"),
        ("survey", "r2", "email", "bob@gmail.com"),
    ]))

    assert _customer(result, "survey", "ann@gmail.com") != _customer(
        result, "survey", "bob@gmail.com"
    )


def test_ids_do_not_change_when_unrelated_people_arrive():
    base = [("hubspot", "c1", "email", "ann@acme.io"), ("hubspot", "c1", "crm_account_id", "A")]
    before = resolve(_obs(base))
    arrival = [("hubspot", "c9", "email", "zed@other.io"), ("hubspot", "c9", "crm_account_id", "Z")]
    after = resolve(_obs([*base, *arrival]))

    assert _person(before, "hubspot", "ann@acme.io") == _person(after, "hubspot", "ann@acme.io")
    assert _customer(before, "hubspot", "ann@acme.io") == _customer(
        after, "hubspot", "ann@acme.io"
    )


def _workspace_staff(workspace: str, *people: str) -> list[tuple[str, str, str, str]]:
    """Product events tying each address to the workspace, one record per person."""
    return [row for email in people for row in (
        ("mixpanel", f"e-{email}", "email", email),
        ("mixpanel", f"e-{email}", "workspace_id", workspace),
    )]


def test_without_a_crm_a_work_address_joins_the_workspace_its_colleagues_share():
    result = resolve(_obs([
        *_workspace_staff("ws-1", "ann@acme.io", "bo@acme.io"),
        ("customerio", "p1", "email", "cy@acme.io"),  # a reader known by nothing else
        ("stripe", "cus1", "customer_id", "cus1"),
        ("stripe", "cus1", "email", "billing@acme.io"),
    ]))

    workspace = _customer(result, "mixpanel", "ws-1")
    assert _customer(result, "customerio", "cy@acme.io") == workspace
    assert _customer(result, "stripe", "cus1") == workspace


def test_a_domain_spread_over_two_workspaces_or_held_by_one_person_owns_nothing():
    shared = resolve(_obs([
        *_workspace_staff("ws-1", "ann@acme.io", "bo@acme.io"),
        *_workspace_staff("ws-2", "di@acme.io"),
        ("customerio", "p1", "email", "cy@acme.io"),
    ]))
    alone = resolve(_obs([
        *_workspace_staff("ws-3", "ed@consult.io"),
        ("customerio", "p2", "email", "flo@consult.io"),
    ]))

    customers = {_customer(shared, "mixpanel", "ws-1"), _customer(shared, "mixpanel", "ws-2"),
                 _customer(shared, "customerio", "cy@acme.io")}
    assert len(customers) == 3
    assert _customer(alone, "customerio", "flo@consult.io") != _customer(
        alone, "mixpanel", "ws-3")


def test_a_consumer_business_places_nobody_by_their_employers_domain():
    rows = _obs([
        ("customerio", "p1", "email", "ann@bigcorp.com"),
        ("customerio", "p2", "email", "bo@bigcorp.com"),
    ])

    business, consumer = resolve(rows), resolve(rows, by_domain=False)

    assert _customer(business, "customerio", "ann@bigcorp.com") == _customer(
        business, "customerio", "bo@bigcorp.com")
    assert _customer(consumer, "customerio", "ann@bigcorp.com") != _customer(
        consumer, "customerio", "bo@bigcorp.com")
