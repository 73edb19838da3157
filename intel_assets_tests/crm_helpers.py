"""Checks the two CRM source tests share: contacts carry the answer key's emails, with the
CRM's own share of case changes and plus-addresses, and account-level identifiers belong to
no person."""

from __future__ import annotations

import pandas as pd

from intel_assets_tests.conftest import ExportedTool


def identities(result: ExportedTool, kind: str) -> pd.DataFrame:
    keyed = result.identities[result.identities["kind"] == kind]
    return keyed.set_index("identifier")


def assert_contact_emails_match(
    result: ExportedTool, contacts: pd.DataFrame, people: pd.DataFrame, *, tool: str
) -> pd.DataFrame:
    """Every contact's email is its true person's, as the CRM writes it; returns the answer
    key's row of every contact."""
    by_contact = identities(result, "contact_id").reindex(contacts["id"])
    assert by_contact["person_id"].notna().all()
    emails = result.identities[result.identities["kind"] == "email"]
    email_person = dict(zip(emails["identifier"], emails["person_id"], strict=True))
    assert [email_person[e] for e in contacts["email"]] == list(by_contact["person_id"])

    true_email = people.set_index("person_id")["email"].reindex(by_contact["person_id"])
    written = contacts["email"].str.lower().str.replace(f"+{tool}@", "@", regex=False)
    assert (written.to_numpy() == true_email.str.lower().to_numpy()).all()
    assert 0.05 < (contacts["email"] != contacts["email"].str.lower()).mean() < 0.16
    assert 0.02 < contacts["email"].str.contains(f"+{tool}@", regex=False).mean() < 0.09
    return by_contact


def assert_account_identifiers_name_no_person(result: ExportedTool, accounts: pd.Series) -> None:
    """CRM account ids and domains are account-level: they name an account, never a person."""
    account_ids = identities(result, "crm_account_id")
    assert set(account_ids.index) == set(accounts)
    assert account_ids["person_id"].isna().all()
    domains = identities(result, "domain")
    assert domains["person_id"].isna().all()
    assert set(domains["account_id"]) <= set(account_ids["account_id"])
