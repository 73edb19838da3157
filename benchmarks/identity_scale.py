"""Identity resolution at scale: seconds, peak memory and accuracy at N customers.

Builds an observation table in DuckDB SQL with the demo's shape (its record layouts per
tool, about 2.6 people per account, 60-70 observations per account), with its own
answer key, then runs the function the `identity_map` asset calls. Each size runs in child
processes (generate, resolve, score), so the peak RSS reported for resolving is that
step's alone. The baseline size runs in the same invocation; the time ratio is compared
with linear scaling (1.0 means exactly linear).

    .venv/bin/python benchmarks/identity_scale.py                  # 1,000,000 customers
    .venv/bin/python benchmarks/identity_scale.py --customers 100000

The last line printed is JSON.

The shapes, per account: people 1 + a geometric count (mean about 2.6); a company domain,
with about a fifth of people on free mail instead (Gmail with dots, so normalisation
matters); Mixpanel anonymous and identified event sets per device, one person in about
twenty-five sharing a device with a colleague; Customer.io profiles on plus-addresses;
HubSpot contacts in upper case with their company; one Stripe customer, paid by the
account's first person or from a billing@ role address; Zendesk tickets, in a quarter of
accounts also from a team@ role address used by two people; survey answers by email.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intel_assets.evaluation.identity_metrics import pairwise_scores  # noqa: E402
from intel_assets.identity.resolve import resolve_in_warehouse  # noqa: E402

START = "TIMESTAMP '2025-01-01'"


def _u(key: str, salt: str, seed: int) -> str:
    """A uniform number in [0, 1) from a hash, so that the data does not depend on the
    number of threads that generate it."""
    return f"((hash({key}, '{salt}', {seed}) % 1000003) / 1000003.0)"


def _people_sql(customers: int, seed: int) -> str:
    geometric = f"least(30, floor(-ln(1 - {_u('a', 'size', seed)}) * 2.1))"
    return f"""
        CREATE TABLE people AS
        WITH accounts AS (
            SELECT a, CAST(1 + {geometric} AS INTEGER) AS size,
                   {_u('a', 'role', seed)} < 0.25 AS has_team,
                   {_u('a', 'bill', seed)} < 0.1 AS bills_by_role
            FROM range({customers}) AS t(a)
        ),
        expanded AS (
            SELECT a, size, has_team, bills_by_role, unnest(range(size)) AS i FROM accounts
        )
        SELECT a, i, size, has_team, bills_by_role,
               'acct_' || a AS account, 'per_' || a || '_' || i AS person,
               'co' || a || '.example' AS domain,
               CASE WHEN {_u('a, i', 'free', seed)} < 0.2 THEN 'gmail.com'
                    ELSE 'co' || a || '.example' END AS mail_domain,
               'u' || a || 'x' || i AS user_id,
               1 + CAST({_u('a, i', 'dev', seed)} < 0.35 AS INTEGER) AS devices,
               i > 0 AND {_u('a, i', 'share', seed)} < 0.04 AS shares_device,
               {_u('a, i', 'crm', seed)} < 0.9 AS in_crm,
               {_u('a, i', 'cio', seed)} < 0.9 AS in_cio,
               {_u('a, i', 'zd', seed)} < 0.3 AS files_tickets,
               {_u('a, i', 'survey', seed)} < 0.15 AS answers_survey,
               {START} + to_seconds(CAST(({_u('a, i', 't', seed)} * 5e7) AS BIGINT))
                   AS first_seen
        FROM expanded
    """


def _email(person: str = "p") -> str:
    """first.last style, so Gmail's dot rule changes the key."""
    return f"'ann.lee' || {person}.a || 'x' || {person}.i || '@' || {person}.mail_domain"


OBSERVATION_SQL = f"""
    CREATE TABLE observations AS
    WITH devices AS (
        SELECT p.*, unnest(range(p.devices)) AS d FROM people AS p
    ),
    device_ids AS (
        -- A shared device is the previous colleague's first device.
        SELECT d.*, CASE WHEN d.shares_device AND d.d = 0
                         THEN 'dev' || d.a || 'x' || (d.i - 1) || 'x0'
                         ELSE 'dev' || d.a || 'x' || d.i || 'x' || d.d END AS device
        FROM devices AS d
    ),
    sets AS (
        SELECT 'mixpanel' AS source, 'anon|' || device || '|' || user_id AS record_id,
               first_seen AS t,
               [['anonymous_id', device], ['tool_user_id', '$device:' || device],
                ['workspace_id', 'ws_' || a]] AS ids
        FROM device_ids
        UNION ALL
        SELECT 'mixpanel', 'ident|' || device || '|' || user_id, first_seen + INTERVAL 1 HOUR,
               [['anonymous_id', device], ['tool_user_id', user_id], ['user_id', user_id],
                ['workspace_id', 'ws_' || a]]
        FROM device_ids
        UNION ALL
        SELECT 'mixpanel', 'profile|' || user_id, first_seen + INTERVAL 2 HOUR,
               [['email', {_email()}], ['user_id', user_id], ['workspace_id', 'ws_' || a]]
        FROM people AS p
        UNION ALL
        SELECT 'customerio', 'cio|' || user_id, first_seen + INTERVAL 3 HOUR,
               [['email', replace({_email()}, '@', '+news@')], ['profile_id', 'cio' || user_id],
                ['user_id', user_id]]
        FROM people AS p WHERE in_cio
        UNION ALL
        SELECT 'hubspot', 'contact|' || user_id, first_seen + INTERVAL 4 HOUR,
               [['contact_id', 'hs' || user_id], ['crm_account_id', 'hsa' || a],
                ['email', upper({_email()})]]
        FROM people AS p WHERE in_crm
        UNION ALL
        SELECT 'hubspot', 'company|' || a, first_seen,
               [['crm_account_id', 'hsa' || a], ['domain', domain]]
        FROM people WHERE i = 0
        UNION ALL
        SELECT 'stripe', 'cus|' || a, first_seen + INTERVAL 5 HOUR,
               CASE WHEN bills_by_role
                    THEN [['customer_id', 'cus_' || a], ['email', 'billing@' || domain]]
                    ELSE [['customer_id', 'cus_' || a], ['email', {_email()}],
                          ['user_id', user_id]] END
        FROM people AS p WHERE i = 0
        UNION ALL
        SELECT 'zendesk', 'ticket|' || user_id, first_seen + INTERVAL 6 HOUR,
               [['email', replace({_email()}, '@', '+help@')], ['organization_id', 'zo' || a],
                ['requester_id', 'zr' || user_id], ['user_id', user_id],
                ['workspace_id', 'ws_' || a]]
        FROM people AS p WHERE files_tickets
        UNION ALL
        SELECT 'zendesk', 'team|' || user_id, first_seen + INTERVAL 7 HOUR,
               [['email', 'team@' || domain], ['organization_id', 'zo' || a],
                ['requester_id', 'zrteam' || a], ['user_id', user_id]]
        FROM people WHERE has_team AND i < 2
        UNION ALL
        SELECT 'zendesk', 'org|' || a, first_seen,
               [['domain', domain], ['organization_id', 'zo' || a], ['workspace_id', 'ws_' || a]]
        FROM people WHERE i = 0 AND (has_team OR files_tickets)
        UNION ALL
        SELECT 'survey', 'answer|' || user_id, first_seen + INTERVAL 30 DAY,
               [['email', {_email()}]]
        FROM people AS p WHERE answers_survey
    )
    SELECT source, record_id, pair[1] AS kind, pair[2] AS value, t AS observed_at
    FROM (SELECT *, unnest(ids) AS pair FROM sets)
"""

# The answer key from the generator's own people, never from the resolver: every person
# identifier with its person and account; role addresses, shared mailboxes' requester ids
# and account-level ids with their account only. A shared device belongs to its owner.
TRUTH_SQL = f"""
    CREATE TABLE truth AS
    WITH own_devices AS (
        SELECT person, account, 'dev' || a || 'x' || i || 'x' || d AS device
        FROM (SELECT *, unnest(range(devices)) AS d FROM people)
        WHERE NOT (shares_device AND d = 0)
    ),
    owned AS (
        SELECT 'mixpanel' AS source, device AS identifier, person, account FROM own_devices
        UNION ALL SELECT 'mixpanel', '$device:' || device, person, account FROM own_devices
        UNION ALL SELECT 'mixpanel', user_id, person, account FROM people
        UNION ALL SELECT 'mixpanel', {_email('people')}, person, account FROM people
        UNION ALL SELECT 'customerio', replace({_email('people')}, '@', '+news@'), person,
                         account FROM people WHERE in_cio
        UNION ALL SELECT 'customerio', 'cio' || user_id, person, account FROM people
                  WHERE in_cio
        UNION ALL SELECT 'customerio', user_id, person, account FROM people WHERE in_cio
        UNION ALL SELECT 'hubspot', 'hs' || user_id, person, account FROM people WHERE in_crm
        UNION ALL SELECT 'hubspot', upper({_email('people')}), person, account FROM people
                  WHERE in_crm
        UNION ALL SELECT 'stripe', {_email('people')}, person, account FROM people
                  WHERE i = 0 AND NOT bills_by_role
        UNION ALL SELECT 'stripe', user_id, person, account FROM people
                  WHERE i = 0 AND NOT bills_by_role
        UNION ALL SELECT 'zendesk', replace({_email('people')}, '@', '+help@'), person,
                         account FROM people WHERE files_tickets
        UNION ALL SELECT 'zendesk', 'zr' || user_id, person, account FROM people
                  WHERE files_tickets
        UNION ALL SELECT 'zendesk', user_id, person, account FROM people
                  WHERE files_tickets OR (has_team AND i < 2)
        UNION ALL SELECT 'survey', {_email('people')}, person, account FROM people
                  WHERE answers_survey
    ),
    account_level AS (
        SELECT 'mixpanel' AS source, 'ws_' || a AS identifier, account FROM people WHERE i = 0
        UNION ALL SELECT 'hubspot', 'hsa' || a, account FROM people WHERE i = 0
        UNION ALL SELECT 'hubspot', domain, account FROM people WHERE i = 0
        UNION ALL SELECT 'stripe', 'cus_' || a, account FROM people WHERE i = 0
        UNION ALL SELECT 'stripe', 'billing@' || domain, account FROM people
                  WHERE i = 0 AND bills_by_role
        UNION ALL SELECT 'zendesk', 'team@' || domain, account FROM people
                  WHERE i = 0 AND has_team
        UNION ALL SELECT 'zendesk', 'zrteam' || a, account FROM people WHERE i = 0 AND has_team
        UNION ALL SELECT 'zendesk', 'zo' || a, account FROM people
                  WHERE i = 0 AND (has_team OR files_tickets)
        UNION ALL SELECT 'zendesk', domain, account FROM people
                  WHERE i = 0 AND (has_team OR files_tickets)
        UNION ALL SELECT 'zendesk', 'ws_' || a, account FROM people
                  WHERE i = 0 AND (has_team OR files_tickets)
    )
    SELECT DISTINCT source, lower(identifier) AS identifier, person AS person_id,
           account AS account_id
    FROM owned
    UNION ALL
    SELECT DISTINCT source, lower(identifier), NULL, account FROM account_level
"""

SCORE_SQL = """
    WITH predicted AS (
        SELECT source, lower(trim(value)) AS identifier,
               arg_min(person_id, (kind, value)) AS person_id,
               arg_min(customer_id, (kind, value)) AS customer_id
        FROM identity_map
        GROUP BY ALL
    ),
    joined AS (
        SELECT t.person_id AS true_person, t.account_id AS true_account,
               p.person_id, p.customer_id
        FROM truth AS t
        LEFT JOIN predicted AS p USING (source, identifier)
    )
    SELECT dense_rank() OVER (ORDER BY true_person) AS person_label,
           dense_rank() OVER (ORDER BY true_account) AS account_label,
           true_person IS NOT NULL AS has_person,
           CASE WHEN person_id IS NOT NULL THEN dense_rank() OVER (ORDER BY person_id) END
               AS predicted_person,
           CASE WHEN customer_id IS NOT NULL
                THEN dense_rank() OVER (ORDER BY customer_id) END AS predicted_customer
    FROM joined
"""


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(db: Path, customers: int, seed: int) -> dict[str, float]:
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(_people_sql(customers, seed))
        con.execute(OBSERVATION_SQL)
        con.execute(TRUTH_SQL)
        observations = con.execute("SELECT count(*) FROM observations").fetchall()[0][0]
        people = con.execute("SELECT count(*) FROM people").fetchall()[0][0]
    return {"generate_seconds": round(time.perf_counter() - started, 1),
            "observations": int(observations), "true_people": int(people)}


def resolve(db: Path, memory_limit: str) -> dict[str, float]:
    before = _rss_mb()
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        con.execute("SET TimeZone = 'UTC'")
        figures = resolve_in_warehouse(
            con, source="observations", target="identity_map", memory_limit=memory_limit
        )
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(_rss_mb(), 1),
        "rss_before_mb": round(before, 1),
        "observations_per_second": round(figures.observations / seconds),
        "identifiers": figures.identifiers,
        "people": figures.people,
        "accounts": figures.customers,
        "shared_identifiers": figures.shared_identifiers,
        "components_broken_up": figures.broken_components,
    }


def score(db: Path, memory_limit: str) -> dict[str, float]:
    """Scored with the project's pairwise metric, on the labels DuckDB hands over as arrays."""
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        labels = con.execute(SCORE_SQL).fetchnumpy()
    has_person = np.asarray(labels["has_person"], dtype=bool)
    everything = np.ones(len(has_person), dtype=bool)

    def series(name: str, rows: np.ndarray) -> pd.Series:
        values = np.ma.filled(np.ma.asarray(labels[name]).astype("float64"), np.nan)
        return pd.Series(values[rows])

    people = pairwise_scores(
        series("person_label", has_person), series("predicted_person", has_person)
    )
    accounts = pairwise_scores(
        series("account_label", everything), series("predicted_customer", everything)
    )
    return {
        "precision": round(people.precision, 5), "recall": round(people.recall, 5),
        "f1": round(people.f1, 5), "account_precision": round(accounts.precision, 5),
        "account_recall": round(accounts.recall, 5), "account_f1": round(accounts.f1, 5),
        "score_peak_rss_mb": round(_rss_mb(), 1),
    }


def _child(stage: str, db: Path, args: argparse.Namespace) -> dict[str, float]:
    command = [sys.executable, __file__, "--stage", stage, "--db", str(db),
               "--customers", str(args.customers), "--seed", str(args.seed),
               "--memory-limit", args.memory_limit]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{stage} at {args.customers:,} customers failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(customers: int, args: argparse.Namespace, folder: Path) -> dict[str, float]:
    db = folder / f"identity_{customers}.duckdb"
    db.unlink(missing_ok=True)
    sized = argparse.Namespace(**{**vars(args), "customers": customers})
    result: dict[str, float] = {"customers": customers}
    for stage in ("generate", "resolve", "score"):
        result.update(_child(stage, db, sized))
    db.unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--stage", choices=("generate", "resolve", "score"))
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()

    if args.stage:
        stage = {"generate": lambda: generate(args.db, args.customers, args.seed),
                 "resolve": lambda: resolve(args.db, args.memory_limit),
                 "score": lambda: score(args.db, args.memory_limit)}[args.stage]
        print(json.dumps(stage()))
        return

    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="identity-scale-") as folder:
        baseline = measure(args.baseline, args, Path(folder))
        print(f"baseline {json.dumps(baseline)}", flush=True)
        target = measure(args.customers, args, Path(folder))
        print(f"target {json.dumps(target)}", flush=True)

    size_ratio = target["observations"] / baseline["observations"]
    time_ratio = target["seconds"] / baseline["seconds"]
    report = {
        "baseline": baseline,
        "target": target,
        "observation_ratio": round(size_ratio, 2),
        "time_ratio": round(time_ratio, 2),
        "time_ratio_vs_linear": round(time_ratio / size_ratio, 3),
    }
    print(
        f"{target['customers']:,} customers: {target['observations']:,} observations in "
        f"{target['seconds']:.1f}s ({target['observations_per_second']:,.0f}/s), peak RSS "
        f"{target['peak_rss_mb']:,.0f} MB; people F1 {target['f1']}, accounts F1 "
        f"{target['account_f1']}; time {time_ratio:.1f}x the baseline for {size_ratio:.1f}x "
        f"the observations ({time_ratio / size_ratio:.2f} of linear)"
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
