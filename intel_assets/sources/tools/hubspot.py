"""HubSpot CRM v3 list responses: contacts, companies and deals.

Each file is one page `{"results": [...], "paging": {"next": {"after", "link"}}}` of
`GET /crm/v3/objects/{object}`; one row per object in `results`. Every property arrives as a
string or null and is cast here: datetimes (`2024-06-01T09:10:12.345Z`) to UTC timestamps,
`amount` to a decimal, `numberofemployees` to an integer, `hs_is_closed_won` to a boolean.
Ids stay strings (`id` is `hs_object_id`).

Associations come inline (`associations.companies.results`, a list of `{id, type}`). Only the
first company is flattened into `company_id` and its `type`; the whole list stays in the
`associations` json column. HubSpot lists a primary link twice (`contact_to_company` and
`contact_to_company_unlabeled`, the same company), so the first entry is the primary company;
a contact truly linked to several companies counts only that one in account placement.
`industry` keeps HubSpot's enum value; `dbt/seeds/crm_industry_labels.csv` maps it to the
product's industry labels. `country` is the company's country as the portal stores it (an ISO
code in the demo). Companies are keyed by `domain`; contacts are deduplicated by HubSpot on
email, so an email names one contact, but the same person may have another address elsewhere.
"""

from __future__ import annotations

from intel_assets.sources.readers import json_document
from intel_assets.sources.spec import Column, RawObject

_READER = json_document(["results"])


def _envelope() -> tuple[Column, ...]:
    """The fields every v3 object carries around its properties."""
    return (
        Column("created_at", "createdAt", "timestamp", required=True),
        Column("updated_at", "updatedAt", "timestamp"),
        Column("archived", "archived", "boolean"),
        Column("hs_object_id", "properties.hs_object_id"),
    )


def _company_link(kind: str) -> tuple[Column, ...]:
    return (
        Column("company_id", "associations.companies.results[0].id",
               description="First associated company only; the list is in `associations`."),
        Column("company_association_type", "associations.companies.results[0].type",
               description=f"`{kind}_to_company` for the primary company."),
        Column("associations", "associations.companies.results", "json",
               description="Every associated company, as `[{id, type}]`."),
    )


CONTACTS = RawObject(
    tool="hubspot",
    name="contacts",
    family="crm",
    reader=_READER,
    patterns=("contacts/*.json", "contacts*.json"),
    description="HubSpot contacts with their primary company, one row per contact.",
    columns=(
        Column("id", "id", required=True, description="Contact id (numeric string)."),
        Column("email", "properties.email", description="Case and plus-addresses vary."),
        Column("firstname", "properties.firstname"),
        Column("lastname", "properties.lastname"),
        Column("company", "properties.company", description="Company name as typed."),
        Column("lifecyclestage", "properties.lifecyclestage"),
        Column("createdate", "properties.createdate", "timestamp"),
        Column("lastmodifieddate", "properties.lastmodifieddate", "timestamp"),
        *_envelope(),
        *_company_link("contact"),
    ),
)

COMPANIES = RawObject(
    tool="hubspot",
    name="companies",
    family="crm",
    reader=_READER,
    patterns=("companies/*.json", "companies*.json"),
    description="HubSpot companies, customers and prospects alike, one row per company.",
    columns=(
        Column("id", "id", required=True, description="Company id (numeric string)."),
        Column("name", "properties.name"),
        Column("domain", "properties.domain", description="HubSpot's company key."),
        Column("industry", "properties.industry", description="HubSpot industry enum value."),
        Column("country", "properties.country"),
        Column("numberofemployees", "properties.numberofemployees", "integer"),
        Column("lifecyclestage", "properties.lifecyclestage"),
        Column("createdate", "properties.createdate", "timestamp"),
        Column("hs_lastmodifieddate", "properties.hs_lastmodifieddate", "timestamp"),
        *_envelope(),
    ),
    business_only=True,
)

DEALS = RawObject(
    tool="hubspot",
    name="deals",
    family="crm",
    reader=_READER,
    patterns=("deals/*.json", "deals*.json"),
    description="HubSpot deals with their primary company; amount in the deal's currency.",
    columns=(
        Column("id", "id", required=True, description="Deal id (numeric string)."),
        Column("dealname", "properties.dealname"),
        Column("amount", "properties.amount", "decimal"),
        Column("closedate", "properties.closedate", "timestamp"),
        Column("dealstage", "properties.dealstage",
               description="Internal stage id: `closedwon`, `closedlost` or an open stage."),
        Column("pipeline", "properties.pipeline"),
        Column("hs_is_closed_won", "properties.hs_is_closed_won", "boolean"),
        Column("hs_deal_stage_probability", "properties.hs_deal_stage_probability", "float"),
        Column("createdate", "properties.createdate", "timestamp"),
        Column("hs_lastmodifieddate", "properties.hs_lastmodifieddate", "timestamp"),
        *_envelope(),
        *_company_link("deal"),
    ),
    business_only=True,
)

OBJECTS = (CONTACTS, COMPANIES, DEALS)
