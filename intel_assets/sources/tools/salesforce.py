"""Salesforce Bulk API 2.0 query results: Account, Contact, Lead and Opportunity as CSV.

Each object's folder holds the result sets of its query jobs (`<Object>/*.csv`, plain or
gzip), every one with its own header row of API field names; a row becomes a record keyed by
those names, an empty cell a null. Times are ISO UTC (`2024-06-03T14:22:09.000Z`, `+0000`
accepted), dates `YYYY-MM-DD`, booleans `true`/`false`, `Amount` a plain decimal in the
record's currency (single-currency orgs only: with multi-currency on, amounts of different
currencies would add up wrongly, as `CurrencyIsoCode` is not kept).

Ids stay the 18-character case-safe form, so they compare exactly. `Contact.AccountId` links a
contact to its account (empty for a private contact: a consumer business has no accounts);
a converted lead names the contact, account and opportunity it became; the account's domain
comes from `Website`, which reps type in several styles (`https://www.…`, `www.…`, `…/`), so
staging strips scheme, `www.` and path. `Industry` keeps the org's picklist value;
`dbt/seeds/crm_industry_labels.csv` maps it to the product's industry labels.
`BillingCountryCode` is the ISO code the region comes from (orgs without state and country
picklists have only the free-text `BillingCountry`, which would need a name mapping).
"""

from __future__ import annotations

from intel_assets.sources.readers import csv_rows
from intel_assets.sources.spec import Column, RawObject

_READER = csv_rows()


def _modstamps() -> tuple[Column, ...]:
    return (
        Column("created_date", "CreatedDate", "timestamp", required=True),
        Column("last_modified_date", "LastModifiedDate", "timestamp"),
    )


ACCOUNTS = RawObject(
    tool="salesforce",
    name="accounts",
    family="crm",
    reader=_READER,
    patterns=("Account/*.csv", "Account/*.csv.gz"),
    description="Salesforce Account records, one row per account of each result set.",
    columns=(
        Column("id", "Id", required=True, description="Account Id (001…, 18 characters)."),
        Column("name", "Name"),
        Column("website", "Website", description="As typed; the account's domain lives here."),
        Column("industry", "Industry", description="Industry picklist value of the org."),
        Column("type", "Type"),
        Column("billing_country", "BillingCountry"),
        Column("billing_country_code", "BillingCountryCode", description="ISO 3166 alpha-2."),
        Column("number_of_employees", "NumberOfEmployees", "integer"),
        *_modstamps(),
    ),
    business_only=True,
)

CONTACTS = RawObject(
    tool="salesforce",
    name="contacts",
    family="crm",
    reader=_READER,
    patterns=("Contact/*.csv", "Contact/*.csv.gz"),
    description="Salesforce Contact records with their account link.",
    columns=(
        Column("id", "Id", required=True, description="Contact Id (003…)."),
        Column("account_id", "AccountId", description="Account Id; empty for a private contact."),
        Column("first_name", "FirstName"),
        Column("last_name", "LastName"),
        Column("email", "Email", description="Not unique; case and plus-addresses vary."),
        *_modstamps(),
    ),
)

LEADS = RawObject(
    tool="salesforce",
    name="leads",
    family="crm",
    reader=_READER,
    patterns=("Lead/*.csv", "Lead/*.csv.gz"),
    description="Salesforce Lead records, converted or not.",
    columns=(
        Column("id", "Id", required=True, description="Lead Id (00Q…)."),
        Column("first_name", "FirstName"),
        Column("last_name", "LastName"),
        Column("email", "Email"),
        Column("company", "Company", description="Free text; no account link until converted."),
        Column("status", "Status"),
        Column("lead_source", "LeadSource"),
        Column("is_converted", "IsConverted", "boolean"),
        Column("converted_date", "ConvertedDate", "date"),
        Column("converted_contact_id", "ConvertedContactId"),
        Column("converted_account_id", "ConvertedAccountId"),
        Column("converted_opportunity_id", "ConvertedOpportunityId",
               description="Empty when the conversion created no opportunity."),
        *_modstamps(),
    ),
)

OPPORTUNITIES = RawObject(
    tool="salesforce",
    name="opportunities",
    family="crm",
    reader=_READER,
    patterns=("Opportunity/*.csv", "Opportunity/*.csv.gz"),
    description="Salesforce Opportunity records; Amount in the record's currency.",
    columns=(
        Column("id", "Id", required=True, description="Opportunity Id (006…)."),
        Column("account_id", "AccountId"),
        Column("name", "Name"),
        Column("type", "Type"),
        Column("stage_name", "StageName"),
        Column("amount", "Amount", "decimal"),
        Column("probability", "Probability", "decimal", description="Percent, 0 to 100."),
        Column("close_date", "CloseDate", "date"),
        Column("is_closed", "IsClosed", "boolean"),
        Column("is_won", "IsWon", "boolean"),
        *_modstamps(),
    ),
    business_only=True,
)

OBJECTS = (ACCOUNTS, CONTACTS, LEADS, OPPORTUNITIES)
