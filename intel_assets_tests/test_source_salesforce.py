"""Salesforce Bulk API 2.0 result sets parse into accounts, contacts, leads and opportunities
that agree with the world they were exported from and with the answer key."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from intel_assets.demo.catalog import COUNTRIES, INDUSTRIES
from intel_assets.demo.exports import salesforce
from intel_assets.demo.exports.base import ExportContext
from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets.sources.tools.salesforce import LEADS, OBJECTS
from intel_assets_tests.conftest import SEEDS, small_world
from intel_assets_tests.crm_helpers import (
    assert_account_identifiers_name_no_person,
    assert_contact_emails_match,
    identities,
)

SEED_FILE = Path(__file__).resolve().parents[1] / "dbt" / "seeds" / "crm_industry_labels.csv"
ID_PATTERN = re.compile(r"^[0-9A-Za-z]{18}$")
SF_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")


def _case_safe_suffix(short: str) -> str:
    """Salesforce's own rule, written out independently of the exporter's vectorised one."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    return "".join(
        alphabet[sum(1 << i for i, ch in enumerate(short[k:k + 5]) if "A" <= ch <= "Z")]
        for k in (0, 5, 10)
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_every_object_loads_with_nothing_quarantined(exported, seed):
    result = exported("salesforce", seed)

    for obj in OBJECTS:
        report = result.reports[obj.name]
        assert report.files_seen >= 1, obj.name
        assert report.unreadable == []
        assert report.rows_quarantined == 0
        assert report.rows_loaded == report.total_rows > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_row_counts_follow_who_the_crm_holds(exported, seed):
    result = exported("salesforce", seed)
    world = small_world(seed).world
    accounts = result.table("salesforce_accounts")
    contacts = result.table("salesforce_contacts")
    leads = result.table("salesforce_leads")
    opportunities = result.table("salesforce_opportunities")

    person_of = identities(result, "contact_id")["person_id"]
    people = world.people.set_index("person_id")
    held = people.loc[person_of.reindex(contacts["id"]).to_numpy()]
    size = world.accounts.set_index("account_id")["size"].reindex(held["account_id"]).to_numpy()
    all_size = world.accounts.set_index("account_id")["size"].reindex(
        world.people["account_id"]).to_numpy()
    multi_share = (size > 1).sum() / (all_size > 1).sum()
    single_share = (size == 1).sum() / (all_size == 1).sum()
    assert 0.84 < multi_share < 0.96
    assert 0.6 < single_share < 0.8

    with_contact = set(held["account_id"]) | set(world.deals["account_id"])
    assert len(accounts) == len(with_contact)
    assert len(opportunities) == len(world.deals)
    sold = set(world.deals.loc[world.deals["kind"] == "new", "account_id"])
    assert len(leads) == held["account_id"].isin(sold).sum() + len(world.prospects)


@pytest.mark.parametrize("seed", SEEDS)
def test_ids_are_18_characters_with_key_prefixes_and_case_safe_suffixes(exported, seed):
    result = exported("salesforce", seed)

    for table, prefix in (("accounts", "001"), ("contacts", "003"), ("leads", "00Q"),
                          ("opportunities", "006")):
        values = result.table(f"salesforce_{table}")["id"]
        assert values.is_unique, table
        assert values.str.match(ID_PATTERN).all(), table
        assert values.str.startswith(prefix).all(), table
        assert all(v[15:] == _case_safe_suffix(v[:15]) for v in values), table
    assert _case_safe_suffix("0015g00000QxR2a") == "AAF"


def test_csv_quotes_every_value_and_leaves_nulls_empty(exported):
    result = exported("salesforce", SEEDS[0])

    lead_file = next((result.folder / "Lead").glob("*.csv"))
    lines = lead_file.read_text().splitlines()
    header = next(csv.reader([lines[0]]))
    assert header == list(salesforce.FIELDS["Lead"])
    for line in lines[:50]:
        assert line.startswith('"') and line.endswith('"')
        assert ',,' not in line
    open_lead = next(line for line in lines if '"false"' in line)
    assert '""' in open_lead
    row = next(csv.reader([open_lead]))
    assert SF_DATETIME.match(row[header.index("CreatedDate")])


@pytest.mark.parametrize("seed", SEEDS)
def test_every_link_points_to_a_record_that_exists(exported, seed):
    result = exported("salesforce", seed)
    accounts = set(result.table("salesforce_accounts")["id"])
    contacts = result.table("salesforce_contacts")
    leads = result.table("salesforce_leads")
    opportunities = result.table("salesforce_opportunities")

    assert contacts["account_id"].notna().all()
    assert contacts["account_id"].isin(accounts).all()
    assert opportunities["account_id"].isin(accounts).all()
    converted = leads[leads["is_converted"]]
    assert converted["converted_contact_id"].isin(set(contacts["id"])).all()
    assert converted["converted_account_id"].isin(accounts).all()
    account_of_contact = contacts.set_index("id")["account_id"]
    assert (account_of_contact.reindex(converted["converted_contact_id"]).to_numpy()
            == converted["converted_account_id"].to_numpy()).all()
    with_opportunity = converted["converted_opportunity_id"].dropna()
    assert with_opportunity.isin(set(opportunities["id"])).all()
    won = opportunities[opportunities["type"] == "New Customer"]
    assert set(with_opportunity) == set(won["id"])


@pytest.mark.parametrize("seed", SEEDS)
def test_prospects_stay_unconverted_leads_apart_from_customers(exported, seed):
    result = exported("salesforce", seed)
    world = small_world(seed).world
    leads = result.table("salesforce_leads")
    contacts = result.table("salesforce_contacts")

    open_leads = leads[~leads["is_converted"]]
    assert len(open_leads) == len(world.prospects)
    assert set(open_leads["email"]) == set(world.prospects["email"])
    assert open_leads[["converted_contact_id", "converted_account_id",
                       "converted_opportunity_id", "converted_date"]].isna().all().all()
    assert set(open_leads["status"]) <= {"Open - Not Contacted", "Working - Contacted",
                                         "Closed - Not Converted"}
    assert open_leads["lead_source"].notna().all()
    assert not set(open_leads["email"].str.lower()) & set(contacts["email"].str.lower())
    assert not set(open_leads["company"]) & set(result.table("salesforce_accounts")["name"])
    keyed = identities(result, "lead_id").reindex(open_leads["id"])
    assert keyed["account_id"].isna().all()
    assert keyed["person_id"].str.startswith("prospect_").all()
    converted = leads[leads["is_converted"]]
    assert (converted["status"] == "Closed - Converted").all()


@pytest.mark.parametrize("seed", SEEDS)
def test_industry_and_country_map_back_to_the_world(exported, seed):
    result = exported("salesforce", seed)
    world = small_world(seed).world
    accounts = result.table("salesforce_accounts")
    labels = pd.read_csv(SEED_FILE)
    labels = labels[labels["tool"] == "salesforce"].set_index("native_value")["industry"]

    assert set(labels) <= set(INDUSTRIES)
    assert labels.index.is_unique
    truth = world.accounts.set_index("account_id").reindex(
        identities(result, "crm_account_id")["account_id"].reindex(accounts["id"]).to_numpy()
    )
    assert accounts["industry"].isin(labels.index).all()
    assert (labels.reindex(accounts["industry"]).to_numpy() == truth["industry"].to_numpy()).all()
    assert (accounts["billing_country_code"].to_numpy() == truth["country"].to_numpy()).all()
    assert accounts["billing_country_code"].isin(set(COUNTRIES)).all()
    assert (accounts["number_of_employees"].to_numpy() == truth["employees"].to_numpy()).all()
    domain = (accounts["website"].str.replace(r"^https?://", "", regex=True)
              .str.replace(r"^www\.", "", regex=True).str.rstrip("/"))
    assert (domain.to_numpy() == truth["domain"].to_numpy()).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_times_and_amounts_round_trip_to_the_world(exported, seed):
    result = exported("salesforce", seed)
    world = small_world(seed).world
    opportunities = result.table("salesforce_opportunities").sort_values("created_date")
    leads = result.table("salesforce_leads")
    deals = world.deals.sort_values("created_at")

    assert (opportunities["created_date"].to_numpy() == deals["created_at"].to_numpy()).all()
    assert (opportunities["close_date"].dt.date.to_numpy()
            == deals["close_at"].dt.date.to_numpy()).all()
    assert float(opportunities["amount"].sum()) == pytest.approx(deals["amount"].sum())
    won = deals["stage"].to_numpy() == "closed_won"
    assert (opportunities["is_won"].to_numpy() == won).all()
    assert (opportunities["stage_name"].to_numpy()
            == np.where(won, "Closed Won", "Negotiation/Review")).all()
    assert (opportunities["probability"].astype(float).to_numpy()
            == np.where(won, 100.0, 90.0)).all()

    prospects = world.prospects.set_index("email")
    open_leads = leads[~leads["is_converted"]].set_index("email")
    assert (open_leads["created_date"].to_numpy()
            == prospects["created_at"].reindex(open_leads.index).to_numpy()).all()
    assert (leads["last_modified_date"] >= leads["created_date"]).all()
    assert (leads["last_modified_date"] < pd.Timestamp("2026-12-01")).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_contact_emails_and_ids_agree_with_the_answer_key(exported, seed):
    result = exported("salesforce", seed)
    world = small_world(seed).world
    contacts = result.table("salesforce_contacts")

    assert_contact_emails_match(result, contacts, world.people, tool="salesforce")
    accounts = result.table("salesforce_accounts")["id"]
    assert_account_identifiers_name_no_person(result, accounts)
    domains = identities(result, "domain")
    assert set(domains["account_id"]) == set(identities(result, "crm_account_id")["account_id"])


def test_consumer_crm_holds_contacts_and_leads_without_accounts(exported):
    result = exported("salesforce", SEEDS[0], consumer=True)
    world = small_world(SEEDS[0], consumer=True).world

    assert result.reports["accounts"].total_rows == 0
    assert result.reports["opportunities"].total_rows == 0
    contacts = result.table("salesforce_contacts")
    assert 0.6 < len(contacts) / len(world.people) < 0.8
    assert contacts["account_id"].isna().all()
    leads = result.table("salesforce_leads")
    assert len(leads) == len(world.prospects)
    assert not leads["is_converted"].any()
    assert set(result.identities["kind"]) == {"contact_id", "email", "lead_id"}


def test_result_sets_split_by_locator_and_chunk(tmp_path, warehouse, monkeypatch):
    monkeypatch.setattr(salesforce, "RESULT_ROWS", 100)
    small = small_world(SEEDS[1])
    ctx = ExportContext(company=small.company, folder=tmp_path, chunk=7, tool="salesforce")
    salesforce.export(small.world, ctx)

    files = sorted(p.name for p in (tmp_path / "Contact").glob("*.csv"))
    assert files[0] == "Contact_0007_0001_start.csv"
    assert files[1] == "Contact_0007_0002_MTAw.csv"  # base64 of the offset 100
    assert len(files) > 2
    for path in (tmp_path / "Contact").glob("*.csv"):
        assert path.read_text().startswith('"Id","AccountId",')
    contacts = next(o for o in OBJECTS if o.name == "contacts")
    report = load_object(warehouse, contacts, tmp_path)
    assert report.rows_quarantined == 0
    assert report.total_rows == sum(
        len(p.read_text().splitlines()) - 1 for p in (tmp_path / "Contact").glob("*.csv")
    )


def test_malformed_lead_rows_are_quarantined_while_good_rows_load(tmp_path, warehouse):
    folder = tmp_path / "salesforce"
    (folder / "Lead").mkdir(parents=True)
    header = ",".join(f'"{f}"' for f in salesforce.FIELDS["Lead"])
    good = ('"00Q5g00000Zp7WcEAJ","Sam","Lee","sam.lee@acme-freight.com","Acme Freight",'
            '"Open - Not Contacted","Web","false","","","","","2024-06-03T14:22:09.000Z",'
            '"2024-06-04T08:00:00.000+0000"')
    no_id = good.replace('"00Q5g00000Zp7WcEAJ"', '""', 1)
    bad_time = good.replace("2024-06-03T14:22:09.000Z", "03/06/2024 14:22")
    bad_flag = good.replace('"false"', '"maybe"')
    short = '"00Q5g00000Zp7WdEAJ","Ana"'
    other = good.replace("Zp7Wc", "Zp7We")
    (folder / "Lead" / "Lead_0000_0001_start.csv").write_text(
        "\n".join([header, good, no_id, bad_time, bad_flag, short, other]) + "\n"
    )

    report = load_object(warehouse, LEADS, folder)

    assert report.rows_loaded == 2
    assert report.rows_quarantined == 4
    loaded = warehouse.execute(
        'SELECT id, created_date, last_modified_date FROM raw."salesforce_leads" ORDER BY id'
    ).fetchall()
    assert [row[0] for row in loaded] == ["00Q5g00000Zp7WcEAJ", "00Q5g00000Zp7WeEAJ"]
    assert str(loaded[0][2]) == "2024-06-04 08:00:00"
    bad = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} ORDER BY row_number"
    ).fetchall()
    assert [(row[0], row[1]) for row in bad] == [
        (3, "id"), (4, "created_date"), (5, "is_converted"), (6, None)
    ]
    assert bad[0][2] == "id: missing required field"
    assert bad[1][2] == "created_date: unparsable timestamp: 03/06/2024 14:22"
    assert bad[2][2] == "is_converted: unparsable boolean: maybe"
    assert bad[3][2] == "expected 14 fields, found 2"
