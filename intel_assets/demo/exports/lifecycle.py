"""What the three lifecycle-email exporters (Klaviyo, Customer.io, Braze) share.

Everyone who joined the product is on the email list, since every one of them receives the
onboarding series: Klaviyo's profile export holds every person of the chunk, and the event
feeds (Customer.io, Braze) everyone with at least one email event, which is all but the few
who left within an hour of joining. The app syncs its user id into the tool as the external
id for most people (`EXTERNAL_SHARE`); the rest were added by email alone (an import, a
form). A personal address shows up only on a record that
also carries the external id, since nothing else could link it to the person.

The world records sends, deliveries, bounces, opens, clicks and unsubscribes in true ids. This
module adds what a real message carries: a subject line, a link with UTM tags, and, for an
unsubscribe (a click on the footer link), the last message delivered to that person before it,
since every one of the three tools reports an unsubscribe against the message it came from.

Vendor-style ids that `ids.py` does not offer (ULIDs, UUIDs, Mongo ObjectIds, Customer.io's
base64 delivery ids) are built here, vectorised, from the same splitmix hashes.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from intel_assets.demo import catalog, ids
from intel_assets.demo.exports.base import ExportContext, identity_rows
from intel_assets.demo.identities import email_variant, share
from intel_assets.demo.world import WorldChunk

EXTERNAL_SHARE = 0.9
PERSONAL_SHARE = 0.1
DUPLICATE_SHARE = 0.005
PRODUCT_DOMAIN = "example-saas.io"
NEWSLETTER_BASE = 100  # campaign numbers: onboarding steps 0.., newsletters 100 + issue

TIMEZONES = {
    "US": "America/New_York", "CA": "America/Toronto", "GB": "Europe/London",
    "DE": "Europe/Berlin", "FR": "Europe/Paris", "NL": "Europe/Amsterdam",
    "AU": "Australia/Sydney", "SG": "Asia/Singapore", "IN": "Asia/Kolkata",
    "BR": "America/Sao_Paulo", "MX": "America/Mexico_City",
}
ONBOARDING_SUBJECTS = (
    "Welcome aboard: your workspace is ready",
    "Connect your first integration in two minutes",
    "Build your first report today",
)
ONBOARDING_PATHS = ("welcome", "integrations/new", "reports/new")

_CROCKFORD = np.frombuffer(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ", dtype=np.uint8)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_BASE64URL = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8
)
_UUID_EPOCH_100NS = 0x01B21DD213814000  # 1582-10-15 to 1970-01-01 in 100 ns steps


@dataclass(frozen=True)
class Audience:
    """Every person of the chunk as one lifecycle tool knows them, row-aligned with
    `world.people`."""

    people: pd.DataFrame
    email: np.ndarray  # the address in this tool
    external_id: np.ndarray  # the app user id, None where the tool never got it
    timezone: np.ndarray
    country: np.ndarray
    organization: np.ndarray  # the account's name; None in consumer mode
    joined_s: np.ndarray  # epoch seconds, int64

    @property
    def known(self) -> np.ndarray:
        return pd.notna(self.external_id)


def audience(world: WorldChunk, ctx: ExportContext) -> Audience:
    """How each person appears in `ctx.tool`; every draw is stable per (seed, tool, person),
    so the chunks of a large demo agree."""
    people = world.people
    index = people["person_idx"].to_numpy()
    known = share(ctx.seed, f"{ctx.tool}:external_id", index, EXTERNAL_SHARE)
    linked = email_variant(people, seed=ctx.seed, tool=ctx.tool, personal_share=PERSONAL_SHARE)
    plain = email_variant(people, seed=ctx.seed, tool=ctx.tool)
    row = people["account_row"].to_numpy()
    country = world.accounts["country"].to_numpy().astype(object)[row]
    if ctx.company.config.consumer:
        organization = np.full(len(people), None, dtype=object)
    else:
        organization = world.accounts["name"].to_numpy().astype(object)[row]
    return Audience(
        people=people,
        email=np.where(known, linked, plain).astype(object),
        external_id=np.where(known, people["user_id"].to_numpy().astype(object), None),
        timezone=pd.Series(country).map(TIMEZONES).to_numpy(dtype=object),
        country=country,
        organization=organization,
        joined_s=seconds(people["joined_at"]),
    )


@contextmanager
def no_gc() -> Iterator[None]:
    """Pauses the cyclic garbage collector while records are built: it rescans every live
    container each time allocations pass its threshold, which makes building half a million
    nested dicts about three times slower, and the records hold no reference cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def identities(
    ctx: ExportContext, people: Audience, tool_ids: np.ndarray, written: np.ndarray
) -> pd.DataFrame:
    """The answer key for the people whose records were written (`written`, a mask over
    `people`): the tool's own person id (kind `profile_id`), the address and the external id."""
    persons = people.people["person_id"].to_numpy()[written]
    accounts = people.people["account_id"].to_numpy()[written]
    external = people.external_id[written]
    known = pd.notna(external)
    return pd.concat(
        [
            identity_rows(ctx, "profile_id", tool_ids[written], persons, accounts),
            identity_rows(ctx, "email", people.email[written], persons, accounts),
            identity_rows(ctx, "user_id", external[known], persons[known], accounts[known]),
        ],
        ignore_index=True,
    )


def with_mail(world: WorldChunk) -> np.ndarray:
    """Which people of the chunk have at least one email event, so appear in an event feed."""
    mask = np.zeros(len(world.people), dtype=bool)
    mask[world.email_events["person_row"].to_numpy()] = True
    return mask


def seconds(times: pd.Series | np.ndarray) -> np.ndarray:
    """Epoch seconds as int64 (the world has no missing times in the columns used here)."""
    return np.asarray(times).astype("datetime64[s]").astype(np.int64)


def iso_seconds(times: pd.Series | np.ndarray, suffix: str) -> np.ndarray:
    """`2024-06-11T10:00:05` plus `suffix` (`+00:00`, `Z`): numpy formats in one pass what
    pandas' strftime takes seconds for."""
    text = np.datetime_as_string(np.asarray(times).astype("datetime64[s]"), unit="s")
    return text.astype(object) + suffix


# --- the messages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Campaigns:
    """The distinct campaigns of a chunk, and each event's position among them."""

    names: np.ndarray
    number: np.ndarray  # stable across chunks: onboarding step, or NEWSLETTER_BASE + issue
    onboarding: np.ndarray
    subject: np.ndarray
    slug: np.ndarray
    path: np.ndarray  # the link target without UTM tags

    def url(self, code: np.ndarray, tool: str) -> np.ndarray:
        """The clicked link of each event (by campaign code), with the tool's UTM tags."""
        tagged = np.array(
            [f"{p}?utm_source={tool}&utm_medium=email&utm_campaign={s}"
             for p, s in zip(self.path, self.slug)],
            dtype=object,
        )
        return take(tagged, code)


def take(values: np.ndarray, code: np.ndarray) -> np.ndarray:
    """`values[code]` with None where the code is -1 (an event without a campaign)."""
    padded = np.append(np.asarray(values, dtype=object), None)
    return padded[np.where(code < 0, len(values), code)]


def mail_events(world: WorldChunk) -> tuple[pd.DataFrame, Campaigns]:
    """The chunk's email events, each unsubscribe attributed to the last message delivered
    to that person before it, with `row` (a stable position in the chunk), `epoch` (int
    seconds) and `campaign` (a code into the returned `Campaigns`, -1 for none)."""
    source = world.email_events
    frame = pd.DataFrame(
        {
            "row": np.arange(len(source), dtype=np.int64),
            "send_id": source["send_id"].to_numpy(),
            "person_row": source["person_row"].to_numpy(),
            "campaign_name": source["campaign_name"].to_numpy(dtype=object),
            "campaign_kind": source["campaign_kind"].to_numpy(dtype=object),
            "metric": source["metric"].to_numpy(dtype=object),
            "time": source["time"].to_numpy().astype("datetime64[s]"),
        }
    )
    _attribute_unsubscribes(frame)
    frame["epoch"] = seconds(frame["time"])
    code, names = pd.factorize(frame["campaign_name"], use_na_sentinel=True)
    frame["campaign"] = code
    return frame, _campaigns(np.asarray(names, dtype=object))


def _attribute_unsubscribes(frame: pd.DataFrame) -> None:
    unsub = frame["metric"].to_numpy() == "unsubscribed"
    if not unsub.any():
        return
    delivered = frame.loc[
        frame["metric"] == "delivered", ["time", "person_row", "send_id", "campaign_name",
                                         "campaign_kind"]
    ]
    left = frame.loc[unsub, ["row", "time", "person_row"]].sort_values("time", kind="stable")
    found = pd.merge_asof(
        left, delivered.sort_values("time", kind="stable"), on="time", by="person_row",
        direction="backward",
    )
    found = found[found["send_id"].notna()]
    rows = found["row"].to_numpy()
    frame.loc[rows, "send_id"] = found["send_id"].to_numpy().astype(np.int64)
    frame.loc[rows, "campaign_name"] = found["campaign_name"].to_numpy()
    frame.loc[rows, "campaign_kind"] = found["campaign_kind"].to_numpy()


def _campaigns(names: np.ndarray) -> Campaigns:
    onboarding_names = [name for _, name in catalog.ONBOARDING_EMAILS]
    number, onboarding, subject, path = [], [], [], []
    for name in names:
        if name in onboarding_names:
            step = onboarding_names.index(name)
            number.append(step)
            onboarding.append(True)
            subject.append(ONBOARDING_SUBJECTS[step % len(ONBOARDING_SUBJECTS)])
            path.append(f"https://app.{PRODUCT_DOMAIN}/"
                        f"{ONBOARDING_PATHS[step % len(ONBOARDING_PATHS)]}")
            continue
        issue = int(re.sub(r"\D", "", name) or 0)
        number.append(NEWSLETTER_BASE + issue)
        onboarding.append(False)
        subject.append(f"{name}: what's new this month")
        path.append(f"https://www.{PRODUCT_DOMAIN}/blog/newsletter-{issue}")
    slug = [re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") for name in names]
    return Campaigns(
        names=names,
        number=np.array(number, dtype=np.int64),
        onboarding=np.array(onboarding, dtype=bool),
        subject=np.array(subject, dtype=object),
        slug=np.array(slug, dtype=object),
        path=np.array(path, dtype=object),
    )


def duplicated(seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    """Which records an at-least-once feed delivers twice."""
    return share(seed, f"{namespace}:duplicate", index, DUPLICATE_SHARE)


# --- vendor id styles -----------------------------------------------------------------------


def _symbols(values: np.ndarray, alphabet: np.ndarray, width: int) -> np.ndarray:
    """The low digits of each value in `alphabet`'s radix, most significant first, as an
    (n, width) array of ASCII codes."""
    base = np.uint64(len(alphabet))
    values = np.asarray(values, dtype=np.uint64).copy()
    out = np.empty((len(values), width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):
        out[:, position] = alphabet[(values % base).astype(np.int64)]
        values //= base
    return out


def _text(chars: np.ndarray) -> np.ndarray:
    width = chars.shape[1]
    return np.ascontiguousarray(chars).view(f"S{width}").ravel().astype(f"U{width}").astype(
        object
    )


def ulid(seed: int, namespace: str, index: np.ndarray, millis: np.ndarray) -> np.ndarray:
    """26-character ULIDs (Crockford base32): 48 bits of time in ms, then 80 random bits."""
    index = np.asarray(index)
    parts = [
        _symbols(np.asarray(millis, dtype=np.int64).astype(np.uint64), _CROCKFORD, 10),
        _symbols(ids.mix(seed, namespace, index), _CROCKFORD, 12),
        _symbols(ids.mix(seed, f"{namespace}#2", index), _CROCKFORD, 4),
    ]
    return _text(np.hstack(parts))


def ulid_millis(values: pd.Series) -> np.ndarray:
    """The time a ULID carries, in ms (for tests and for anyone checking an id's age)."""
    lookup = np.zeros(256, dtype=np.int64)
    lookup[_CROCKFORD] = np.arange(32)
    chars = np.array(values.str.slice(0, 10).tolist(), dtype="S10").view(np.uint8)
    digits = lookup[chars.reshape(-1, 10)]
    return (digits * (32 ** np.arange(9, -1, -1))).sum(axis=1)


def hex_digits(values: np.ndarray, width: int) -> np.ndarray:
    return _symbols(values, _HEX, width)


def uuid4(seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    """Random-looking RFC 4122 version 4 UUIDs."""
    index = np.asarray(index)
    raw = np.hstack([
        hex_digits(ids.mix(seed, namespace, index), 16),
        hex_digits(ids.mix(seed, f"{namespace}#2", index), 16),
    ])
    raw[:, 12] = ord("4")
    variant = np.frombuffer(b"89ab", dtype=np.uint8)
    raw[:, 16] = variant[(ids.mix(seed, f"{namespace}#3", index) % np.uint64(4)).astype(int)]
    return _dashed(raw)


def uuid1(seed: int, namespace: str, index: np.ndarray, epoch_s: np.ndarray) -> np.ndarray:
    """Time-based version 1 UUIDs whose time is the event's, as Klaviyo's event `uuid`."""
    index = np.asarray(index)
    noise = ids.mix(seed, namespace, index)
    ticks = (np.asarray(epoch_s, dtype=np.int64).astype(np.uint64) * np.uint64(10_000_000)
             + np.uint64(_UUID_EPOCH_100NS) + noise % np.uint64(10_000_000))
    node = ids.mix(seed, f"{namespace}#node", index)
    mask16 = np.uint64(0xFFFF)
    raw = np.hstack([
        hex_digits(ticks & np.uint64(0xFFFFFFFF), 8),
        hex_digits((ticks >> np.uint64(32)) & mask16, 4),
        hex_digits(((ticks >> np.uint64(48)) & np.uint64(0x0FFF)) | np.uint64(0x1000), 4),
        hex_digits(((noise >> np.uint64(32)) & np.uint64(0x3FFF)) | np.uint64(0x8000), 4),
        hex_digits(node & np.uint64(0xFFFFFFFFFFFF), 12),
    ])
    return _dashed(raw)


def _dashed(raw: np.ndarray) -> np.ndarray:
    dash = np.full((len(raw), 1), ord("-"), dtype=np.uint8)
    return _text(np.hstack([raw[:, :8], dash, raw[:, 8:12], dash, raw[:, 12:16], dash,
                            raw[:, 16:20], dash, raw[:, 20:32]]))


def object_id(seed: int, namespace: str, index: np.ndarray, epoch_s: np.ndarray) -> np.ndarray:
    """24-hex Mongo ObjectIds (Braze user and dispatch ids): 4 bytes of creation time,
    then 8 random bytes."""
    index = np.asarray(index)
    return _text(np.hstack([
        hex_digits(np.asarray(epoch_s, dtype=np.int64).astype(np.uint64), 8),
        hex_digits(ids.mix(seed, namespace, index), 16),
    ]))


def base64_ids(seed: int, namespace: str, index: np.ndarray, prefix: bytes) -> np.ndarray:
    """URL-safe base64 of 19 bytes (`prefix`, then random bytes), 28 characters ending `==`,
    as Customer.io's delivery ids."""
    index = np.asarray(index)
    n = len(index)
    raw = np.zeros((n, 21), dtype=np.uint8)
    raw[:, :len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
    random = np.hstack([
        ids.mix(seed, namespace, index)[:, None].view(np.uint8),
        ids.mix(seed, f"{namespace}#2", index)[:, None].view(np.uint8),
    ])
    raw[:, len(prefix):19] = random[:, :19 - len(prefix)]
    groups = raw.reshape(n, 7, 3).astype(np.uint32)
    packed = (groups[:, :, 0] << 16) | (groups[:, :, 1] << 8) | groups[:, :, 2]
    sextets = np.stack([(packed >> shift) & 63 for shift in (18, 12, 6, 0)], axis=2)
    chars = _BASE64URL[sextets.reshape(n, 28)]
    chars[:, 26:] = ord("=")
    return _text(chars)
