"""The generic file contract of every family: demo files in CSV and Parquet load without a
quarantined row and agree with the world, files a company writes by hand are checked row by
row, and the documented contract is the one the loader enforces."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from intel_assets.demo.exports import generic as generic_export
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.registry import exporter
from intel_assets.demo.world import ad_spend, simulate_chunk
from intel_assets.sources import generic
from intel_assets.sources.catalog import tool_objects
from intel_assets.sources.loader import LoadReport, load_object
from intel_assets.stack import parse_stack
from intel_assets_tests.conftest import SEEDS, SmallWorld, export_tool, small_world

FAMILIES = tuple(generic.CONTRACT)


def expected_rows(family: str, small: SmallWorld, identities: pd.DataFrame) -> dict[str, int]:
    """Rows each object must hold. CRM contacts are a subset of people chosen per person, so
    their count comes from the answer key (one contact id per contact written) and is
    checked against the world in the CRM tests."""
    world, company = small.world, small.company
    consumer = company.config.consumer
    contacts = int((identities["kind"] == "contact_id").sum()) if family == "crm" else 0
    return {
        "product": {"events": len(world.product_events)},
        "ads": {"campaign_spend": len(ad_spend(company))},
        "crm": {
            "contacts": contacts,
            "accounts": 0 if consumer else len(world.accounts) + len(world.prospects),
            "deals": 0 if consumer else len(world.deals),
        },
        "support": {"tickets": len(world.tickets)},
        "lifecycle": {"email_events": len(world.email_events)},
        "billing": {
            "customers": len(world.accounts),
            "subscriptions": len(world.subscriptions),
            "invoices": len(world.invoices),
        },
        "surveys": {"responses": len(world.survey_responses)},
    }[family]


def export_parquet(
    family: str, small: SmallWorld, folder: Path, con: duckdb.DuckDBPyConnection
) -> tuple[pd.DataFrame, dict[str, LoadReport]]:
    tool = f"generic_{family}"
    ctx = ExportContext(company=small.company, folder=folder, chunk=0, tool=tool)
    identities = generic_export.export_as(small.world, ctx, "parquet")
    reports = {obj.name: load_object(con, obj, folder) for obj in generic.objects(family,
                                                                                  "parquet")}
    return identities, reports


def table(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    return con.execute(f'SELECT * FROM raw."{name}" ORDER BY _source_file, _row_number').df()


def quarantine(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return con.execute(
        "SELECT row_number, field, reason FROM raw._quarantine WHERE table_name = ? "
        "ORDER BY row_number",
        [name],
    ).fetchall()


def utc(values) -> np.ndarray:
    """Times as naive UTC datetime64[s], whatever unit DuckDB or pandas chose."""
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[s]")


# --- demo files round trip -----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_csv_files_of_every_family_load_whole_and_match_the_world(exported, family, seed):
    result = exported(f"generic_{family}", seed)

    expected = expected_rows(family, small_world(seed), result.identities)
    assert set(result.reports) == set(expected)
    for name, rows in expected.items():
        report = result.reports[name]
        assert report.unreadable == []
        assert report.rows_quarantined == 0, name
        assert report.rows_loaded == rows, name
        assert len(result.table(f"generic_{family}_{name}")) == rows


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_parquet_files_of_every_family_load_whole_and_match_the_world(
    tmp_path, warehouse, family, seed
):
    small = small_world(seed)
    identities, reports = export_parquet(family, small, tmp_path / family, warehouse)

    for name, rows in expected_rows(family, small, identities).items():
        assert reports[name].unreadable == []
        assert reports[name].rows_quarantined == 0, name
        assert reports[name].rows_loaded == rows, name


@pytest.mark.parametrize("family", FAMILIES)
def test_csv_and_parquet_give_the_same_raw_rows(tmp_path, exported, family):
    seed = SEEDS[0]
    from_csv = exported(f"generic_{family}", seed)
    con = duckdb.connect(str(tmp_path / "parquet.duckdb"))
    export_parquet(family, small_world(seed), tmp_path / "parquet", con)

    for spec in generic.CONTRACT[family]:
        name = f"generic_{family}_{spec.name}"
        columns = [c.name for c in spec.columns]
        csv_rows = from_csv.table(name).sort_values("_row_number")[columns]
        parquet_rows = table(con, name)[columns]
        pd.testing.assert_frame_equal(
            csv_rows.reset_index(drop=True), parquet_rows.reset_index(drop=True),
            check_dtype=False,
        )
    con.close()


def test_every_written_file_has_the_contracts_columns_in_order(tmp_path):
    for family in FAMILIES:
        folder, _ = export_tool(f"generic_{family}", small_world(SEEDS[0]), tmp_path)
        for spec in generic.CONTRACT[family]:
            files = list((folder / spec.name).glob("*.csv"))
            assert [f.name for f in files] == [f"{spec.name}_0000.csv"]
            header = files[0].read_text().splitlines()[0]
            assert header == ",".join(c.name for c in spec.columns)


# --- values the later layers rely on -------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_product_events_keep_times_identities_and_properties(exported, seed):
    result = exported("generic_product", seed)
    world = small_world(seed).world
    events = result.table("generic_product_events").sort_values("_row_number")

    assert (utc(events["timestamp"]) == world.product_events["time"].to_numpy()).all()
    assert events["event_id"].is_unique
    assert events["event_id"].str.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}").all()
    assert (events["user_id"].notna().to_numpy()
            == world.product_events["user_id"].notna().to_numpy()).all()
    assert events["anonymous_id"].notna().all()

    signups = events[events["event"] == "signed_up"]
    assert signups["email"].notna().all() and signups["workspace_id"].notna().all()
    assert (signups["properties"].map(lambda text: '"plan"' in text)).all()
    assert events.loc[events["event"] == "page_viewed", "workspace_id"].isna().all()
    for column in ("utm_campaign", "click_id"):
        assert events[column].notna().sum() == world.product_events[column].notna().sum()

    keys = result.identities
    user_ids = keys[keys["kind"] == "user_id"]
    assert set(user_ids["identifier"]) == set(events["user_id"].dropna())
    assert set(keys.loc[keys["kind"] == "anonymous_id", "identifier"]) == set(
        events["anonymous_id"]
    )


def test_shared_devices_name_no_single_person_in_the_answer_key(exported):
    result = exported("generic_product", SEEDS[0])
    world = small_world(SEEDS[0]).world
    events = world.product_events
    owners = events.groupby("device_id")["person_id"].nunique()
    shared = set(owners[owners > 1].index)
    assert shared

    keys = result.identities[result.identities["kind"] == "anonymous_id"]
    assert keys.loc[keys["identifier"].isin(shared), "person_id"].isna().all()
    assert keys.loc[~keys["identifier"].isin(shared), "person_id"].notna().all()


@pytest.mark.parametrize("seed", SEEDS)
def test_ad_spend_covers_every_paid_channel_in_major_units(exported, seed):
    result = exported("generic_ads", seed)
    company = small_world(seed).company
    spend = result.table("generic_ads_campaign_spend")
    truth = ad_spend(company)

    assert set(spend["channel"]) == set(company.config.paid_channels)
    assert float(spend["spend"].sum()) == pytest.approx(truth["spend"].sum(), abs=0.01)
    assert int(spend["clicks"].sum()) == int(truth["clicks"].sum())
    assert (spend["currency"] == "USD").all()
    assert spend.groupby("campaign_name")["campaign_id"].nunique().eq(1).all()
    assert spend["campaign_id"].nunique() == len(company.campaigns)
    assert len(result.identities) == 0


def test_ad_spend_is_written_by_the_first_chunk_only(tmp_path):
    small = small_world(SEEDS[0])
    ctx = ExportContext(company=small.company, folder=tmp_path, chunk=1, tool="generic_ads")

    identities = generic_export.export(small.world, ctx)

    assert len(identities) == 0
    assert list(tmp_path.rglob("*.csv")) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_crm_contacts_link_people_to_accounts_and_deals_to_both(exported, seed):
    result = exported("generic_crm", seed)
    world = small_world(seed).world
    contacts = result.table("generic_crm_contacts")
    accounts = result.table("generic_crm_accounts")
    deals = result.table("generic_crm_deals")

    customers = contacts[contacts["lifecycle_stage"] == "customer"]
    leads = contacts[contacts["lifecycle_stage"] == "lead"]
    assert len(world.accounts) <= len(customers) <= len(world.people)
    assert len(leads) == len(world.prospects)
    assert contacts["contact_id"].is_unique and accounts["account_id"].is_unique
    assert contacts["account_id"].isin(accounts["account_id"]).all()
    assert set(world.accounts["domain"]) <= set(accounts["domain"])
    assert deals["account_id"].isin(accounts["account_id"]).all()
    assert deals["contact_id"].isin(customers["contact_id"]).all()
    assert float(deals["amount"].sum()) == pytest.approx(world.deals["amount"].sum())
    assert (deals["is_won"] == (world.deals["stage"] == "closed_won").to_numpy()).all()
    assert deals.loc[~deals["is_closed"], "closed_at"].isna().all()

    keys = result.identities.set_index(["kind", "identifier"])
    person_of = keys.loc["contact_id", "person_id"]
    assert person_of.reindex(customers["contact_id"]).str.startswith("per_").all()
    assert person_of.reindex(leads["contact_id"]).str.startswith("prospect_").all()
    account_of = keys.loc["crm_account_id", "account_id"]
    linked = customers.assign(truth=customers["contact_id"].map(
        keys.loc["contact_id", "account_id"]))
    assert (linked["account_id"].map(account_of) == linked["truth"]).all()


def test_a_consumer_crm_holds_contacts_without_accounts(exported):
    result = exported("generic_crm", SEEDS[0], consumer=True)
    world = small_world(SEEDS[0], consumer=True).world

    contacts = result.table("generic_crm_contacts")
    assert len(contacts) == len(world.people) + len(world.prospects)
    assert contacts["account_id"].isna().all()
    assert result.reports["accounts"].rows_loaded == 0
    assert result.reports["deals"].rows_loaded == 0
    assert (result.folder / "contacts" / "contacts_0000.csv").exists()
    assert not (result.folder / "accounts").exists()


@pytest.mark.parametrize("seed", SEEDS)
def test_tickets_keep_requesters_role_addresses_and_times(exported, seed):
    result = exported("generic_support", seed)
    world = small_world(seed).world
    tickets = result.table("generic_support_tickets").sort_values("_row_number")

    assert (utc(tickets["created_at"]) == world.tickets["created_at"].to_numpy()).all()
    solved = world.tickets["solved_at"].notna().to_numpy()
    solved_at = world.tickets["solved_at"].to_numpy()
    assert (utc(tickets["solved_at"])[solved] == solved_at[solved]).all()
    assert tickets["solved_at"].isna().to_numpy()[~solved].all()
    assert tickets["ticket_id"].is_unique
    assert tickets["requester_id"].notna().all() and tickets["requester_email"].notna().all()
    assert tickets["user_id"].notna().any() and tickets["account_id"].notna().any()

    role = world.tickets["from_role_address"].to_numpy()
    keys = result.identities
    requesters = keys[keys["kind"] == "requester_id"].set_index("identifier")
    role_ids = tickets["requester_id"].to_numpy()[role]
    assert requesters.loc[role_ids, "person_id"].isna().all()
    assert requesters.loc[tickets["requester_id"].to_numpy()[~role], "person_id"].notna().all()


@pytest.mark.parametrize("seed", SEEDS)
def test_email_events_carry_metrics_sends_and_personal_addresses_only_with_a_user_id(
    exported, seed
):
    result = exported("generic_lifecycle", seed)
    world = small_world(seed).world
    events = result.table("generic_lifecycle_email_events").sort_values("_row_number")

    assert (utc(events["timestamp"]) == world.email_events["time"].to_numpy()).all()
    assert (events["metric"].value_counts().sort_index()
            == world.email_events["metric"].value_counts().sort_index()).all()
    assert events["event_id"].is_unique
    unsubscribed = events["metric"] == "unsubscribed"
    assert events.loc[unsubscribed, "message_id"].isna().all()
    assert events.loc[~unsubscribed, "message_id"].str.fullmatch(r"[0-9a-f]{24}").all()

    personal = set(world.people["personal_email"])
    with_personal = events[events["email"].isin(personal)]
    assert len(with_personal) > 0
    assert with_personal["user_id"].notna().all()


@pytest.mark.parametrize("seed", SEEDS)
def test_billing_amounts_are_major_units_and_link_to_customers(exported, seed):
    result = exported("generic_billing", seed)
    world = small_world(seed).world
    customers = result.table("generic_billing_customers")
    subscriptions = result.table("generic_billing_subscriptions")
    invoices = result.table("generic_billing_invoices").sort_values("_row_number")

    assert customers["customer_id"].is_unique
    assert subscriptions["customer_id"].isin(customers["customer_id"]).all()
    assert invoices["subscription_id"].isin(subscriptions["subscription_id"]).all()
    assert float(invoices["amount_due"].sum()) == pytest.approx(
        world.invoices["amount_cents"].sum() / 100
    )
    paid = world.invoices["status"].to_numpy() == "paid"
    assert (invoices["amount_paid"].to_numpy()[~paid] == 0).all()
    assert (utc(invoices["paid_at"])[paid] == world.invoices["paid_at"].to_numpy()[paid]).all()
    assert (subscriptions["status"].value_counts().sort_index()
            == world.subscriptions["status"].value_counts().sort_index()).all()
    mrr = (subscriptions["quantity"] * subscriptions["unit_amount"].astype(float)).sum()
    truth = (world.subscriptions["quantity"] * world.subscriptions["unit_amount_cents"]).sum()
    assert mrr == pytest.approx(truth / 100)

    keys = result.identities
    emails = keys[keys["kind"] == "email"]
    role = emails["identifier"].str.startswith("billing@")
    assert role.any() and emails.loc[role, "person_id"].isna().all()
    assert set(keys.loc[keys["kind"] == "customer_id", "identifier"]) == set(
        customers["customer_id"]
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_survey_responses_keep_scores_and_respondents(exported, seed):
    result = exported("generic_surveys", seed)
    world = small_world(seed).world
    responses = result.table("generic_surveys_responses").sort_values("_row_number")

    assert (responses["score"].to_numpy() == world.survey_responses["score"].to_numpy()).all()
    assert (utc(responses["created_at"]) == world.survey_responses["created_at"].to_numpy()).all()
    assert responses["response_id"].is_unique
    assert responses["email"].notna().all()
    keys = result.identities
    assert set(keys.loc[keys["kind"] == "email", "identifier"]) == set(responses["email"])


def test_ids_stay_unique_across_the_chunks_of_a_demo(tmp_path, warehouse):
    small = small_world(SEEDS[0])
    second = simulate_chunk(small.company, 1, 400, 800)
    for family, name, key in (("product", "events", "event_id"),
                              ("support", "tickets", "ticket_id"),
                              ("lifecycle", "email_events", "event_id"),
                              ("surveys", "responses", "response_id")):
        tool = f"generic_{family}"
        for chunk, world in enumerate((small.world, second)):
            ctx = ExportContext(company=small.company, folder=tmp_path / tool, chunk=chunk,
                                tool=tool)
            generic_export.export(world, ctx)
        (obj,) = generic.objects(family, "csv")
        report = load_object(warehouse, obj, tmp_path / tool)

        assert len(report.loaded) == 2 and report.rows_quarantined == 0
        ids = table(warehouse, obj.table)[key]
        assert ids.is_unique, name


# --- files a company writes by hand ---------------------------------------------------------


def test_a_bad_csv_row_is_quarantined_with_its_line_and_field(tmp_path, warehouse):
    folder = tmp_path / "generic_support"
    (folder / "tickets").mkdir(parents=True)
    (folder / "tickets" / "zendesk_dump.csv").write_text(
        "ticket_id,requester_email,created_at,solved_at,status\n"
        "1,ann@example.com,2025-06-01T09:00:00Z,,open\n"
        "2,bob@example.com,2025-06-01 10:00:00,2025-06-01 12:30:00+02:00,solved\n"
        "3,carl@example.com,2025-06-01T11:00:00Z,solved\n"
        "4,dana@example.com,yesterday,,open\n"
        ",erin@example.com,2025-06-01T12:00:00Z,,open\n"
        '"0005","Fay, Ops <fay@example.com>","2025-06-02T00:00:00Z",,"open"\n'
    )
    (obj,) = generic.objects("support", "csv")

    report = load_object(warehouse, obj, folder)

    assert report.rows_loaded == 3 and report.rows_quarantined == 3
    assert quarantine(warehouse, obj.table) == [
        (4, None, "expected 5 fields, found 4"),
        (5, "created_at", "created_at: unparsable timestamp: yesterday"),
        (6, "ticket_id", "ticket_id: missing required field"),
    ]
    tickets = table(warehouse, obj.table).set_index("ticket_id")
    assert list(tickets.index) == ["1", "2", "0005"]
    assert tickets.loc["2", "created_at"] == pd.Timestamp("2025-06-01 10:00:00")
    assert tickets.loc["2", "solved_at"] == pd.Timestamp("2025-06-01 10:30:00")
    assert tickets.loc["0005", "requester_email"] == "Fay, Ops <fay@example.com>"
    assert pd.isna(tickets.loc["1", "priority"])


def test_properties_that_are_not_a_json_object_quarantine_their_row(tmp_path, warehouse):
    folder = tmp_path / "generic_product"
    (folder / "events").mkdir(parents=True)
    (folder / "events" / "events.csv").write_text(
        "event_id,event,timestamp,user_id,properties\n"
        'e1,signed_up,2025-06-01T09:00:00Z,u1,"{""plan"": ""team"", ""seats"": 3}"\n'
        "e2,page_viewed,2025-06-01T09:01:00Z,,\n"
        'e3,page_viewed,2025-06-01T09:02:00Z,,"{path: /pricing"\n'
        'e4,page_viewed,2025-06-01T09:03:00Z,,"[1, 2]"\n'
    )
    (obj,) = generic.objects("product", "csv")

    report = load_object(warehouse, obj, folder)

    assert report.rows_loaded == 2
    rows = quarantine(warehouse, obj.table)
    assert [(number, field) for number, field, _ in rows] == [(4, None), (5, None)]
    assert rows[0][2] == "properties: expected a JSON object, found '{path: /pricing'"
    plan = warehouse.execute(
        "SELECT properties->>'plan', CAST(properties->>'seats' AS INT) "
        "FROM raw.generic_product_events WHERE event_id = 'e1'"
    ).fetchall()
    assert plan == [("team", 3)]


def test_gzipped_csv_files_load_like_plain_ones(tmp_path, warehouse):
    folder = tmp_path / "generic_surveys"
    (folder / "responses").mkdir(parents=True)
    text = ("response_id,email,score,comment,created_at\n"
            'r1,ann@example.com,9,"Great, fast",2025-06-17T16:00:00Z\n'
            "r2,bob@example.com,4,,2025-06-18\n")
    (folder / "responses" / "nps_2025-06.csv.gz").write_bytes(gzip.compress(text.encode()))
    (obj,) = generic.objects("surveys", "csv")

    report = load_object(warehouse, obj, folder)

    assert report.rows_loaded == 2 and report.rows_quarantined == 0
    responses = table(warehouse, obj.table)
    assert responses["comment"].tolist()[0] == "Great, fast"
    assert responses["created_at"].tolist()[1] == pd.Timestamp("2025-06-18")


@pytest.mark.parametrize("compress", [False, True])
def test_a_csv_saved_with_a_byte_order_mark_and_windows_line_ends_loads_whole(
    tmp_path, warehouse, compress
):
    """Excel's "CSV UTF-8" starts the file with a byte order mark, which would otherwise
    rename the first column and leave every row without its id."""
    folder = tmp_path / "generic_surveys"
    (folder / "responses").mkdir(parents=True)
    text = ("response_id,email,score,comment,created_at\r\n"
            'r1,ann@example.com,9,"two\r\nlines",2025-06-17T16:00:00Z\r\n'
            "r2,bob@example.com,4,,2025-06-18\r\n")
    data = text.encode("utf-8-sig")
    name = "nps.csv.gz" if compress else "nps.csv"
    (folder / "responses" / name).write_bytes(gzip.compress(data) if compress else data)
    (obj,) = generic.objects("surveys", "csv")

    report = load_object(warehouse, obj, folder)

    assert report.rows_loaded == 2 and report.rows_quarantined == 0
    responses = table(warehouse, obj.table)
    assert responses["response_id"].tolist() == ["r1", "r2"]
    assert responses["comment"].tolist()[0] == "two\r\nlines"


def test_a_parquet_file_from_pandas_loads_with_native_types(tmp_path, warehouse):
    folder = tmp_path / "generic_surveys"
    (folder / "responses").mkdir(parents=True)
    pd.DataFrame(
        {
            "response_id": [42, 43, 44],
            "email": ["ann@example.com", "bob@example.com", None],
            "score": pd.array([10, None, 7], dtype="Int64"),
            "created_at": pd.to_datetime(  # nanoseconds, no zone: pandas' own default
                ["2025-06-17 16:00:00.250000001", "2025-06-18 08:00:00", "2025-06-19 00:00:00"],
                format="ISO8601",
            ),
            "extra_column": ["ignored", "ignored", "ignored"],
        }
    ).to_parquet(folder / "responses" / "export.parquet")
    (obj,) = generic.objects("surveys", "parquet")

    report = load_object(warehouse, obj, folder)

    assert report.rows_loaded == 2
    assert quarantine(warehouse, obj.table) == [(2, "score", "score: missing required field")]
    responses = table(warehouse, obj.table)
    assert responses["response_id"].tolist() == ["42", "44"]
    assert responses["created_at"].tolist()[0] == pd.Timestamp("2025-06-17 16:00:00.250")


def test_a_file_that_is_not_parquet_is_reported_unreadable(tmp_path, warehouse):
    folder = tmp_path / "generic_billing"
    (folder / "customers").mkdir(parents=True)
    (folder / "customers" / "customers.parquet").write_text("customer_id\ncus_1\n")
    customers = generic.objects("billing", "parquet")[0]

    report = load_object(warehouse, customers, folder)

    assert report.rows_loaded == 0
    assert len(report.unreadable) == 1
    assert "not a Parquet file" in report.unreadable[0].reason


def test_a_semicolon_separated_csv_is_refused_naming_the_separator(tmp_path, warehouse):
    folder = tmp_path / "generic_surveys"
    (folder / "responses").mkdir(parents=True)
    (folder / "responses" / "nps.csv").write_text(
        "response_id;email;score;comment;created_at\nr1;ann@example.com;9;;2025-06-17\n")
    (obj,) = generic.objects("surveys", "csv")

    report = load_object(warehouse, obj, folder)

    assert report.rows_loaded == 0 and report.rows_quarantined == 0
    assert len(report.unreadable) == 1
    assert "looks semicolon-separated" in report.unreadable[0].reason
    assert (folder / "responses" / "nps.csv").exists()


# --- the documented contract ----------------------------------------------------------------


def documented_columns(markdown: str) -> dict[tuple[str, str], list[tuple[str, bool]]]:
    """(family, object) -> [(column, required)] as the Markdown tables list them."""
    found: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    family = current = None
    for line in markdown.splitlines():
        if heading := re.match(r"#+ (\w+) \(`generic_\w+`\)$", line):
            family = heading.group(1)
        elif section := re.match(r"\*\*`(\w+)`\*\*", line):
            current = (family, section.group(1))
            found[current] = []
        elif (row := re.match(r"\| `(\w+)` \| [^|]+ \| (yes)? \|", line)) and current:
            found[current].append((row.group(1), row.group(2) == "yes"))
    return found


def test_the_markdown_contract_lists_every_column_of_every_object():
    documented = documented_columns(generic.contract_markdown())

    expected = {
        (family, spec.name): [(c.name, c.required) for c in spec.columns]
        for family, specs in generic.CONTRACT.items()
        for spec in specs
    }
    assert documented == expected
    assert all(c.description for specs in generic.CONTRACT.values() for s in specs
               for c in s.columns)


def test_the_markdown_contract_states_the_conventions_and_can_be_cut_to_a_family():
    markdown = generic.contract_markdown(("billing",))

    assert "without a zone is UTC" in markdown and "major units" in markdown
    assert set(f for f, _ in documented_columns(markdown)) == {"billing"}
    with pytest.raises(KeyError, match="no generic contract for family 'erp'"):
        generic.contract_markdown(("erp",))


def test_the_suggested_columns_are_in_the_contract():
    names = {
        (family, spec.name): {c.name for c in spec.columns}
        for family, specs in generic.CONTRACT.items()
        for spec in specs
    }
    assert {"event_id", "user_id", "anonymous_id", "email", "event", "timestamp",
            "workspace_id", "utm_source", "utm_medium", "utm_campaign", "click_id",
            "properties"} <= names["product", "events"]
    assert {"date", "campaign_id", "campaign_name", "channel", "spend", "currency", "clicks",
            "impressions", "conversions"} <= names["ads", "campaign_spend"]
    assert {"deal_id", "account_id", "amount", "currency", "stage", "is_won", "is_closed",
            "created_at", "closed_at"} <= names["crm", "deals"]
    assert {"subscription_id", "customer_id", "plan", "status", "quantity", "unit_amount",
            "currency", "started_at", "trial_end", "canceled_at", "ended_at"} <= names[
        "billing", "subscriptions"]
    assert {"invoice_id", "customer_id", "subscription_id", "status", "amount_due",
            "amount_paid", "currency", "period_start", "period_end", "paid_at"} <= names[
        "billing", "invoices"]


# --- wiring ---------------------------------------------------------------------------------


def test_a_stack_that_says_parquet_reads_parquet_files():
    stack = parse_stack({"crm": "generic", "generic": {"crm": {"name": "pipedrive",
                                                               "format": "parquet"}}})

    objects = tool_objects("generic_crm", stack)

    assert [o.table for o in objects] == [
        "generic_crm_contacts", "generic_crm_accounts", "generic_crm_deals"
    ]
    assert all(o.patterns == (f"{o.name}/*.parquet",) for o in objects)
    assert all(o.family == "crm" for o in objects)
    assert tool_objects("generic_crm")[0].patterns == ("contacts/*.csv", "contacts/*.csv.gz")


def test_every_generic_tool_exports_per_chunk_through_the_one_module():
    for family in FAMILIES:
        module = exporter(f"generic_{family}")
        assert module is generic_export
        assert not hasattr(module, "export_company")  # the demo then calls export per chunk


def test_unknown_families_and_formats_are_refused(tmp_path):
    with pytest.raises(KeyError, match="no generic contract for family 'erp'"):
        generic.objects("erp", "csv")
    with pytest.raises(ValueError, match="not 'xlsx'"):
        generic.objects("crm", "xlsx")
    small = small_world(SEEDS[0])
    ctx = ExportContext(company=small.company, folder=tmp_path, chunk=0, tool="generic_crm")
    with pytest.raises(ValueError, match="not 'json'"):
        generic_export.export_as(small.world, ctx, "json")


def test_csv_header_names_match_the_contract_ignoring_case_and_spaces(tmp_path, warehouse):
    folder = tmp_path / "generic_surveys"
    (folder / "responses").mkdir(parents=True)
    (folder / "responses" / "nps.csv").write_text(
        "Response_ID, Email ,SCORE,comment,Created_At\nr1,ann@example.com,9,,2025-06-17\n"
    )
    (obj,) = generic.objects("surveys", "csv")

    report = load_object(warehouse, obj, folder)

    assert report.rows_loaded == 1 and report.rows_quarantined == 0
    row = table(warehouse, obj.table).iloc[0]
    assert (row["response_id"], row["email"], row["score"]) == ("r1", "ann@example.com", 9)
