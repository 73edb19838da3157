"""Meta Ads: campaign Insights pages, `{data[], paging}`, a page a file.

Each file is one page of `GET /v21.0/act_{account}/insights?level=campaign&time_increment=1
&fields=account_id,account_currency,campaign_id,campaign_name,spend,impressions,clicks,actions`
over the whole period: one row per campaign per day, every metric a string (`spend` a
decimal in the account currency), `actions` a list of `{action_type, value}` left out when
empty. `paging.cursors` are Meta-style base64 cursors and `paging.next` is present on every
page but the last. Pages hold 500 rows, more than the API's default of 25.

Conversions are reported as whole counts (the world's fractional daily conversions rounded
along their running total), under `lead` for the retargeting campaign, which runs instant
lead forms, and under `offsite_conversion.fb_pixel_complete_registration` for the others; a
`link_click` action rides along, as it does on real rows. The account reports in UTC.
"""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd

from intel_assets.demo.exports.ads import account_id, channel_rows, decimal_text, no_identities
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.formats import day, pages, write_json
from intel_assets.demo.world import Company

PAGE_ROWS = 500
CURRENCY = "USD"
API = "https://graph.facebook.com/v21.0"
FIELDS = "account_id,account_currency,campaign_id,campaign_name,spend,impressions,clicks,actions"
REGISTRATION = "offsite_conversion.fb_pixel_complete_registration"
LEAD = "lead"
LEAD_FORM_PREFIX = "Retargeting"
LINK_CLICK_SHARE = 0.72


def ad_account_id(seed: int) -> str:
    """The ad account id as Insights rows carry it: digits, no `act_` prefix."""
    return account_id(seed, "meta_ads", 10**15, 10**16)


def conversion_action(campaign_name: str) -> str:
    return LEAD if campaign_name.startswith(LEAD_FORM_PREFIX) else REGISTRATION


def cursor(position: int) -> str:
    """Meta's cursors read like `MAZDZD`: base64 of a row offset, `=` spelled `ZD`."""
    return base64.b64encode(str(position).encode()).decode().replace("=", "ZD")


def export_company(company: Company, ctx: ExportContext) -> pd.DataFrame:
    rows = channel_rows(company, ctx.tool)
    if rows.empty:
        return no_identities()
    account = ad_account_id(ctx.seed)

    dates = day(rows["date"])
    spend = decimal_text(rows["cost_cents"].to_numpy())
    clicks = rows["clicks"].to_numpy()
    link_clicks = np.floor(clicks * LINK_CLICK_SHARE).astype(np.int64)
    action_types = [conversion_action(name) for name in rows["campaign_name"]]
    insights = []
    for campaign, name, date, cost, shown, clicked, linked, action, converted in zip(
        rows["campaign_id"].to_numpy(), rows["campaign_name"].to_numpy(), dates, spend,
        rows["impressions"].to_numpy().tolist(), clicks.tolist(), link_clicks.tolist(),
        action_types, rows["whole_conversions"].to_numpy().tolist(),
    ):
        row = {
            "account_id": account,
            "account_currency": CURRENCY,
            "campaign_id": campaign,
            "campaign_name": name,
            "spend": cost,
            "impressions": str(shown),
            "clicks": str(clicked),
            "date_start": date,
            "date_stop": date,
        }
        actions = []
        if linked:
            actions.append({"action_type": "link_click", "value": str(linked)})
        if converted:
            actions.append({"action_type": action, "value": str(converted)})
        if actions:
            row["actions"] = actions
        insights.append(row)

    for number, page, last in pages(insights, PAGE_ROWS):
        first = (number - 1) * PAGE_ROWS
        paging: dict[str, object] = {
            "cursors": {"before": cursor(first), "after": cursor(first + len(page) - 1)}
        }
        if not last:
            paging["next"] = (
                f"{API}/act_{account}/insights?level=campaign&time_increment=1"
                f"&fields={FIELDS}&limit={PAGE_ROWS}&after={paging['cursors']['after']}"
            )
        write_json(
            ctx.path("campaign_insights", f"insights_{ctx.chunk:04d}_{number:04d}.json"),
            {"data": list(page), "paging": paging},
        )
    return no_identities()
