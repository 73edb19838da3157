"""The demo company's latent world: accounts, people and everything they do, in true ids.

Simulation runs in chunks of accounts, each from its own random stream, so that a million
customers never sit in memory at once. Exporters turn a chunk into each tool's native files;
the world itself is tool-agnostic. Times are `datetime64[s]` in UTC.

Churn is a discrete hazard over 30-day periods of each account's tenure. In planted mode the
hazard depends on latent engagement, plan, early tenure, the acquisition campaign and the
planted patterns; every behaviour the tools record is drawn from the same latent state, so the
data carries the signal and the answer key holds the true hazards. In null mode churn is a
constant hazard, independent of everything any tool can see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from intel_assets.demo import catalog, ids
from intel_assets.demo.patterns import (
    ALL_FAMILIES,
    LEADING_HAZARD_FACTOR,
    LEADING_ONSET_MEAN_DAYS,
    PlantedPatterns,
    draw_patterns,
)

PERIOD_DAYS = 30
NULL_HAZARD = 0.035
EPOCH_START = np.datetime64(catalog.START, "s")
EPOCH_END = np.datetime64(catalog.END, "s")
TOTAL_DAYS = int((EPOCH_END - EPOCH_START) / np.timedelta64(1, "D"))
SECONDS = np.timedelta64(1, "s")
# Tickets begin after an account's first month (onboarding tickets aside).
TICKETS_AFTER = np.timedelta64(30, "D")
# The support load of an account whose planted change in tickets has begun: extra tickets a
# week, shared among its people. A multiple of the usual rate (one ticket per person in about
# eighteen months) would add a ticket a year, which no one could see in one account.
TICKET_RISE_PER_WEEK = 0.3


@dataclass(frozen=True)
class DemoConfig:
    """What to generate. `paid_channels` follows the stack's ads tools; channels whose data
    reaches the pipeline through the generic ads contract are `generic_ad_channels`."""

    customers: int = 10_000
    seed: int = 0
    null: bool = False
    consumer: bool = False
    paid_channels: tuple[str, ...] = catalog.PAID_CHANNELS
    generic_ad_channels: tuple[str, ...] = ()
    chunk_size: int = 25_000
    families: tuple[str, ...] = ALL_FAMILIES  # those the stack has a tool for


@dataclass(frozen=True)
class Company:
    """What is decided once for the whole company: campaigns and planted patterns."""

    config: DemoConfig
    campaigns: pd.DataFrame
    patterns: PlantedPatterns


@dataclass
class WorldChunk:
    """Everything a slice of accounts did, in true ids. See `simulate_chunk`."""

    index: int
    accounts: pd.DataFrame
    people: pd.DataFrame
    product_events: pd.DataFrame
    tickets: pd.DataFrame
    email_events: pd.DataFrame
    subscriptions: pd.DataFrame
    invoices: pd.DataFrame
    survey_responses: pd.DataFrame
    deals: pd.DataFrame
    prospects: pd.DataFrame
    hazards: pd.DataFrame
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)


def build_company(config: DemoConfig) -> Company:
    rng = np.random.default_rng([config.seed, 0])
    campaigns = _campaigns(config, rng)
    names = dict(zip(campaigns["campaign_key"], campaigns["name"]))
    patterns = draw_patterns(
        rng,
        campaigns=list(campaigns["campaign_key"]),
        paid_channels=config.paid_channels,
        campaign_names=names,
        consumer=config.consumer,
        null=config.null,
        families=config.families,
    )
    if patterns.wrong_signal_campaign:
        wrong = campaigns["campaign_key"] == patterns.wrong_signal_campaign
        campaigns.loc[wrong, "cpa"] *= 0.5
        campaigns.loc[wrong, "log_hazard"] = np.log(2.8)
    return Company(config, campaigns, patterns)


def chunk_bounds(config: DemoConfig) -> list[tuple[int, int]]:
    size = config.chunk_size
    return [(lo, min(lo + size, config.customers)) for lo in range(0, config.customers, size)]


def _campaigns(config: DemoConfig, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for channel in config.paid_channels:
        for number, name in enumerate(catalog.CAMPAIGN_NAMES[channel]):
            rows.append(
                {
                    "campaign_key": f"{channel}:{number}",
                    "channel": channel,
                    "name": name,
                    "weight": float(rng.lognormal(0.0, 0.35)),
                    "cpa": catalog.BASE_CPA[channel] * float(rng.lognormal(0.0, 0.25)),
                    "log_hazard": float(rng.normal(0.0, 0.08)) if not config.null else 0.0,
                    "cpc": float(rng.uniform(1.5, 9.0)),
                    "ctr": float(rng.uniform(0.008, 0.04)),
                }
            )
    columns = ["campaign_key", "channel", "name", "weight", "cpa", "log_hazard", "cpc", "ctr"]
    campaigns = pd.DataFrame(rows, columns=columns)
    campaigns["share"] = campaigns["weight"] / campaigns["weight"].sum()
    return campaigns


def simulate_chunk(company: Company, chunk: int, lo: int, hi: int) -> WorldChunk:
    """Simulates accounts [lo, hi) of the company; deterministic for (seed, chunk)."""
    config = company.config
    rng = np.random.default_rng([config.seed, 1, chunk])

    accounts = _accounts(company, rng, np.arange(lo, hi))
    hazards, accounts = _churn(company, rng, accounts)
    people = _people(company, rng, accounts)
    events = _product_events(company, rng, accounts, people)
    tickets = _tickets(company, rng, accounts, people)
    emails = _email_events(company, rng, accounts, people)
    subscriptions, invoices = _billing(rng, accounts)
    surveys = _surveys(rng, accounts, people)
    deals = _deals(rng, accounts)
    prospects = _prospects(config, rng, lo, hi)
    return WorldChunk(
        index=chunk,
        accounts=accounts,
        people=people,
        product_events=events,
        tickets=tickets,
        email_events=emails,
        subscriptions=subscriptions,
        invoices=invoices,
        survey_responses=surveys,
        deals=deals,
        prospects=prospects,
        hazards=hazards,
    )


# --- accounts -------------------------------------------------------------------------------


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _days(values: np.ndarray) -> np.ndarray:
    return (np.asarray(values, dtype=np.float64) * 86_400).astype("int64") * SECONDS


def _company_names(config: DemoConfig, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    words = catalog.COMPANY_WORDS
    suffixes = catalog.COMPANY_SUFFIXES
    spread = np.array(ids.numeric(config.seed, "company", index, 0, max(config.customers, 1)))
    spread = spread.astype(np.int64)
    w1 = spread % len(words)
    w2 = (spread // len(words)) % len(words)
    sx = (spread // len(words) ** 2) % len(suffixes)
    number = spread // (len(words) ** 2 * len(suffixes))
    names, domains = [], []
    for a, b, s, n in zip(w1, w2, sx, number):
        tail = "" if n == 0 else f" {n + 1}"
        names.append(f"{words[a].title()}{words[b]} {suffixes[s].title()}{tail}")
        domains.append(f"{words[a]}{words[b]}-{suffixes[s]}{'' if n == 0 else n + 1}.com")
    return np.array(names, dtype=object), np.array(domains, dtype=object)


def _signup_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Signups grow about 2.2-fold over the period, as a growth-stage company's do."""
    growth = np.log(2.2)
    u = rng.random(n)
    horizon = TOTAL_DAYS - 1
    return horizon * np.log1p(u * np.expm1(growth)) / growth


def _accounts(company: Company, rng: np.random.Generator, index: np.ndarray) -> pd.DataFrame:
    config, patterns, campaigns = company.config, company.patterns, company.campaigns
    n = len(index)
    names, domains = _company_names(config, index)

    if config.consumer:
        size = np.ones(n, dtype=np.int64)
    else:
        size = np.where(rng.random(n) < 0.35, 1, 2 + rng.poisson(1.6, n)).clip(1, 30)
    plan_draw = rng.random(n)
    plan = np.where(
        size == 1,
        np.where(plan_draw < 0.8, *catalog.ONE_PERSON_PLANS),
        np.where(
            size <= 4,
            np.select([plan_draw < 0.4, plan_draw < 0.85], ["starter", "team"], "business"),
            np.where(plan_draw < 0.5, "team", "business"),
        ),
    )
    countries = list(catalog.COUNTRIES)
    country = rng.choice(countries, size=n, p=np.array(catalog.COUNTRY_WEIGHTS) / 1.0)
    engagement = rng.normal(0.0, 1.0, n)
    signup_day = _signup_days(rng, n)

    paid = (rng.random(n) < catalog.PAID_SHARE) & (len(campaigns) > 0)
    shares = campaigns["share"].to_numpy() if len(campaigns) else np.ones(1)
    campaign_pick = rng.choice(len(shares), size=n, p=shares).clip(0, max(len(campaigns) - 1, 0))
    unpaid_names = list(catalog.UNPAID_SHARES)
    unpaid_p = np.array(list(catalog.UNPAID_SHARES.values()))
    unpaid_pick = rng.choice(len(unpaid_names), size=n, p=unpaid_p / unpaid_p.sum())
    keys = campaigns["campaign_key"].to_numpy() if len(campaigns) else np.array([None])
    platforms = campaigns["channel"].to_numpy() if len(campaigns) else np.array([None])
    campaign_key = np.where(paid, keys[campaign_pick], None)
    channel = np.where(paid, platforms[campaign_pick], np.array(unpaid_names)[unpaid_pick])

    activation_logit = 1.0 + 1.1 * engagement
    if patterns.contradiction_channel:
        start, end = patterns.contradiction_window
        in_channel = channel == patterns.contradiction_channel
        moved = in_channel & (rng.random(n) < 0.05)
        signup_day = np.where(moved, start + rng.random(n) * (end - start), signup_day)
        in_window = in_channel & (signup_day >= start) & (signup_day < end)
        activation_logit = np.where(in_window, activation_logit - 2.2, activation_logit)
    signup_at = EPOCH_START + _days(signup_day)

    activated = rng.random(n) < _sigmoid(activation_logit)
    activated_at = np.where(
        activated, signup_at + _days(0.2 + rng.exponential(2.5, n)), np.datetime64("NaT")
    )

    frame = pd.DataFrame(
        {
            "account_idx": index,
            "account_id": [f"acct_{i:07d}" for i in index],
            "workspace_id": np.char.add(
                "ws_", ids.base36(config.seed, "workspace", index, 10).astype(str)
            ).astype(object),
            "name": names,
            "domain": domains,
            "industry": rng.choice(catalog.INDUSTRIES, size=n),
            "country": country,
            "region": [catalog.COUNTRIES[c] for c in country],
            "employees": (size * rng.lognormal(2.0, 0.8, n)).astype(np.int64) + size,
            "size": size,
            "plan": plan,
            "seat_price_cents": [catalog.SEAT_PRICE_CENTS[p] for p in plan],
            "engagement": engagement,
            "signup_at": signup_at.astype("datetime64[s]"),
            "channel": channel,
            "campaign_key": campaign_key,
            "activated_at": activated_at.astype("datetime64[s]"),
        }
    )
    for feature, (intercept, slope) in catalog.FEATURE_ADOPTION.items():
        adopted = activated & (rng.random(n) < _sigmoid(intercept + slope * engagement))
        frame[f"adopted_{feature}"] = adopted
        frame[f"adopted_{feature}_at"] = np.where(
            adopted, activated_at + _days(rng.exponential(10.0, n)), np.datetime64("NaT")
        ).astype("datetime64[s]")
    frame["has_onboarding_ticket"] = rng.random(n) < _sigmoid(-1.4 - 0.4 * engagement)
    frame["clicked_onboarding_email"] = rng.random(n) < _sigmoid(0.2 + 0.6 * engagement)
    frame["role_email"] = np.where(
        (size > 1) & (rng.random(n) < 0.05),
        [f"{catalog.ROLE_LOCAL_PARTS[i % len(catalog.ROLE_LOCAL_PARTS)]}@{d}"
         for i, d in zip(index, domains)],
        None,
    )

    onset = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    shows_from = onset.copy()
    if patterns.leading_behaviour:
        shows_from = _behaviour_shows_from(frame, patterns.leading_behaviour)
        wait = _days(rng.exponential(LEADING_ONSET_MEAN_DAYS, n))
        onset = (shows_from + wait).astype("datetime64[s]")
        onset = np.where(onset < EPOCH_END, onset, np.datetime64("NaT"))
    frame["leading_shows_from_at"] = shows_from.astype("datetime64[s]")
    frame["leading_onset_at"] = onset.astype("datetime64[s]")
    frame["in_anomaly_segment"] = _matches(frame, patterns.anomaly)
    frame["in_cohort"] = (
        np.logical_and.reduce([_matches(frame, c) for c in patterns.cohort])
        if patterns.cohort
        else np.zeros(n, dtype=bool)
    )
    return frame


def _behaviour_shows_from(frame: pd.DataFrame, behaviour: str) -> np.ndarray:
    """When a behaviour starts to show in an account's tools; NaT if it never does.

    The planted change begins only after this: a drop in reports means nothing for an
    account that never created one, yet would raise its hazard with no trace in any tool.
    """
    if behaviour in catalog.FEATURES:
        return frame[f"adopted_{behaviour}_at"].to_numpy()
    signup = frame["signup_at"].to_numpy()
    return signup + TICKETS_AFTER if behaviour == "support_tickets" else signup


def _matches(frame: pd.DataFrame, condition) -> np.ndarray:
    if condition is None:
        return np.zeros(len(frame), dtype=bool)
    return (frame[condition.attribute] == condition.value).to_numpy()


# --- churn ----------------------------------------------------------------------------------


def _churn(
    company: Company, rng: np.random.Generator, accounts: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draws each account's churn from its period hazards; returns the hazards too."""
    config, patterns = company.config, company.patterns
    n = len(accounts)
    periods = TOTAL_DAYS // PERIOD_DAYS + 1
    signup = accounts["signup_at"].to_numpy()
    starts = signup[:, None] + _days(np.arange(periods) * PERIOD_DAYS)[None, :]
    valid = starts < EPOCH_END

    if config.null:
        unchanged = np.full((n, periods), NULL_HAZARD)
        changed, elevated = unchanged, np.zeros((n, periods), dtype=bool)
    else:
        log_odds = np.full((n, periods), np.log(0.03 / 0.97))
        log_odds -= 0.55 * accounts["engagement"].to_numpy()[:, None]
        plan_effect = accounts["plan"].map({"starter": 0.3, "team": 0.0, "business": -0.4})
        log_odds += plan_effect.to_numpy()[:, None]
        log_odds[:, :3] += 0.35
        campaign_effect = accounts["campaign_key"].map(
            dict(zip(company.campaigns["campaign_key"], company.campaigns["log_hazard"]))
        )
        log_odds += campaign_effect.fillna(0.0).to_numpy()[:, None]
        hazard = _sigmoid(log_odds)

        cohort_members = accounts["in_cohort"].to_numpy()
        partial = _partial_cohort(accounts, patterns) & ~cohort_members
        hazard = np.where(cohort_members[:, None], hazard * 4.0, hazard)
        hazard = np.where(partial[:, None], hazard * 0.85, hazard)

        onset = accounts["leading_onset_at"].to_numpy()
        risky_from = onset + _days(np.full(n, patterns.leading_lead_days))
        elevated = starts >= risky_from[:, None]  # never for a NaT onset
        changed = (1 - (1 - hazard) ** LEADING_HAZARD_FACTOR).clip(0.0005, 0.9)
        unchanged = hazard.clip(0.0005, 0.9)
    hazard = np.where(elevated, changed, unchanged)

    churn_draw = (rng.random((n, periods)) < hazard) & valid
    first = np.where(churn_draw.any(axis=1), churn_draw.argmax(axis=1), -1)
    within = _days(rng.random(n) * PERIOD_DAYS)
    churned_at = np.where(
        first >= 0, starts[np.arange(n), first.clip(0)] + within, np.datetime64("NaT")
    ).astype("datetime64[s]")
    churned_at = np.where(churned_at < EPOCH_END, churned_at, np.datetime64("NaT"))
    accounts = accounts.assign(churned_at=churned_at.astype("datetime64[s]"))

    # The answer key keeps every period's hazard, also those after an account's churn: the
    # chance of churning within a horizon that starts before the churn depends on them. It
    # keeps the hazard with and without the planted change too, so that a churn probability
    # at a moment before the change began can weigh the chance that it begins soon.
    rows, cols = np.nonzero(valid)
    hazards = pd.DataFrame(
        {
            "account_id": accounts["account_id"].to_numpy()[rows],
            "period": cols,
            "period_start": starts[rows, cols].astype("datetime64[s]"),
            "period_end": (starts[rows, cols] + _days(np.full(len(rows), PERIOD_DAYS))).astype(
                "datetime64[s]"
            ),
            "hazard": hazard[rows, cols],
            "hazard_unchanged": unchanged[rows, cols],
            "hazard_changed": changed[rows, cols],
        }
    )

    activated_at = accounts["activated_at"].to_numpy()
    lost = ~pd.isna(churned_at) & (activated_at >= churned_at)
    accounts.loc[lost, "activated_at"] = pd.NaT
    for feature in catalog.FEATURES:
        column = f"adopted_{feature}_at"
        late = ~pd.isna(accounts["churned_at"]) & (accounts[column] >= accounts["churned_at"])
        accounts.loc[late, column] = pd.NaT
        accounts.loc[late, f"adopted_{feature}"] = False
    accounts.loc[lost, [f"adopted_{f}" for f in catalog.FEATURES]] = False
    return hazards, accounts


def _partial_cohort(accounts: pd.DataFrame, patterns: PlantedPatterns) -> np.ndarray:
    if not patterns.cohort:
        return np.zeros(len(accounts), dtype=bool)
    return np.logical_or.reduce([_matches(accounts, c) for c in patterns.cohort])


def _active_until(accounts: pd.DataFrame) -> np.ndarray:
    churned = accounts["churned_at"].to_numpy()
    return np.where(pd.isna(churned), EPOCH_END, churned).astype("datetime64[s]")


# --- people ---------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return (
        text.lower().replace("ü", "u").replace("ö", "o").replace("ä", "a").replace(" ", "")
    )


def _people(company: Company, rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    seed = company.config.seed
    sizes = accounts["size"].to_numpy()
    owner = np.repeat(np.arange(len(accounts)), sizes)
    position = np.concatenate([np.arange(s) for s in sizes]) if len(sizes) else np.array([])
    n = len(owner)
    account_idx = accounts["account_idx"].to_numpy()[owner]
    person_idx = account_idx * 64 + position

    first = rng.choice(catalog.FIRST_NAMES, size=n)
    last = rng.choice(catalog.LAST_NAMES, size=n)
    local = np.array([f"{_ascii(f)}.{_ascii(s)}" for f, s in zip(first, last)], dtype=object)
    frame = pd.DataFrame({"account_row": owner, "local": local})
    repeat = frame.groupby(["account_row", "local"]).cumcount().to_numpy()
    local = np.where(repeat > 0, [f"{x}{r + 1}" for x, r in zip(local, repeat)], local)
    domains = accounts["domain"].to_numpy()[owner]
    email = np.array([f"{a}@{d}" for a, d in zip(local, domains)], dtype=object)
    tag = ids.base36(seed, "personal", person_idx, 4)
    free = rng.choice(catalog.FREE_MAIL, size=n)
    personal = np.array(
        [f"{_ascii(f)}{_ascii(s)}.{t}@{m}" for f, s, t, m in zip(first, last, tag, free)],
        dtype=object,
    )

    signup = accounts["signup_at"].to_numpy()[owner]
    delay = np.where(position == 0, 0.0, 1.0 + rng.exponential(25.0, n))
    joined = (signup + _days(delay)).astype("datetime64[s]")
    until = _active_until(accounts)[owner]
    present = joined < until

    user_number = np.array(ids.numeric(seed, "user", person_idx, 10**9, 10**10), dtype=np.int64)
    device = ids.hexid(seed, "device", person_idx, 16)
    second = np.where(
        rng.random(n) < 0.2, ids.hexid(seed, "device2", person_idx, 16), None
    )
    people = pd.DataFrame(
        {
            "person_idx": person_idx,
            "person_id": [f"per_{i:09d}" for i in person_idx],
            "account_id": accounts["account_id"].to_numpy()[owner],
            "account_row": owner,
            "position": position,
            "first_name": first,
            "last_name": last,
            "email": email,
            "personal_email": personal,
            "role": np.where((position == 0) | (rng.random(n) < 0.1), "admin", "member"),
            "joined_at": joined,
            "active_until": until,
            "user_id": [f"u{v}" for v in user_number],
            "device_id": device,
            "second_device_id": second,
            "activity": np.exp(
                0.45 * accounts["engagement"].to_numpy()[owner] + rng.normal(0, 0.35, n)
            )
            * np.where(position == 0, 1.4, 1.0),
            "open_propensity": _sigmoid(
                -0.4 + 0.8 * accounts["engagement"].to_numpy()[owner] + rng.normal(0, 0.5, n)
            ),
        }
    )
    people = people[present].reset_index(drop=True)
    return _share_devices(rng, people)


def _share_devices(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """A few people use a teammate's laptop, and a few laptops travel across companies
    (agency staff, a coworking kiosk): device ids that must not glue people together."""
    n = len(people)
    teammates = people.groupby("account_row")["device_id"].transform("first").to_numpy()
    borrow = (rng.random(n) < 0.01) & (people["position"].to_numpy() > 0)
    people.loc[borrow, "second_device_id"] = teammates[borrow]
    kiosks = max(1, n // 5000)
    roaming = rng.random(n) < 0.0015
    people.loc[roaming, "second_device_id"] = [
        f"kiosk{int(k):04d}0000000" for k in rng.integers(0, kiosks, int(roaming.sum()))
    ]
    return people


# --- product events -------------------------------------------------------------------------


def _person_weeks(people: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    joined = people["joined_at"].to_numpy()
    until = people["active_until"].to_numpy()
    weeks = np.ceil((until - joined) / np.timedelta64(7, "D")).astype(np.int64).clip(0)
    person = np.repeat(np.arange(len(people)), weeks)
    offsets = np.arange(weeks.sum()) - np.repeat(np.cumsum(weeks) - weeks, weeks)
    week_start = joined[person] + _days(offsets * 7.0)
    return person, week_start.astype("datetime64[s]")


def _behaviour_factor(
    company: Company, accounts: pd.DataFrame, rows: np.ndarray, times: np.ndarray, behaviour: str
) -> np.ndarray:
    """How planted patterns scale a behaviour's rate for account rows at given times.

    A planted rise in tickets is not a factor: see `_leading_ticket_rise`.
    """
    patterns = company.patterns
    factor = np.ones(len(rows))
    if patterns.leading_behaviour == behaviour and behaviour != "support_tickets":
        factor = np.where(_changed(accounts, rows, times), 0.15, factor)
    if patterns.anomaly is not None and behaviour in ("sessions", "support_tickets"):
        change = EPOCH_START + _days(np.array([patterns.anomaly_day]))[0]
        hit = accounts["in_anomaly_segment"].to_numpy()[rows] & (times >= change)
        factor = factor * np.where(hit, 3.0 if behaviour == "support_tickets" else 0.55, 1.0)
    return factor


def _changed(accounts: pd.DataFrame, rows: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Whether the planted behaviour change had begun for account rows at given times."""
    onset = accounts["leading_onset_at"].to_numpy()[rows]
    return ~pd.isna(onset) & (times >= onset)


def _leading_ticket_rise(
    company: Company, accounts: pd.DataFrame, rows: np.ndarray, times: np.ndarray
) -> np.ndarray:
    """Extra weekly tickets per person once a planted rise in tickets has begun."""
    if company.patterns.leading_behaviour != "support_tickets":
        return np.zeros(len(rows))
    size = accounts["size"].to_numpy()[rows]
    return _changed(accounts, rows, times) * TICKET_RISE_PER_WEEK / size


def _spread_events(
    rng: np.random.Generator, person: np.ndarray, start: np.ndarray, counts: np.ndarray,
    limit: np.ndarray, span_days: float,
) -> tuple[np.ndarray, np.ndarray]:
    who = np.repeat(person, counts)
    when = np.repeat(start, counts) + _days(rng.random(len(who)) * span_days)
    keep = when < limit[who]
    return who[keep], when[keep].astype("datetime64[s]")


def _product_events(
    company: Company, rng: np.random.Generator, accounts: pd.DataFrame, people: pd.DataFrame
) -> pd.DataFrame:
    person, week_start = _person_weeks(people)
    account_row = people["account_row"].to_numpy()
    until = people["active_until"].to_numpy()
    activity = people["activity"].to_numpy()[person]
    frames = []

    def add(who: np.ndarray, when: np.ndarray, event: str, device: np.ndarray | None = None):
        frames.append(
            pd.DataFrame(
                {
                    "person_row": who,
                    "event": event,
                    "time": when,
                    "device_id": device
                    if device is not None
                    else _device_at(rng, people, who),
                    "identified": True,
                }
            )
        )

    rate = catalog.WEEKLY_RATE[catalog.SESSION] * activity
    rate *= _behaviour_factor(company, accounts, account_row[person], week_start, "sessions")
    who, when = _spread_events(rng, person, week_start, rng.poisson(rate), until, 7.0)
    add(who, when, catalog.SESSION)

    for feature in catalog.FEATURES:
        adopted_at = accounts[f"adopted_{feature}_at"].to_numpy()[account_row[person]]
        live = ~pd.isna(adopted_at) & (week_start >= adopted_at)
        rate = catalog.WEEKLY_RATE[feature] * activity * live
        rate *= _behaviour_factor(company, accounts, account_row[person], week_start, feature)
        who, when = _spread_events(rng, person, week_start, rng.poisson(rate), until, 7.0)
        add(who, when, feature)
        first_use = accounts[f"adopted_{feature}_at"].to_numpy()[account_row]
        admin = (people["position"].to_numpy() == 0) & ~pd.isna(first_use)
        admin &= np.where(pd.isna(first_use), False, first_use < until)
        rows = np.nonzero(admin)[0]
        add(rows, first_use[rows].astype("datetime64[s]"), feature)

    joined = people["joined_at"].to_numpy()
    everyone = np.arange(len(people))
    add(everyone, joined, catalog.SIGNUP, people["device_id"].to_numpy())
    views = rng.integers(1, 4, len(people))
    who = np.repeat(everyone, views)
    when = joined[who] - _days(rng.random(len(who)) * 2.0) - np.timedelta64(60, "s")
    frames.append(
        pd.DataFrame(
            {
                "person_row": who,
                "event": catalog.PAGE_VIEW,
                "time": when.astype("datetime64[s]"),
                "device_id": people["device_id"].to_numpy()[who],
                "identified": False,
            }
        )
    )
    members = np.nonzero(people["position"].to_numpy() > 0)[0]
    admins = people.groupby("account_row").cumcount().to_numpy() == 0
    admin_row = pd.Series(everyone[admins], index=account_row[admins])
    inviter = admin_row.reindex(account_row[members]).to_numpy()
    ok = ~pd.isna(inviter)
    inviter = inviter[ok].astype(np.int64)
    add(
        inviter,
        (joined[members[ok]] - np.timedelta64(3600, "s")).astype("datetime64[s]"),
        catalog.INVITE,
    )

    events = pd.concat(frames, ignore_index=True)
    events = events[events["time"] >= EPOCH_START - np.timedelta64(3, "D")]
    events["person_id"] = people["person_id"].to_numpy()[events["person_row"]]
    events["account_id"] = people["account_id"].to_numpy()[events["person_row"]]
    events["user_id"] = np.where(
        events["identified"], people["user_id"].to_numpy()[events["person_row"]], None
    )
    events = _with_acquisition(company, accounts, people, events)
    return events.sort_values(["time", "person_row"], kind="stable").reset_index(drop=True)


def _device_at(rng: np.random.Generator, people: pd.DataFrame, who: np.ndarray) -> np.ndarray:
    primary = people["device_id"].to_numpy()[who]
    second = people["second_device_id"].to_numpy()[who]
    use_second = pd.notna(second) & (rng.random(len(who)) < 0.35)
    return np.where(use_second, second, primary)


def _with_acquisition(
    company: Company, accounts: pd.DataFrame, people: pd.DataFrame, events: pd.DataFrame
) -> pd.DataFrame:
    """Puts the account's acquisition (UTMs and the ad click id) on its first person's
    landing page view and signup, as a web SDK captures them from the landing URL."""
    account_row = people["account_row"].to_numpy()[events["person_row"]]
    first_person = people["position"].to_numpy()[events["person_row"]] == 0
    tagged = first_person & events["event"].isin([catalog.SIGNUP, catalog.PAGE_VIEW]).to_numpy()
    channel = accounts["channel"].to_numpy()[account_row]
    key = accounts["campaign_key"].to_numpy()[account_row]
    names = dict(zip(company.campaigns["campaign_key"], company.campaigns["name"]))
    source = np.array([catalog.UTM_SOURCE.get(c) for c in channel], dtype=object)
    paid = tagged & pd.notna(key)
    events["utm_source"] = np.where(paid, source, None)
    events["utm_medium"] = np.where(paid, np.where(channel == "google_ads", "cpc", "paid_social"),
                                    None)
    events["utm_campaign"] = np.where(paid, [names.get(k) for k in key], None)
    events["click_id_param"] = np.where(paid, [catalog.CLICK_ID.get(c) for c in channel], None)
    # One ad click per acquired account: its landing page views and signup carry the same id.
    click_id = np.full(len(events), None, dtype=object)
    account_idx = accounts["account_idx"].to_numpy()[account_row]
    click_id[paid] = ids.base62(company.config.seed, "click", account_idx[paid], 22)
    events["click_id"] = click_id
    organic = tagged & (channel == "organic_search")
    events.loc[organic, "referrer"] = "https://www.google.com/"
    referral = tagged & (channel == "referral")
    events.loc[referral, "referrer"] = "https://www.g2.com/"
    if "referrer" not in events:
        events["referrer"] = None
    return events


# --- support --------------------------------------------------------------------------------


def _tickets(
    company: Company, rng: np.random.Generator, accounts: pd.DataFrame, people: pd.DataFrame
) -> pd.DataFrame:
    person, week_start = _person_weeks(people)
    account_row = people["account_row"].to_numpy()
    engagement = accounts["engagement"].to_numpy()[account_row[person]]
    signup = accounts["signup_at"].to_numpy()[account_row[person]]
    rate = 0.012 * (1.0 + 0.6 * (engagement < -0.5))
    rate = rate + _leading_ticket_rise(company, accounts, account_row[person], week_start)
    rate = rate * (week_start >= signup + TICKETS_AFTER)
    rate = rate * _behaviour_factor(
        company, accounts, account_row[person], week_start, "support_tickets"
    )
    until = people["active_until"].to_numpy()
    who, when = _spread_events(rng, person, week_start, rng.poisson(rate), until, 7.0)
    category = rng.choice(
        [c for c in catalog.TICKET_CATEGORIES if c != "onboarding"], size=len(who)
    )

    onboarding = accounts["has_onboarding_ticket"].to_numpy()
    admins = np.nonzero((people["position"].to_numpy() == 0) & onboarding[account_row])[0]
    count = rng.integers(1, 3, len(admins))
    first_who = np.repeat(admins, count)
    first_when = people["joined_at"].to_numpy()[first_who] + _days(
        0.1 + rng.random(len(first_who)) * 25.0
    )
    fine = first_when < until[first_who]
    who = np.concatenate([who, first_who[fine]])
    when = np.concatenate([when, first_when[fine].astype("datetime64[s]")])
    category = np.concatenate([category, np.full(int(fine.sum()), "onboarding")])

    n = len(who)
    subjects = np.array(
        [catalog.TICKET_SUBJECTS[c][i % 3] for c, i in zip(category, rng.integers(0, 3, n))],
        dtype=object,
    )
    solved_after = _days(rng.exponential(0.4, n) + 0.02)
    solved_at = (when + solved_after).astype("datetime64[s]")
    still_open = solved_at >= EPOCH_END
    role_email = accounts["role_email"].to_numpy()[account_row[who]]
    from_role = pd.notna(role_email) & (rng.random(n) < 0.5)
    tickets = pd.DataFrame(
        {
            "ticket_idx": np.arange(n),
            "person_id": people["person_id"].to_numpy()[who],
            "account_id": people["account_id"].to_numpy()[who],
            "person_row": who,
            "created_at": when,
            "solved_at": np.where(still_open, np.datetime64("NaT"), solved_at),
            "category": category,
            "subject": subjects,
            "priority": rng.choice(["urgent", "high", "normal", "low"], n,
                                   p=[0.05, 0.2, 0.6, 0.15]),
            "status": np.where(still_open, "open", "solved"),
            "channel": rng.choice(["email", "web", "chat"], n, p=[0.5, 0.35, 0.15]),
            "satisfaction": rng.choice(["good", "bad", None], n, p=[0.45, 0.1, 0.45]),
            "requester_email": np.where(
                from_role, role_email, people["email"].to_numpy()[who]
            ),
            "from_role_address": from_role,
        }
    )
    return tickets.sort_values("created_at", kind="stable").reset_index(drop=True)


# --- lifecycle email ------------------------------------------------------------------------


def _email_events(
    company: Company, rng: np.random.Generator, accounts: pd.DataFrame, people: pd.DataFrame
) -> pd.DataFrame:
    joined = people["joined_at"].to_numpy()
    until = people["active_until"].to_numpy()
    n_people = len(people)
    account_row = people["account_row"].to_numpy()

    onboarding_person = np.repeat(np.arange(n_people), len(catalog.ONBOARDING_EMAILS))
    step = np.tile(np.arange(len(catalog.ONBOARDING_EMAILS)), n_people)
    offsets = np.array([d for d, _ in catalog.ONBOARDING_EMAILS], dtype=np.float64)[step]
    onboarding_time = joined[onboarding_person] + _days(offsets + 0.05)
    names = np.array([s for _, s in catalog.ONBOARDING_EMAILS], dtype=object)[step]

    first_letter = EPOCH_START + np.timedelta64(3, "D")
    letters = first_letter + _days(np.arange(0, TOTAL_DAYS, catalog.NEWSLETTER_DAYS))
    grid_person = np.repeat(np.arange(n_people), len(letters))
    grid_time = np.tile(letters, n_people)
    on_list = (grid_time >= joined[grid_person]) & (grid_time < until[grid_person])
    grid_person, grid_time = grid_person[on_list], grid_time[on_list]
    month = ((grid_time - EPOCH_START) / np.timedelta64(1, "D")).astype(int) // 28
    newsletter_names = np.array([f"Product newsletter #{m + 1}" for m in month], dtype=object)

    who = np.concatenate([onboarding_person, grid_person])
    when = np.concatenate([onboarding_time, grid_time]).astype("datetime64[s]")
    campaign = np.concatenate([names, newsletter_names])
    kind = np.concatenate([np.full(len(onboarding_person), "onboarding"),
                           np.full(len(grid_person), "newsletter")])
    keep = when < until[who]
    who, when, campaign, kind = who[keep], when[keep], campaign[keep], kind[keep]

    n = len(who)
    unsubscribed_at = _unsubscribe_times(rng, people)
    live = when < unsubscribed_at[who]
    who, when, campaign, kind = who[live], when[live], campaign[live], kind[live]
    n = len(who)

    bounced = rng.random(n) < 0.015
    propensity = people["open_propensity"].to_numpy()[who]
    propensity = propensity * _behaviour_factor(
        company, accounts, account_row[who], when, "email_opens"
    )
    opened = ~bounced & (rng.random(n) < propensity)
    clicked = opened & (rng.random(n) < 0.3 + 0.2 * propensity)
    is_onboarding = kind == "onboarding"
    flag = accounts["clicked_onboarding_email"].to_numpy()[account_row[who]]
    clicked = np.where(is_onboarding & ~flag, False, clicked)
    admin_first = (people["position"].to_numpy()[who] == 0) & is_onboarding
    forced = admin_first & flag & (campaign == catalog.ONBOARDING_EMAILS[1][1]) & ~bounced
    opened = opened | forced
    clicked = clicked | forced

    send_id = np.arange(n)
    rows = [
        (np.ones(n, dtype=bool), "sent", 0.0),
        (~bounced, "delivered", 2.0 / 86_400),
        (bounced, "bounced", 5.0 / 86_400),
        (opened, "opened", None),
        (clicked, "clicked", None),
    ]
    frames = []
    open_delay = rng.exponential(0.3, n) + 0.001
    for mask, metric, delay in rows:
        offset = open_delay if delay is None else np.full(n, delay)
        if metric == "clicked":
            offset = open_delay + rng.exponential(0.01, n) + 0.0005
        frames.append(
            pd.DataFrame(
                {
                    "send_id": send_id[mask],
                    "person_row": who[mask],
                    "campaign_name": campaign[mask],
                    "campaign_kind": kind[mask],
                    "metric": metric,
                    "time": (when[mask] + _days(offset[mask])).astype("datetime64[s]"),
                }
            )
        )
    unsub = np.nonzero(unsubscribed_at < until)[0]
    frames.append(
        pd.DataFrame(
            {
                "send_id": -1,
                "person_row": unsub,
                "campaign_name": None,
                "campaign_kind": "newsletter",
                "metric": "unsubscribed",
                "time": unsubscribed_at[unsub],
            }
        )
    )
    events = pd.concat(frames, ignore_index=True)
    events = events[events["time"] < until[events["person_row"]]]
    events["person_id"] = people["person_id"].to_numpy()[events["person_row"]]
    events["account_id"] = people["account_id"].to_numpy()[events["person_row"]]
    return events.sort_values(["time", "send_id"], kind="stable").reset_index(drop=True)


def _unsubscribe_times(rng: np.random.Generator, people: pd.DataFrame) -> np.ndarray:
    joined = people["joined_at"].to_numpy()
    leaves = rng.random(len(people)) < 0.08
    at = joined + _days(rng.random(len(people)) * TOTAL_DAYS)
    return np.where(leaves, at, EPOCH_END + np.timedelta64(3650, "D")).astype("datetime64[s]")


# --- billing --------------------------------------------------------------------------------


def _billing(
    rng: np.random.Generator, accounts: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(accounts)
    signup = accounts["signup_at"].to_numpy()
    churned = accounts["churned_at"].to_numpy()
    trial_end = (signup + np.timedelta64(14, "D")).astype("datetime64[s]")
    quantity = accounts["size"].to_numpy() + (rng.random(n) < 0.15)
    past_due = pd.isna(churned) & (rng.random(n) < 0.02)
    status = np.select(
        [~pd.isna(churned), trial_end >= EPOCH_END, past_due],
        ["canceled", "trialing", "past_due"],
        "active",
    )
    at_period_end = rng.random(n) < 0.6
    subscriptions = pd.DataFrame(
        {
            "account_id": accounts["account_id"].to_numpy(),
            "account_row": np.arange(n),
            "plan": accounts["plan"].to_numpy(),
            "quantity": quantity,
            "unit_amount_cents": accounts["seat_price_cents"].to_numpy(),
            "start_at": signup,
            "trial_end": trial_end,
            "canceled_at": churned,
            "ended_at": churned,
            "cancel_at_period_end": np.where(pd.isna(churned), False, at_period_end),
            "status": status,
        }
    )

    until = _active_until(accounts)
    cycles = np.ceil((until - trial_end) / np.timedelta64(PERIOD_DAYS, "D")).astype(np.int64)
    cycles = cycles.clip(0)
    row = np.repeat(np.arange(n), cycles)
    number = np.arange(cycles.sum()) - np.repeat(np.cumsum(cycles) - cycles, cycles)
    start = trial_end[row] + _days(number * float(PERIOD_DAYS))
    amount = quantity[row] * accounts["seat_price_cents"].to_numpy()[row]
    recent = start + np.timedelta64(3, "D") >= EPOCH_END
    failed = rng.random(len(row)) < 0.01
    invoices = pd.DataFrame(
        {
            "account_id": accounts["account_id"].to_numpy()[row],
            "account_row": row,
            "invoice_idx": np.arange(len(row)),
            "cycle": number,
            "period_start": start.astype("datetime64[s]"),
            "period_end": (start + np.timedelta64(PERIOD_DAYS, "D")).astype("datetime64[s]"),
            "amount_cents": amount,
            "status": np.select([recent, failed], ["open", "uncollectible"], "paid"),
            "billing_reason": np.where(number == 0, "subscription_create", "subscription_cycle"),
        }
    )
    invoices["paid_at"] = np.where(
        invoices["status"] == "paid",
        invoices["period_start"].to_numpy() + np.timedelta64(3600, "s"),
        np.datetime64("NaT"),
    ).astype("datetime64[s]")
    return subscriptions, invoices


# --- surveys, deals, prospects --------------------------------------------------------------

_COMMENTS = {
    "promoter": ("Setup was painless.", "Reports save us hours every week.", "Great support."),
    "passive": ("Does the job.", "Good, but pricing is steep.", "Dashboards could be faster."),
    "detractor": ("Too many seats billed.", "Hard to get the team to use it.",
                  "Syncs keep failing."),
}


def _surveys(
    rng: np.random.Generator, accounts: pd.DataFrame, people: pd.DataFrame
) -> pd.DataFrame:
    waves = EPOCH_START + _days(np.arange(45, TOTAL_DAYS, 91))
    person = np.repeat(np.arange(len(people)), len(waves))
    sent = np.tile(waves, len(people))
    live = (sent >= people["joined_at"].to_numpy()[person] + np.timedelta64(21, "D")) & (
        sent < people["active_until"].to_numpy()[person]
    )
    answered = live & (rng.random(len(person)) < 0.14)
    person, sent = person[answered], sent[answered]
    engagement = accounts["engagement"].to_numpy()[people["account_row"].to_numpy()[person]]
    score = np.rint(7.2 + 1.4 * engagement + rng.normal(0, 1.6, len(person))).clip(0, 10)
    group = np.select([score >= 9, score >= 7], ["promoter", "passive"], "detractor")
    comment = np.array(
        [_COMMENTS[g][i] for g, i in zip(group, rng.integers(0, 3, len(person)))], dtype=object
    )
    comment = np.where(rng.random(len(person)) < 0.4, comment, None)
    created = sent + _days(rng.exponential(1.5, len(person)))
    keep = created < people["active_until"].to_numpy()[person]
    return pd.DataFrame(
        {
            "response_idx": np.arange(int(keep.sum())),
            "person_id": people["person_id"].to_numpy()[person[keep]],
            "account_id": people["account_id"].to_numpy()[person[keep]],
            "person_row": person[keep],
            "survey_type": "nps",
            "score": score[keep].astype(np.int64),
            "comment": comment[keep],
            "created_at": created[keep].astype("datetime64[s]"),
        }
    ).sort_values("created_at", kind="stable").reset_index(drop=True)


def _deals(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    """Sales-assisted accounts (more than one person) have a won deal before signup, and
    some an open expansion deal later."""
    assisted = np.nonzero((accounts["size"].to_numpy() > 1) & (rng.random(len(accounts)) < 0.7))[0]
    signup = accounts["signup_at"].to_numpy()[assisted]
    annual = (
        accounts["size"].to_numpy()[assisted]
        * accounts["seat_price_cents"].to_numpy()[assisted]
        * 12
        / 100.0
    )
    won = pd.DataFrame(
        {
            "account_row": assisted,
            "kind": "new",
            "created_at": (signup - _days(5 + rng.exponential(20, len(assisted)))).astype(
                "datetime64[s]"
            ),
            "close_at": signup,
            "amount": annual.round(2),
            "stage": "closed_won",
        }
    )
    expanding = assisted[rng.random(len(assisted)) < 0.15]
    created = accounts["signup_at"].to_numpy()[expanding] + _days(
        60 + rng.exponential(90, len(expanding))
    )
    expansion = pd.DataFrame(
        {
            "account_row": expanding,
            "kind": "expansion",
            "created_at": created.astype("datetime64[s]"),
            "close_at": (created + np.timedelta64(45, "D")).astype("datetime64[s]"),
            "amount": (annual[np.searchsorted(assisted, expanding)] * 0.5).round(2),
            "stage": "negotiation",
        }
    )
    deals = pd.concat([won, expansion], ignore_index=True)
    deals = deals[deals["created_at"] < EPOCH_END].reset_index(drop=True)
    deals["account_id"] = accounts["account_id"].to_numpy()[deals["account_row"]]
    names = accounts["name"].to_numpy()[deals["account_row"].to_numpy()]
    suffix = np.where(deals["kind"].to_numpy() == "expansion", " - Expansion", " - New")
    deals["name"] = names.astype(str) + suffix
    deals["deal_idx"] = np.arange(len(deals))
    return deals


def _prospects(config: DemoConfig, rng: np.random.Generator, lo: int, hi: int) -> pd.DataFrame:
    """Leads that never became customers: CRM-only people, as every real CRM holds."""
    count = (hi - lo) // (6 if config.consumer else 5)
    index = np.arange(lo, lo + count)
    first = rng.choice(catalog.FIRST_NAMES, size=count)
    last = rng.choice(catalog.LAST_NAMES, size=count)
    tag = ids.base36(config.seed, "prospect", index, 5)
    created = EPOCH_START + _days(rng.random(count) * (TOTAL_DAYS - 1))
    return pd.DataFrame(
        {
            "prospect_idx": index,
            "prospect_id": [f"prospect_{i:07d}" for i in index],
            "first_name": first,
            "last_name": last,
            "email": [f"{_ascii(f)}.{_ascii(s)}@prospect-{t}.com"
                      for f, s, t in zip(first, last, tag)],
            "company": [f"Prospect {t.upper()}" for t in tag],
            "created_at": created.astype("datetime64[s]"),
        }
    )


# --- advertising ----------------------------------------------------------------------------


def ad_spend(company: Company) -> pd.DataFrame:
    """Daily spend, clicks, impressions and platform-reported conversions per campaign.

    Spend follows each campaign's expected signups (the same growth curve the accounts are
    drawn from) times its cost per acquisition, so that spend over the customers it really
    brought back gives the campaign's CPA. During the planted contradiction the channel's
    platforms report the extra conversions while spend stays flat.
    """
    config, campaigns = company.config, company.campaigns
    rng = np.random.default_rng([config.seed, 2])
    growth = np.log(2.2)
    day = np.arange(TOTAL_DAYS)
    density = growth * np.exp(growth * day / (TOTAL_DAYS - 1)) / ((TOTAL_DAYS - 1)
                                                                    * np.expm1(growth))
    frames = []
    for campaign in campaigns.itertuples(index=False):
        expected = config.customers * catalog.PAID_SHARE * campaign.share * density
        converted = expected.copy()
        if campaign.channel == company.patterns.contradiction_channel:
            start, end = company.patterns.contradiction_window
            moved = config.customers * catalog.PAID_SHARE * campaign.share * 0.05
            converted[start:end] += moved / (end - start)
        spend = expected * campaign.cpa * rng.lognormal(0.0, 0.2, TOTAL_DAYS)
        clicks = rng.poisson(spend / campaign.cpc)
        impressions = rng.poisson(np.maximum(clicks, 1) / campaign.ctr)
        conversions = np.round(converted * 0.8 * rng.lognormal(0.0, 0.25, TOTAL_DAYS), 2)
        frames.append(
            pd.DataFrame(
                {
                    "campaign_key": campaign.campaign_key,
                    "channel": campaign.channel,
                    "campaign_name": campaign.name,
                    "date": (EPOCH_START + _days(day)).astype("datetime64[D]"),
                    "spend": np.round(spend, 2),
                    "clicks": clicks,
                    "impressions": impressions,
                    "conversions": conversions,
                }
            )
        )
    if not frames:
        columns = ["campaign_key", "channel", "campaign_name", "date", "spend", "clicks",
                   "impressions", "conversions"]
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)
