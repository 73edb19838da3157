"""How identifiers are made comparable across tools, and which ones cannot name a person.

The rules are written as DuckDB SQL expressions because they run in the warehouse over
every distinct identifier (tens of millions at a million customers), where Python strings
would not fit in memory.
"""

from __future__ import annotations

from collections.abc import Iterable

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

# The ASCII whitespace Python's str.strip removes, as one literal (a chr() expression would
# be evaluated per row); other Unicode spaces are kept, so a value padded with a no-break
# space stays distinct from the bare value.
_WHITESPACE = "' \t\n\x0b\x0c\r'"
_EMAIL_SHAPE = r"'^[^@\s]+@[^@\s]+\.[^@\s]+$'"


def sql_list(values: Iterable[str]) -> str:
    """A SQL list literal of the given words, sorted so the query text is stable."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) + ")"


def stripped(column: str) -> str:
    """The value without surrounding whitespace, as every tool's export is compared."""
    return f"trim({column}, {_WHITESPACE})"


def node_keys_sql(identifiers: str) -> str:
    """A query adding `node` to the rows of `identifiers` (source, kind, value, ...): the
    graph node of an identifier, `kind:value` for global kinds, else scoped by the issuing
    tool as `source/kind:value`. Emails are lower-cased and lose their plus tag; Gmail
    ignores dots in the local part; text not shaped like an address gives NULL (it names
    nobody). Each part is a column so that DuckDB computes it once per row."""
    unscoped = sql_list(GLOBAL_KINDS | UNSCOPED_ACCOUNT_KINDS)
    return f"""
        WITH lowered AS (
            SELECT *, CASE WHEN kind = 'email' THEN lower(value) END AS _email
            FROM {identifiers}
        ),
        parts AS (
            SELECT *,
                   regexp_matches(_email, {_EMAIL_SHAPE}) AS _is_address,
                   split_part(split_part(_email, '@', 1), '+', 1) AS _local,
                   split_part(_email, '@', 2) AS _raw_domain
            FROM lowered
        ),
        domains AS (
            SELECT *,
                   CASE WHEN _raw_domain = 'googlemail.com' THEN 'gmail.com'
                        ELSE _raw_domain END AS _domain
            FROM parts
        ),
        normalised AS (
            SELECT *,
                   CASE WHEN kind <> 'email' THEN value
                        WHEN _is_address AND _domain = 'gmail.com'
                            THEN replace(_local, '.', '') || '@' || _domain
                        WHEN _is_address THEN _local || '@' || _domain
                   END AS _text
            FROM domains
        )
        SELECT * EXCLUDE (_email, _is_address, _local, _raw_domain, _domain, _text),
               CASE WHEN kind IN {unscoped} THEN kind || ':' || _text
                    ELSE source || '/' || kind || ':' || _text END AS node
        FROM normalised
    """


def email_of(node: str) -> str:
    return f"substr({node}, 7)"


def is_role_address(kind: str, node: str) -> str:
    """Shared mailboxes (team@, support@, billing@ ...): an address many people use."""
    local = f"split_part({email_of(node)}, '@', 1)"
    return f"({kind} = 'email' AND {local} IN {sql_list(ROLE_LOCAL_PARTS)})"


def is_free_mail(domain: str) -> str:
    return f"({domain} IN {sql_list(FREE_MAIL_DOMAINS)})"
