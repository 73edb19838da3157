"""HubSpot CRM v3 list pages parse into contacts, companies and deals that agree with the
world they were exported from and with the answer key."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from intel_assets.demo.catalog import COUNTRIES, INDUSTRIES
from intel_assets.demo.exports import hubspot
from intel_assets.demo.exports.base import ExportContext
from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets.sources.tools.hubspot import COMPANIES, OBJECTS
from intel_assets_tests.conftest import SEEDS, small_world
from intel_assets_tests.crm_helpers import (
    assert_account_identifiers_name_no_person,
    assert_contact_emails_match,
    identities,
)

SEED_FILE = Path(__file__).resolve().parents[1] / "dbt" / "seeds" / "crm_industry_labels.csv"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _documents(folder: Path, name: str) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((folder / name).glob("*.json"))]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_object_loads_with_nothing_quarantined(exported, seed):
    result = exported("hubspot", seed)

    for obj in OBJECTS:
        report = result.reports[obj.name]
        assert report.unreadable == []
        assert report.rows_quarantined == 0
        assert report.rows_loaded == report.total_rows > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_row_counts_follow_who_the_crm_holds(exported, seed):
    result = exported("hubspot", seed)
    world = small_world(seed).world
    contacts = result.table("hubspot_contacts")
    companies = result.table("hubspot_companies")
    deals = result.table("hubspot_deals")

    customers = contacts[contacts["lifecyclestage"] == "customer"]
    prospects = contacts[contacts["lifecyclestage"] != "customer"]
    assert len(prospects) == len(world.prospects)
    assert set(prospects["lifecyclestage"]) == {"lead", "subscriber"}
    held = identities(result, "contact_id")["account_id"].reindex(customers["id"])
    sizes = world.accounts.set_index("account_id")["size"]
    size = sizes.reindex(held).to_numpy()
    all_size = sizes.reindex(world.people["account_id"]).to_numpy()
    assert 0.84 < (size > 1).sum() / (all_size > 1).sum() < 0.96
    assert 0.6 < (size == 1).sum() / (all_size == 1).sum() < 0.8

    customer_companies = companies[companies["lifecyclestage"] == "customer"]
    assert len(customer_companies) == len(set(held) | set(world.deals["account_id"]))
    assert len(companies) == len(customer_companies) + len(world.prospects)
    assert len(deals) == len(world.deals)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_property_is_a_string_or_null_and_ids_are_numeric(exported, seed):
    result = exported("hubspot", seed)

    for name in ("contacts", "companies", "deals"):
        seen = set()
        for document in _documents(result.folder, name):
            for record in document["results"]:
                assert record["id"].isdigit() and len(record["id"]) == 10
                assert record["properties"]["hs_object_id"] == record["id"]
                assert all(v is None or isinstance(v, str)
                           for v in record["properties"].values())
                assert ISO_MS.match(record["createdAt"]) and ISO_MS.match(record["updatedAt"])
                assert record["archived"] is False
                assert record["updatedAt"] >= record["createdAt"]
                seen.add(record["id"])
        assert len(seen) == len(result.table(f"hubspot_{name}"))


def test_pages_chain_through_the_after_cursor(tmp_path, warehouse, monkeypatch):
    monkeypatch.setattr(hubspot, "PAGE_SIZE", 100)
    small = small_world(SEEDS[0])
    ctx = ExportContext(company=small.company, folder=tmp_path, chunk=5, tool="hubspot")
    hubspot.export(small.world, ctx)

    paths = sorted((tmp_path / "contacts").glob("*.json"))
    assert paths[0].name == "contacts_0005_0001.json"
    documents = [json.loads(p.read_text()) for p in paths]
    assert len(documents) > 2
    for page, following in itertools.pairwise(documents):
        after = page["paging"]["next"]["after"]
        assert after == following["results"][0]["id"]
        assert page["paging"]["next"]["link"].endswith(f"/crm/v3/objects/contacts?after={after}")
        assert int(page["results"][-1]["id"]) < int(after)
    assert "paging" not in documents[-1]
    report = load_object(warehouse, next(o for o in OBJECTS if o.name == "contacts"), tmp_path)
    assert report.total_rows == sum(len(d["results"]) for d in documents)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_association_points_to_a_company_that_exists(exported, seed):
    result = exported("hubspot", seed)
    companies = set(result.table("hubspot_companies")["id"])
    contacts = result.table("hubspot_contacts")
    deals = result.table("hubspot_deals")

    for table, kind in ((contacts, "contact"), (deals, "deal")):
        assert table["company_id"].notna().all()
        assert table["company_id"].isin(companies).all()
        assert (table["company_association_type"] == f"{kind}_to_company").all()
        listed = table["associations"].map(json.loads)
        assert all(entry["id"] == first for entries, first in zip(listed, table["company_id"],
                                                                   strict=True)
                   for entry in entries)
        assert {e["type"] for entries in listed for e in entries} == {
            f"{kind}_to_company", f"{kind}_to_company_unlabeled"}

    account_of_company = identities(result, "crm_account_id")["account_id"]
    deal_accounts = account_of_company.reindex(deals["company_id"])
    assert deal_accounts.notna().all()
    customers = contacts[contacts["lifecyclestage"] == "customer"]
    true_account = identities(result, "contact_id")["account_id"].reindex(customers["id"])
    assert (account_of_company.reindex(customers["company_id"]).to_numpy()
            == true_account.to_numpy()).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_prospects_never_share_a_company_with_customers(exported, seed):
    result = exported("hubspot", seed)
    contacts = result.table("hubspot_contacts")
    companies = result.table("hubspot_companies").set_index("id")

    customers = contacts[contacts["lifecyclestage"] == "customer"]
    prospects = contacts[contacts["lifecyclestage"] != "customer"]
    assert not set(customers["company_id"]) & set(prospects["company_id"])
    assert prospects["company_id"].is_unique
    their = companies.reindex(prospects["company_id"])
    assert (their["lifecyclestage"] == "lead").all()
    assert their["industry"].isna().all() and their["country"].isna().all()
    assert (their["domain"].to_numpy()
            == prospects["email"].str.split("@").str[1].to_numpy()).all()
    keyed = identities(result, "contact_id").reindex(prospects["id"])
    assert keyed["account_id"].isna().all()
    assert keyed["person_id"].str.startswith("prospect_").all()
    assert identities(result, "crm_account_id").reindex(prospects["company_id"])[
        "account_id"].isna().all()


@pytest.mark.parametrize("seed", SEEDS)
def test_industry_and_country_map_back_to_the_world(exported, seed):
    result = exported("hubspot", seed)
    world = small_world(seed).world
    companies = result.table("hubspot_companies")
    companies = companies[companies["lifecyclestage"] == "customer"]
    labels = pd.read_csv(SEED_FILE)
    labels = labels[labels["tool"] == "hubspot"].set_index("native_value")["industry"]

    assert set(labels) <= set(INDUSTRIES)
    assert labels.index.is_unique
    assert labels.index.str.fullmatch(r"[A-Z_]+").all()
    truth = world.accounts.set_index("account_id").reindex(
        identities(result, "crm_account_id")["account_id"].reindex(companies["id"]).to_numpy()
    )
    assert companies["industry"].isin(labels.index).all()
    assert (labels.reindex(companies["industry"]).to_numpy()
            == truth["industry"].to_numpy()).all()
    assert (companies["country"].to_numpy() == truth["country"].to_numpy()).all()
    assert companies["country"].isin(set(COUNTRIES)).all()
    assert (companies["domain"].to_numpy() == truth["domain"].to_numpy()).all()
    assert (companies["numberofemployees"].to_numpy() == truth["employees"].to_numpy()).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_times_and_amounts_round_trip_to_the_world(exported, seed):
    result = exported("hubspot", seed)
    world = small_world(seed).world
    deals = result.table("hubspot_deals").sort_values("createdate")
    truth = world.deals.sort_values("created_at")

    assert (deals["createdate"].dt.floor("s").to_numpy() == truth["created_at"].to_numpy()).all()
    assert (deals["created_at"] == deals["createdate"]).all()
    assert (deals["closedate"].dt.floor("s").to_numpy() == truth["close_at"].to_numpy()).all()
    assert float(deals["amount"].sum()) == pytest.approx(truth["amount"].sum())
    won = truth["stage"].to_numpy() == "closed_won"
    assert (deals["hs_is_closed_won"].to_numpy() == won).all()
    assert (deals["dealstage"].to_numpy() == np.where(won, "closedwon", "contractsent")).all()
    assert (deals["pipeline"] == "default").all()

    contacts = result.table("hubspot_contacts")
    prospects = contacts[contacts["lifecyclestage"] != "customer"].set_index("email")
    created = world.prospects.set_index("email")["created_at"].reindex(prospects.index)
    assert (prospects["createdate"].dt.floor("s").to_numpy() == created.to_numpy()).all()
    customers = contacts[contacts["lifecyclestage"] == "customer"]
    person = identities(result, "contact_id")["person_id"].reindex(customers["id"])
    joined = world.people.set_index("person_id")["joined_at"].reindex(person).to_numpy()
    sold_first = customers["createdate"].to_numpy() < joined
    assert ((customers["createdate"].to_numpy() - joined)[~sold_first]
            <= np.timedelta64(6 * 3600 + 121, "s")).all()
    assert (contacts["updated_at"] < pd.Timestamp("2026-12-01")).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_contact_emails_and_ids_agree_with_the_answer_key(exported, seed):
    result = exported("hubspot", seed)
    world = small_world(seed).world
    contacts = result.table("hubspot_contacts")

    customers = contacts[contacts["lifecyclestage"] == "customer"]
    assert_contact_emails_match(result, customers, world.people, tool="hubspot")
    assert identities(result, "contact_id").reindex(contacts["id"])["person_id"].notna().all()

    companies = result.table("hubspot_companies")
    assert_account_identifiers_name_no_person(result, companies["id"])
    assert set(identities(result, "domain").index) == set(companies["domain"])


def test_consumer_portal_holds_contacts_without_companies(exported):
    result = exported("hubspot", SEEDS[1], consumer=True)
    world = small_world(SEEDS[1], consumer=True).world

    assert result.reports["companies"].total_rows == 0
    assert result.reports["deals"].total_rows == 0
    contacts = result.table("hubspot_contacts")
    customers = contacts[contacts["lifecyclestage"] == "customer"]
    assert 0.6 < len(customers) / len(world.people) < 0.8
    assert contacts["company_id"].isna().all()
    for document in _documents(result.folder, "contacts"):
        assert all("associations" not in record for record in document["results"])
    assert set(result.identities["kind"]) == {"contact_id", "email"}


def test_malformed_company_records_are_quarantined_while_good_ones_load(tmp_path, warehouse):
    folder = tmp_path / "hubspot"
    (folder / "companies").mkdir(parents=True)

    def company(record_id: str | None, created: str, employees: str | None) -> dict:
        record = {
            "properties": {"name": "Northwind Labs", "domain": "northwind-labs.com",
                           "industry": "COMPUTER_SOFTWARE", "numberofemployees": employees,
                           "hs_object_id": record_id},
            "createdAt": created, "updatedAt": "2024-06-20T14:12:00.001Z", "archived": False,
        }
        if record_id is not None:
            record["id"] = record_id
        return record

    results = [
        company("9001", "2024-06-01T09:10:12.345Z", "85"),
        company(None, "2024-06-01T09:10:12.345Z", "85"),
        company("9003", "yesterday", "85"),
        company("9004", "2024-06-01T09:10:12.345Z", "eighty-five"),
        "9005",
        company("9006", "2024-06-02T10:00:00.000Z", None),
    ]
    (folder / "companies" / "companies_0000_0001.json").write_text(
        json.dumps({"results": results})
    )

    report = load_object(warehouse, COMPANIES, folder)

    assert report.rows_loaded == 2
    assert report.rows_quarantined == 4
    loaded = warehouse.execute(
        'SELECT id, numberofemployees, created_at FROM raw."hubspot_companies" ORDER BY id'
    ).fetchall()
    assert [(row[0], row[1]) for row in loaded] == [("9001", 85), ("9006", None)]
    assert str(loaded[0][2]) == "2024-06-01 09:10:12.345000"
    bad = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} ORDER BY row_number"
    ).fetchall()
    assert [(row[0], row[1]) for row in bad] == [
        (2, "id"), (3, "created_at"), (4, "numberofemployees"), (5, None)
    ]
    assert bad[0][2] == "id: missing required field"
    assert bad[1][2] == "created_at: unparsable timestamp: yesterday"
    assert bad[2][2] == "numberofemployees: unparsable integer: eighty-five"
    assert bad[3][2] == "expected a JSON object, found varchar"
