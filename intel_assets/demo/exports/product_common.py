"""What the three product-analytics exporters (Mixpanel, Amplitude, Heap) share.

The world's product events are tool-agnostic; every product tool sees the same clicks through
its own SDK. This module adds what a browser SDK would capture around each event (the page
with the landing query string, browser, country, the workspace super property), groups
events into sessions the same way for every tool, and builds answer-key rows for
identifiers that more than one person can carry (shared laptops, kiosks).

Events travel as plain numpy arrays with integer codes for every low-cardinality value
(event, page, device, person, account), because a 10,000-customer demo has a million of
them and the byte writers (`byte_rows`) encode each distinct value once.

The landing query string is rebuilt from the world's UTM and click-id columns, so the
`$current_url`-style fields and the separate UTM properties always agree.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd

from intel_assets.demo import catalog, ids
from intel_assets.demo.exports.base import ExportContext, identity_rows
from intel_assets.demo.identities import email_variant
from intel_assets.demo.world import WorldChunk

SITE = "https://www.example-saas.io"
APP = "https://app.example-saas.io"
EVENTS = (catalog.SESSION, catalog.SIGNUP, catalog.PAGE_VIEW, *catalog.FEATURES,
          catalog.INVITE)
SITE_PAGES = (
    ("/", "Example SaaS - Analytics for operators"),
    ("/pricing", "Pricing - Example SaaS"),
    ("/features", "Features - Example SaaS"),
    ("/customers", "Customers - Example SaaS"),
    ("/blog/metrics-that-matter", "Metrics that matter - Example SaaS blog"),
)
# Where in the app each neutral event happens, as the SDK sees it in the page URL.
APP_PATHS = {
    catalog.SESSION: "/home",
    catalog.SIGNUP: "/signup",
    "report_created": "/reports/new",
    "dashboard_shared": "/dashboards",
    "integration_connected": "/settings/integrations",
    "data_exported": "/reports",
    catalog.INVITE: "/settings/team",
}
_APP_EVENTS = tuple(APP_PATHS)


@dataclass(frozen=True)
class Page:
    host: str
    path: str
    title: str

    @property
    def url(self) -> str:
        return self.host + self.path

    @property
    def domain(self) -> str:
        return self.host.removeprefix("https://")


PAGES = (
    *(Page(SITE, path, title) for path, title in SITE_PAGES),
    *(Page(APP, path, f"{path.strip('/').split('/')[0].title()} - Example SaaS")
      for path in APP_PATHS.values()),
)
CLICK_PARAMS = tuple(sorted(set(catalog.CLICK_ID.values())))
COUNTRY_NAMES = {
    "US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany",
    "FR": "France", "NL": "Netherlands", "AU": "Australia", "SG": "Singapore", "IN": "India",
    "BR": "Brazil", "MX": "Mexico",
}
BROWSERS = ("Chrome", "Chrome", "Chrome", "Safari", "Firefox", "Microsoft Edge")
SYSTEMS = ("Mac OS X", "Windows", "Windows", "Mac OS X", "Linux", "Windows")
# Laptops the world hands to several people across companies (a coworking kiosk); a chunk
# may see only one of their users, so the answer key never pins them to a person.
KIOSK_PREFIX = "kiosk"
# Event positions within a chunk are packed under the chunk number into one 64-bit index,
# so ids derived from them never collide across the chunks of a big demo.
CHUNK_SHIFT = 32


def global_index(chunk: int, local: np.ndarray) -> np.ndarray:
    return (np.uint64(chunk) << np.uint64(CHUNK_SHIFT)) + np.asarray(local, dtype=np.uint64)


@dataclass(frozen=True)
class ProductEvents:
    """The chunk's product events as arrays, with what the SDK captures around them.

    Columns (one value per event): the world's `person_row`, `event`, `time`, `device_id`,
    `identified`, `person_id`, `account_id`, `user_id`, `utm_source`, `utm_medium`,
    `utm_campaign`, `click_id_param`, `click_id`, `referrer` (missing values are None), and
    `seq` (global index, the seed of per-event ids), `event_code` (into `EVENTS`),
    `account_row`, `device_code` (into `devices`), `browser_code` (into `BROWSERS` and
    `SYSTEMS`), `page_code` (into `PAGES`), `query` (the landing query string or None),
    `email` (the tool's address of the person, on signups only), `tagged` (the event
    carries an acquisition).
    """

    columns: dict[str, np.ndarray]
    devices: np.ndarray

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __len__(self) -> int:
        return len(self.columns["time"])

    def take(self, positions: np.ndarray) -> ProductEvents:
        return ProductEvents({k: v[positions] for k, v in self.columns.items()}, self.devices)


def _objects(values: pd.Series) -> np.ndarray:
    array = values.to_numpy(dtype=object)
    return np.where(pd.notna(array), array, None)


def prepared_events(world: WorldChunk, ctx: ExportContext, emails: np.ndarray) -> ProductEvents:
    """`emails` is the address each person has in this tool (aligned with `world.people`)."""
    source = world.product_events
    people = world.people
    columns = {name: _objects(source[name]) for name in (
        "event", "device_id", "person_id", "account_id", "user_id", "utm_source", "utm_medium",
        "utm_campaign", "click_id_param", "click_id", "referrer",
    )}
    rows = source["person_row"].to_numpy().astype(np.int64)
    columns["person_row"] = rows
    columns["time"] = source["time"].to_numpy().astype("datetime64[s]")
    columns["identified"] = source["identified"].to_numpy().astype(bool)
    n = len(rows)
    columns["seq"] = global_index(ctx.chunk, np.arange(n))
    columns["account_row"] = people["account_row"].to_numpy().astype(np.int64)[rows]

    event_code = pd.Index(EVENTS).get_indexer(columns["event"])
    if (event_code < 0).any():
        raise ValueError(f"unknown product events: {set(columns['event'][event_code < 0])}")
    columns["event_code"] = event_code
    signup = event_code == EVENTS.index(catalog.SIGNUP)
    columns["email"] = np.where(signup, np.asarray(emails, dtype=object)[rows], None)

    page_view = event_code == EVENTS.index(catalog.PAGE_VIEW)
    site_pick = (ids.mix(ctx.seed, "product:page", columns["seq"])
                 % np.uint64(len(SITE_PAGES))).astype(np.int64)
    app_of_event = np.array(
        [_APP_EVENTS.index(e) if e in _APP_EVENTS else -1 for e in EVENTS], dtype=np.int64
    )
    columns["page_code"] = np.where(
        page_view, site_pick, len(SITE_PAGES) + app_of_event[event_code]
    )
    columns["tagged"] = pd.notna(columns["utm_source"]) | pd.notna(columns["click_id"])
    columns["query"] = _landing_queries(columns)

    device_code, devices = pd.factorize(columns["device_id"])
    columns["device_code"] = device_code.astype(np.int64)
    traits = np.array([ids.hash_text(str(d)) % len(BROWSERS) for d in devices], dtype=np.int64)
    columns["browser_code"] = traits[device_code]
    return ProductEvents(columns, np.asarray(devices, dtype=object))


def _landing_queries(columns: dict[str, np.ndarray]) -> np.ndarray:
    """`?utm_source=…&gclid=…` on the events the world tagged with an acquisition, as the
    landing URL carried it; None elsewhere."""
    out = np.full(len(columns["time"]), None, dtype=object)
    tagged = np.nonzero(columns["tagged"])[0]
    quoted: dict[str, str] = {}
    queries = []
    for source, medium, campaign, param, click in zip(
        *(columns[c][tagged] for c in ("utm_source", "utm_medium", "utm_campaign",
                                       "click_id_param", "click_id"))
    ):
        pairs = []
        for key, value in (("utm_source", source), ("utm_medium", medium),
                           ("utm_campaign", campaign)):
            if value is not None:
                if value not in quoted:
                    quoted[value] = quote(value, safe="")
                pairs.append(f"{key}={quoted[value]}")
        if param is not None and click is not None:
            pairs.append(f"{param}={click}")
        queries.append("?" + "&".join(pairs) if pairs else None)
    out[tagged] = queries
    return out


def sessions(events: ProductEvents) -> tuple[np.ndarray, pd.DataFrame]:
    """Every event's session, and one row per session.

    A session begins at each of the world's `session_started` events; whatever a person does
    before their first one (the landing page views, the signup) is their landing visit, a
    session of its own that starts at its first event. Later events join the person's latest
    session, however long ago it began: the world spreads feature use independently of
    session starts, and cutting sessions at 30 idle minutes would turn most feature events
    into sessions of their own and blur the session counts every tool must agree on.

    Returns the session number of every event (in the events' order, 0-based within the
    chunk) and a frame of sessions: `first` (the position of its first event), `time`,
    `person_row`, `landing`.
    """
    person = events["person_row"]
    times = events["time"]
    is_session = events["event_code"] == EVENTS.index(catalog.SESSION)
    order = np.lexsort((~is_session, times, person))
    sorted_person = person[order]
    first_of_person = np.r_[True, sorted_person[1:] != sorted_person[:-1]]
    starts = first_of_person | is_session[order]
    number = np.empty(len(person), dtype=np.int64)
    number[order] = np.cumsum(starts) - 1
    first_rows = order[starts]
    table = pd.DataFrame(
        {
            "first": first_rows,
            "time": times[first_rows],
            "person_row": person[first_rows],
            "landing": ~is_session[first_rows],
        }
    )
    return number, table


def owned_identities(
    ctx: ExportContext,
    kind: str,
    identifiers: np.ndarray,
    person_ids: np.ndarray,
    account_ids: np.ndarray,
) -> pd.DataFrame:
    """Answer-key rows for identifiers observed with their true owners, one row per
    identifier: a person only where one person alone carries it in this chunk (and it is no
    kiosk), an account only where one account alone does."""
    frame = pd.DataFrame(
        {"identifier": identifiers, "person_id": person_ids, "account_id": account_ids},
        dtype=object,
    ).dropna(subset=["identifier"]).drop_duplicates()
    grouped = frame.groupby("identifier", sort=True)
    persons = grouped["person_id"].nunique()
    accounts = grouped["account_id"].nunique()
    firsts = grouped.first()
    kiosk = persons.index.to_series().astype(str).str.startswith(KIOSK_PREFIX).to_numpy()
    person = np.where((persons.to_numpy() == 1) & ~kiosk, firsts["person_id"].to_numpy(), None)
    account = np.where((accounts.to_numpy() == 1) & ~kiosk, firsts["account_id"].to_numpy(),
                       None)
    return identity_rows(ctx, kind, persons.index.to_numpy(dtype=object), person, account)


def device_identities(
    ctx: ExportContext, events: ProductEvents, people: pd.DataFrame
) -> pd.DataFrame:
    """Device ids with their owner where one person alone uses the device; pairs of
    (device, person) are reduced with integer codes before any string is touched."""
    pairs = np.unique(events["device_code"] * (1 << 32) + events["person_row"])
    device_code = pairs >> 32
    person_row = pairs & ((1 << 32) - 1)
    return owned_identities(
        ctx, "device_id", events.devices[device_code],
        people["person_id"].to_numpy()[person_row], people["account_id"].to_numpy()[person_row],
    )


def person_identities(
    ctx: ExportContext, kind: str, identifiers: Sequence[object], people: pd.DataFrame
) -> pd.DataFrame:
    """Answer-key rows for identifiers aligned with `people`, one per person."""
    return identity_rows(ctx, kind, np.asarray(identifiers, dtype=object),
                         people["person_id"].to_numpy(), people["account_id"].to_numpy())


def workspace_identities(ctx: ExportContext, world: WorldChunk) -> pd.DataFrame:
    accounts = world.accounts
    return identity_rows(ctx, "workspace_id", accounts["workspace_id"].to_numpy(), None,
                         accounts["account_id"].to_numpy())


def tool_emails(world: WorldChunk, ctx: ExportContext) -> np.ndarray:
    """The address each person signs up with in this tool. Product tools also carry the
    app's user id on the same record, so a personal address can be linked and may appear."""
    return email_variant(world.people, seed=ctx.seed, tool=ctx.tool, personal_share=0.15)


def bijective_ids(seed: int, namespace: str, index: np.ndarray, bits: int = 52) -> np.ndarray:
    """Random-looking positive int64 ids that never collide: a keyed permutation of
    `bits`-bit integers (every step is invertible modulo 2**bits), offset so that all ids
    have the same number of digits. Distinct indices below 2**bits give distinct ids."""
    mask = np.uint64((1 << bits) - 1)
    salt = np.uint64(ids.hash_text(f"{seed}:{namespace}") & ((1 << bits) - 1))
    half = np.uint64(bits // 2)
    with np.errstate(over="ignore"):
        z = (np.asarray(index, dtype=np.uint64) + salt) & mask
        z = (z * np.uint64(0x9E3779B97F4A7C15)) & mask
        z ^= z >> half
        z = (z * np.uint64(0xBF58476D1CE4E5B9)) & mask
        z ^= z >> half
    return (z + np.uint64(1 << bits)).astype(np.int64)


def uuids(seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    """Lower-case 8-4-4-4-12 UUID strings (version 4 layout) as `S36` bytes, one per index."""
    index = np.asarray(index, dtype=np.uint64)
    chars = np.empty((len(index), 32), dtype=np.uint8)
    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    for half in range(2):
        value = ids.mix(seed, f"{namespace}#{half}", index)
        for position in range(16):
            nibble = (value >> np.uint64(4 * (15 - position))) & np.uint64(15)
            chars[:, half * 16 + position] = hexdigits[nibble.astype(np.int64)]
    out = np.full((len(index), 36), ord("-"), dtype=np.uint8)
    for target, source, width in ((0, 0, 8), (9, 8, 4), (14, 12, 4), (19, 16, 4), (24, 20, 12)):
        out[:, target:target + width] = chars[:, source:source + width]
    out[:, 14] = ord("4")
    out[:, 19] = np.frombuffer(b"89ab", dtype=np.uint8)[chars[:, 16] % 4]
    return np.ascontiguousarray(out).view("S36").ravel()


def text_times(times: np.ndarray, unit: str) -> np.ndarray:
    """`YYYY-MM-DD HH:MM:SS` (unit "s") or `YYYY-MM-DD HH:MM:SS.ffffff` (unit "us"), UTC
    without a zone, as fixed-width bytes computed with integer arithmetic (pandas' strftime
    and numpy's datetime_as_string take seconds for a million times)."""
    micros = np.asarray(times).astype("datetime64[us]")
    days = micros.astype("datetime64[D]")
    months_ = days.astype("datetime64[M]")
    years = months_.astype("datetime64[Y]")
    in_day = (micros - days).astype(np.int64)
    fields = (
        (years.astype(np.int64) + 1970, 4, b"-"),
        (months_.astype(np.int64) % 12 + 1, 2, b"-"),
        ((days - months_).astype(np.int64) + 1, 2, b" "),
        (in_day // 3_600_000_000, 2, b":"),
        (in_day // 60_000_000 % 60, 2, b":"),
        (in_day // 1_000_000 % 60, 2, b"." if unit == "us" else b""),
    )
    if unit == "us":
        fields = (*fields, (in_day % 1_000_000, 6, b""))
    elif unit != "s":
        raise ValueError(f"unit must be 's' or 'us', not {unit!r}")
    width = sum(w + len(sep) for _, w, sep in fields)
    out = np.empty((len(micros), width), dtype=np.uint8)
    column = 0
    for values, digits, separator in fields:
        for position in range(digits - 1, -1, -1):
            out[:, column + position] = 48 + values % 10
            values = values // 10
        column += digits
        if separator:
            out[:, column] = separator[0]
            column += 1
    return np.ascontiguousarray(out).view(f"S{width}").ravel()


def write_gzip(path: Path, data: bytes) -> None:
    """Gzip at a fast level: a 10,000-customer demo writes hundreds of megabytes of events,
    and level 9 would take longer than everything else together."""
    path.write_bytes(gzip.compress(data, compresslevel=1))


def months(times: np.ndarray) -> list[tuple[np.datetime64, np.ndarray]]:
    """(first day of month, row positions) for each calendar month present in `times`."""
    month = np.asarray(times).astype("datetime64[M]")
    values, inverse = np.unique(month, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(values) + 1))
    return [(value.astype("datetime64[D]"), order[bounds[i]:bounds[i + 1]])
            for i, value in enumerate(values)]
