"""How identifiers are made comparable across tools, and which ones cannot name a person."""

from __future__ import annotations

import pandas as pd

# Kinds whose values mean the same thing in every tool; every other kind is scoped to the
# tool that issued it (a Mixpanel device id and an Amplitude device id are unrelated).
GLOBAL_KINDS = frozenset({"email", "user_id"})
# Kinds that name an account-level entity rather than a person.
ACCOUNT_KINDS = frozenset(
    {"crm_account_id", "customer_id", "workspace_id", "organization_id", "domain"}
)
ROLE_LOCAL_PARTS = frozenset(
    {
        "accounts", "admin", "billing", "careers", "contact", "finance", "hello", "help",
        "hr", "info", "it", "jobs", "marketing", "no-reply", "noreply", "office", "ops",
        "press", "sales", "security", "support", "team", "webmaster",
    }
)
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com",
        "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.de",
        "live.com", "msn.com", "yandex.ru", "mail.com",
    }
)
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# Account-level kinds issued by the company itself (its own workspace ids) or by nobody
# (domains): the same value means the same account whichever tool carries it.
UNSCOPED_ACCOUNT_KINDS = frozenset({"workspace_id", "domain"})


def normalise_emails(emails: pd.Series) -> pd.Series:
    """Lower case, trimmed, without a plus tag; Gmail ignores dots in the local part."""
    text = emails.astype("string").str.strip().str.lower()
    parts = text.str.extract(r"^(?P<local>[^@\s]+)@(?P<domain>[^@\s]+\.[^@\s]+)$")
    local = parts["local"].astype("string").str.split("+", n=1).str[0].astype("string")
    domain = parts["domain"].astype("string").replace({"googlemail.com": "gmail.com"})
    local = local.where(~domain.isin(GMAIL_DOMAINS), local.str.replace(".", "", regex=False))
    return local.str.cat(domain, sep="@").astype("string")


def email_domain(emails: pd.Series) -> pd.Series:
    return emails.str.split("@", n=1).str[1]


def is_role_address(normalised: pd.Series) -> pd.Series:
    """Shared mailboxes (team@, support@, billing@ ...): an address many people use."""
    local = normalised.str.split("@", n=1).str[0]
    return local.isin(ROLE_LOCAL_PARTS).fillna(False).astype(bool)


def is_free_mail(domains: pd.Series) -> pd.Series:
    return domains.isin(FREE_MAIL_DOMAINS).fillna(False).astype(bool)


def node_keys(sources: pd.Series, kinds: pd.Series, values: pd.Series) -> pd.Series:
    """The graph node of each identifier: `kind:value` for global kinds, else scoped by
    the issuing tool as `source/kind:value`."""
    value = values.astype("string").str.strip()
    is_email = (kinds == "email").to_numpy()
    if is_email.any():
        value = value.copy()
        value[is_email] = normalise_emails(value[is_email])
    scoped = sources.astype("string") + "/" + kinds.astype("string") + ":" + value
    shared = kinds.astype("string") + ":" + value
    return shared.where(kinds.isin(GLOBAL_KINDS | UNSCOPED_ACCOUNT_KINDS), scoped)
