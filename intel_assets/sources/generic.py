"""The generic file contract of every source family: plain files a company writes itself.

A company whose tool is not listed, or that would rather export a table from its warehouse,
names `generic` for the family in the stack file and drops files into the tool's landing
folder: `<landing>/generic_<family>/<object>/*.csv` (or `*.csv.gz`), or `*.parquet` when the
stack says `format: parquet`. The objects and columns below, with the rules of
`CONVENTIONS`, are the whole contract; `contract_markdown()` prints it for the documentation.

A row that breaks the contract (a required value missing, a value that does not parse as its
type, a CSV row with the wrong number of fields) is quarantined with its row number, field and
reason, and the other rows load. The raw tables keep the contract's columns as they are;
what the pipeline cannot check here is said where it bites: product and email events name
their person by `user_id`, `anonymous_id` or `email`, any of them, so a row with none of
them loads but belongs to nobody.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from intel_assets.sources.readers import csv_rows
from intel_assets.sources.spec import Column, Kind, RawObject, Reader, Record, UnreadableFile
from intel_assets.stack import GENERIC_FORMATS, GENERIC_TOOL_PREFIX

CONVENTIONS: tuple[str, ...] = (
    "Column names are plain snake_case. A CSV header is matched ignoring case and the spaces "
    "around a name (`Email ` is `email`); Parquet names must match exactly. A column may be "
    "left out or left empty unless it is required; columns the contract does not name are "
    "ignored.",
    "Timestamps are ISO 8601 (`2025-06-01T09:10:12Z`, `2025-06-01 11:10:12+02:00`); a "
    "timestamp without a zone is UTC. Dates are `YYYY-MM-DD`.",
    "Money is a decimal in major units (`12.50` dollars, not `1250` cents), beside a "
    "`currency` column with the ISO 4217 code; a missing code means the company's reporting "
    "currency.",
    "Ids are strings, whatever they look like: `00042` stays `00042`.",
    "Booleans are `true`/`false`, `yes`/`no` or `1`/`0`, in any case.",
    "`properties` holds a JSON object: in CSV as JSON text in the cell, in Parquet as JSON "
    "text or a struct.",
    "CSV files are comma-separated with a header row, are UTF-8 (with or without a byte "
    "order mark) and may be gzip-compressed; a file that looks semicolon-, tab- or "
    "pipe-separated is refused whole, naming the separator. Quarantine row "
    "numbers are physical lines, the header being line 1 (a row whose quoted cell spans "
    "lines is numbered by its last line).",
    "Parquet files may use native types (timestamp, date, decimal, boolean, integer) or "
    "strings in the forms above; row numbers count from 1.",
)


@dataclass(frozen=True)
class GenericObject:
    """One object of a family's contract: its files are `<name>/*.<format>`."""

    name: str
    description: str
    columns: tuple[Column, ...]
    business_only: bool = False


def _col(
    name: str, kind: Kind = "string", description: str = "", *, required: bool = False
) -> Column:
    """A contract column reads the field of the same name, wherever it sits in the row."""
    return Column(name, name, kind, required=required, description=description)


_CURRENCY = _col("currency", description="ISO 4217 code of the amounts (`USD`, `EUR`).")


# --- product --------------------------------------------------------------------------------

EVENTS = GenericObject(
    name="events",
    description="Product analytics events, one row per event (a track call, a page view).",
    columns=(
        _col("event_id", required=True,
             description="Unique id of the event; rows repeating an id are one event sent "
                         "twice, and staging keeps one."),
        _col("event", required=True, description="Event name as the product records it "
                                                  "(`signed_up`, `report_created`)."),
        _col("timestamp", "timestamp", "When the event happened.", required=True),
        _col("user_id", description="The app's own user id, once the user is known (after "
                                    "sign-up or login)."),
        _col("anonymous_id", description="Device or cookie id, before and alongside the user "
                                         "id: it ties pre-signup visits to the user."),
        _col("email", description="The user's email where the event carries it (sign-up, "
                                  "identify)."),
        _col("workspace_id", description="The app's account, team or workspace the user acted "
                                         "in: the link from a person to a customer."),
        _col("utm_source", description="`utm_source` of the landing URL (`google`)."),
        _col("utm_medium", description="`utm_medium` of the landing URL (`cpc`)."),
        _col("utm_campaign", description="`utm_campaign` of the landing URL: the ad campaign's "
                                         "name, as `campaign_spend` names it."),
        _col("click_id", description="Ad click id of the landing URL (gclid, fbclid, "
                                     "li_fat_id)."),
        _col("referrer", description="Referring URL of the visit."),
        _col("properties", "json", "Any other event properties, as a JSON object."),
    ),
)

# --- ads ------------------------------------------------------------------------------------

CAMPAIGN_SPEND = GenericObject(
    name="campaign_spend",
    description="Advertising spend and delivery, one row per campaign per day.",
    columns=(
        _col("date", "date", "The day the spend was incurred.", required=True),
        _col("campaign_id", required=True, description="The ad network's campaign id."),
        _col("campaign_name", description="Campaign name; product events carry it as "
                                          "`utm_campaign`."),
        _col("channel", description="The ad network (`google_ads`, `meta_ads`, `tiktok_ads`); "
                                    "missing means the name of the generic source."),
        _col("spend", "decimal", "Amount spent that day, in major units of `currency`.",
             required=True),
        _CURRENCY,
        _col("clicks", "integer", "Clicks that day."),
        _col("impressions", "integer", "Impressions that day."),
        _col("conversions", "float", "Conversions the ad network reports (may be fractional, "
                                     "as attribution models split them)."),
    ),
)

# --- crm ------------------------------------------------------------------------------------

CONTACTS = GenericObject(
    name="contacts",
    description="CRM contacts (people), customers and prospects alike.",
    columns=(
        _col("contact_id", required=True, description="The CRM's id of the contact."),
        _col("email", description="The contact's email."),
        _col("first_name", description="Given name."),
        _col("last_name", description="Family name."),
        _col("account_id", description="The CRM account (company) of the contact, as "
                                       "`accounts.account_id`; empty for a consumer business."),
        _col("user_id", description="The app's user id, where the CRM stores it."),
        _col("lifecycle_stage", description="`lead`, `opportunity`, `customer`, ... as the CRM "
                                            "names it."),
        _col("created_at", "timestamp", "When the contact was created in the CRM.",
             required=True),
    ),
)

ACCOUNTS = GenericObject(
    name="accounts",
    description="CRM accounts (companies). A consumer business may leave this object out.",
    columns=(
        _col("account_id", required=True, description="The CRM's id of the account."),
        _col("name", description="Company name."),
        _col("domain", description="Company web domain (`northwind.com`): it links the account "
                                   "to the people whose email is at that domain."),
        _col("industry", description="Industry as the CRM names it."),
        _col("country", description="ISO 3166 country code (`US`)."),
        _col("employees", "integer", "Number of employees."),
        _col("created_at", "timestamp", "When the account was created in the CRM.",
             required=True),
    ),
    business_only=True,
)

DEALS = GenericObject(
    name="deals",
    description="CRM deals (opportunities), open and closed.",
    columns=(
        _col("deal_id", required=True, description="The CRM's id of the deal."),
        _col("account_id", description="The account of the deal, as `accounts.account_id`."),
        _col("contact_id", description="The deal's main contact, as `contacts.contact_id`."),
        _col("name", description="Deal name."),
        _col("amount", "decimal", "Deal value in major units of `currency`."),
        _CURRENCY,
        _col("stage", description="Pipeline stage as the CRM names it."),
        _col("is_won", "boolean", "Whether the deal was won."),
        _col("is_closed", "boolean", "Whether the deal is closed, won or lost."),
        _col("created_at", "timestamp", "When the deal was created.", required=True),
        _col("closed_at", "timestamp", "When the deal closed; empty while open."),
    ),
    business_only=True,
)

# --- support --------------------------------------------------------------------------------

TICKETS = GenericObject(
    name="tickets",
    description="Support tickets (conversations), one row per ticket in its latest state.",
    columns=(
        _col("ticket_id", required=True, description="The support tool's id of the ticket."),
        _col("requester_id", description="The support tool's id of the person who asked."),
        _col("requester_email", description="The requester's email; may be a shared address "
                                            "such as `support@customer.com`."),
        _col("user_id", description="The app's user id, where the ticket came from inside "
                                    "the app."),
        _col("account_id", description="The customer account as the support tool knows it: "
                                       "best the app's workspace id."),
        _col("created_at", "timestamp", "When the ticket was opened.", required=True),
        _col("solved_at", "timestamp", "When the ticket was solved; empty while open."),
        _col("status", description="`new`, `open`, `pending`, `solved` or `closed`."),
        _col("priority", description="`urgent`, `high`, `normal` or `low`."),
        _col("category", description="Topic or tag (`billing`, `bug`, `how_to`)."),
        _col("channel", description="Where the ticket came from (`email`, `web`, `chat`)."),
        _col("subject", description="Subject line."),
        _col("satisfaction", description="Satisfaction rating, `good` or `bad`; empty when not "
                                         "rated."),
    ),
)

# --- lifecycle ------------------------------------------------------------------------------

EMAIL_EVENTS = GenericObject(
    name="email_events",
    description="Lifecycle email activity, one row per recipient event (a send, an open).",
    columns=(
        _col("event_id", required=True, description="Unique id of the event; repeated ids are "
                                                     "one event sent twice."),
        _col("message_id", description="The delivery the event belongs to: a send and its "
                                       "opens and clicks share it."),
        _col("email", description="The recipient's email."),
        _col("user_id", description="The app's user id of the recipient, where the tool has "
                                    "it."),
        _col("campaign", description="Campaign, newsletter or automated message name."),
        _col("metric", required=True, description="`sent`, `delivered`, `opened`, `clicked`, "
                                                  "`bounced` or `unsubscribed`."),
        _col("timestamp", "timestamp", "When it happened.", required=True),
    ),
)

# --- billing --------------------------------------------------------------------------------

CUSTOMERS = GenericObject(
    name="customers",
    description="Billing customers: whoever pays, usually one per customer account.",
    columns=(
        _col("customer_id", required=True, description="The billing system's customer id."),
        _col("email", description="Billing email; may be a role address (`billing@…`)."),
        _col("name", description="Customer (company or person) name."),
        _col("user_id", description="The app's user id of the person who set up billing, where "
                                    "known."),
        _col("workspace_id", description="The app's workspace id the customer pays for, where "
                                         "known."),
        _col("created_at", "timestamp", "When the customer was created.", required=True),
    ),
)

SUBSCRIPTIONS = GenericObject(
    name="subscriptions",
    description="Subscriptions of every status, one row per subscription in its latest state.",
    columns=(
        _col("subscription_id", required=True, description="The billing system's id."),
        _col("customer_id", required=True, description="As `customers.customer_id`."),
        _col("plan", description="Plan or price name (`team`)."),
        _col("status", required=True, description="`trialing`, `active`, `past_due`, "
                                                   "`canceled` or `unpaid`."),
        _col("quantity", "integer", "Seats or units; missing means 1."),
        _col("unit_amount", "decimal", "Price per unit per interval, in major units of "
                                       "`currency`."),
        _CURRENCY,
        _col("interval", description="`month` or `year`; missing means `month`."),
        _col("started_at", "timestamp", "When the subscription started.", required=True),
        _col("trial_end", "timestamp", "When the trial ends or ended."),
        _col("canceled_at", "timestamp", "When cancellation was requested."),
        _col("ended_at", "timestamp", "When the subscription stopped; empty while live."),
    ),
)

INVOICES = GenericObject(
    name="invoices",
    description="Invoices, one row per invoice in its latest state.",
    columns=(
        _col("invoice_id", required=True, description="The billing system's id."),
        _col("customer_id", required=True, description="As `customers.customer_id`."),
        _col("subscription_id", description="As `subscriptions.subscription_id`; empty for a "
                                            "one-off invoice."),
        _col("status", required=True, description="`draft`, `open`, `paid`, `uncollectible` "
                                                  "or `void`."),
        _col("amount_due", "decimal", "Total due, in major units of `currency`."),
        _col("amount_paid", "decimal", "Total paid so far, in major units of `currency`."),
        _CURRENCY,
        _col("created_at", "timestamp", "When the invoice was issued.", required=True),
        _col("period_start", "timestamp", "Start of the service period billed."),
        _col("period_end", "timestamp", "End of the service period billed."),
        _col("paid_at", "timestamp", "When it was paid; empty while unpaid."),
    ),
)

# --- surveys --------------------------------------------------------------------------------

RESPONSES = GenericObject(
    name="responses",
    description="Survey answers (NPS, CSAT), one row per response.",
    columns=(
        _col("response_id", required=True, description="The survey tool's id of the response."),
        _col("email", description="The respondent's email."),
        _col("user_id", description="The app's user id of the respondent, where the survey ran "
                                    "in the app."),
        _col("score", "integer", "The score: 0-10 for NPS, 1-5 for CSAT.", required=True),
        _col("comment", description="Free-text answer."),
        _col("survey_type", description="`nps`, `csat` or `ces`; missing means `nps`."),
        _col("created_at", "timestamp", "When the response was given.", required=True),
    ),
)

CONTRACT: dict[str, tuple[GenericObject, ...]] = {
    "product": (EVENTS,),
    "ads": (CAMPAIGN_SPEND,),
    "crm": (CONTACTS, ACCOUNTS, DEALS),
    "support": (TICKETS,),
    "lifecycle": (EMAIL_EVENTS,),
    "billing": (CUSTOMERS, SUBSCRIPTIONS, INVOICES),
    "surveys": (RESPONSES,),
}


def _patterns(name: str, file_format: str) -> tuple[str, ...]:
    if file_format == "csv":
        return (f"{name}/*.csv", f"{name}/*.csv.gz")
    return (f"{name}/*.parquet",)


def parquet_records(batch_rows: int = 100_000) -> Reader:
    """Parquet rows as JSON text rendered by DuckDB, in the file's order.

    `readers.parquet_rows()` builds a Python object for every value (`to_pylist`) and
    serialises them again, about 25 seconds per million product events here; DuckDB's
    `to_json` does the same in C++ in a few seconds, and streams in batches so that a large
    file never sits in memory whole. Values keep their JSON types (numbers, booleans,
    structs as objects); times come out as `2025-06-01 09:10:12+00`, which the timestamp
    columns read like any ISO 8601 time. One difference from `parquet_rows()`: a float NaN
    stays NaN rather than becoming null, so it loads into a float column as NaN and is
    refused by a decimal one ("unparsable decimal: NaN"); pandas writes missing floats as
    nulls, so only files from elsewhere can meet this.
    """

    def read(path: Path) -> Iterator[Record]:
        import duckdb

        source = "'" + str(path).replace("'", "''") + "'"
        with duckdb.connect() as con:
            con.execute("SET TimeZone = 'UTC'")
            con.execute("SET enable_progress_bar = false")
            try:
                batches = con.sql(f"SELECT to_json(p) FROM read_parquet({source}) AS p")
                stream = batches.to_arrow_reader(batch_rows)
            except duckdb.Error as error:
                raise UnreadableFile(path, f"not a Parquet file ({error})") from error
            number = 0
            try:
                for batch in stream:
                    for text in batch.column(0).to_pylist():
                        number += 1
                        yield Record(number, text)
            except (duckdb.Error, OSError) as error:
                raise UnreadableFile(path, f"Parquet data cannot be decoded ({error})") from error

    return read


def _json_cell(reader: Reader, name: str) -> Reader:
    """Decodes JSON text held in a cell into the value itself, so that a `json` column holds
    the same object whether the file was CSV (text in a cell) or Parquet (text or a struct).

    Only records whose cell is a JSON string are parsed again, found by a substring test, so
    rows without properties cost nothing more.
    """
    marker = f'"{name}":"'

    def read(path: Path) -> Iterator[Record]:
        for record in reader(path):
            text = record.text
            if text is None or marker not in text or record.error is not None:
                yield record
            else:
                yield _decoded(record, text, name)

    return read


def _decoded(record: Record, text: str, name: str) -> Record:
    """The record with its JSON-text cell replaced by the object. A cell that is not a JSON
    object quarantines the row; the quarantine then names no field, as for any reader error,
    so the reason starts with the column's name."""
    row = orjson.loads(text)
    cell = row.get(name)
    if not isinstance(cell, str):
        return record
    try:
        value = orjson.loads(cell)
    except orjson.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        return Record(record.row_number, text, f"{name}: expected a JSON object, found "
                                               f"{cell[:80]!r}")
    row[name] = value
    return Record(record.row_number, orjson.dumps(row).decode())


def objects(family: str, file_format: str = "csv") -> tuple[RawObject, ...]:
    """The raw objects of a family's generic contract, read from CSV or Parquet files."""
    if family not in CONTRACT:
        raise KeyError(f"no generic contract for family {family!r}; families are "
                       f"{sorted(CONTRACT)}")
    if file_format not in GENERIC_FORMATS:
        raise ValueError(f"generic files are one of {GENERIC_FORMATS}, not {file_format!r}")

    base = csv_rows(fold_header=True) if file_format == "csv" else parquet_records()
    built = []
    for spec in CONTRACT[family]:
        reader = base
        for column in spec.columns:
            if column.kind == "json":
                reader = _json_cell(reader, column.name)
        built.append(
            RawObject(
                tool=GENERIC_TOOL_PREFIX + family,
                name=spec.name,
                family=family,
                reader=reader,
                patterns=_patterns(spec.name, file_format),
                columns=spec.columns,
                description=spec.description,
                business_only=spec.business_only,
            )
        )
    return tuple(built)


_KIND_TEXT: dict[str, str] = {
    "string": "string",
    "integer": "integer",
    "float": "number",
    "decimal": "decimal",
    "boolean": "boolean",
    "timestamp": "timestamp (ISO 8601)",
    "date": "date (YYYY-MM-DD)",
    "json": "JSON object",
}


def contract_markdown(families: tuple[str, ...] | None = None, *, heading: int = 3) -> str:
    """The contract as Markdown for the README and the docs: the conventions, then a heading
    per family and a table per object (column, type, required, description), so the
    documentation cannot drift from what the loader checks."""
    marks = "#" * heading
    lines = [f"{marks} Conventions", "", *(f"- {rule}" for rule in CONVENTIONS), ""]
    for family in families or tuple(CONTRACT):
        if family not in CONTRACT:
            raise KeyError(f"no generic contract for family {family!r}")
        lines.append(f"{marks} {family} (`{GENERIC_TOOL_PREFIX}{family}`)")
        lines.append("")
        for spec in CONTRACT[family]:
            lines.append(
                f"**`{spec.name}`**: {spec.description} Files: `{spec.name}/*.csv` "
                f"(or `.csv.gz`) or `{spec.name}/*.parquet`."
            )
            lines.append("")
            lines.append("| column | type | required | description |")
            lines.append("|---|---|---|---|")
            for column in spec.columns:
                text = column.description.replace("|", "\\|")
                required = "yes" if column.required else ""
                lines.append(
                    f"| `{column.name}` | {_KIND_TEXT[column.kind]} | {required} | {text} |"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
