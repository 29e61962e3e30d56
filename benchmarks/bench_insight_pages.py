"""Managers' pages at scale (issue 16): the office queue (/staff/) and the caseload and staffing
page (/staff/insight/) over N dossiers on PostgreSQL. Goal: p95 at most 300 ms at 1,000,000.

The dossiers are written by SQL in a throwaway database (created, then dropped); a quarter of
them sit at one office (OCMW Gent), the office both pages are asked for, so the figures are
its worst case. The monthly summary is rebuilt with `loket insight refresh`'s function (timed).
Each page is requested `--requests` times through the app's test client, one after another.

    .venv/bin/python benchmarks/bench_insight_pages.py [--dossiers 1000000] [--requests 200]
        [--server postgresql+psycopg://postgres@127.0.0.1:5432/test] [--keep] [--json]
"""

import argparse
import json
import os
import statistics
import time
from datetime import date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import text
from throwaway_db import drop, throwaway  # benchmarks/ is on sys.path when a script runs

from loket.bootstrap import initialise
from loket.cases.staff import add_user
from loket.demo.staffing import seed_staffing
from loket.insight.caseload import refresh_open_load
from loket.insight.caseload_refresh import rebuild_office_months
from loket.logins.service import set_password, staff_login
from loket.store.engine import make_engine, session_factory
from loket.web.app import create_app
from loket.web.pages.viewer import SESSION_COOKIE

GOAL_P95_MS = 300.0
OFFICE = "ocmw-44021"
DATABASE = "loket_bench_insight"
PAGES = {
    "queue": "/staff/",
    "queue filtered": "/staff/?who=unassigned&type=leefloon&page=3",
    "queue narrow": "/staff/?type=debt-mediation&status=in-review",
    "insight": "/staff/insight/?critical=3/5&contact-centre=1/5",
}

# Dossiers by SQL: one citizen each; a quarter at OCMW Gent, the rest over the other welfare
# centres; statuses as in a year of work (70% open); opened over the last three years; the
# living-wage and situation-change requests awaiting a decision get their due date.
SEED_SQL = [
    """INSERT INTO citizen (id, insz, number_kind, family_name, given_names, language)
       SELECT g, lpad(g::text, 11, '0'), 'nn', 'Bench', 'Citizen ' || g, 'nl'
       FROM generate_series(1, :n) AS g""",
    """INSERT INTO dossier (id, reference, agency_code, office_id, citizen_id, case_type, status,
                           assigned_worker, opened_on, closed_on, decision_due_on)
       WITH others AS (SELECT array_agg(id ORDER BY id) AS ids FROM office
                       WHERE agency_code = 'ocmw' AND id <> :office),
            kinds AS (SELECT ARRAY['leefloon', 'leefloon', 'leefloon', 'debt-mediation',
                                   'situation-change'] AS codes)
       SELECT g, 'BENCH-' || g, 'ocmw',
              CASE WHEN g % 4 = 0 THEN :office
                   ELSE others.ids[1 + g % cardinality(others.ids)] END,
              g, kinds.codes[1 + g % 5],
              s.status,
              CASE WHEN g % 3 = 0 THEN NULL ELSE 'worker-' || (g % 17) END,
              o.opened, NULL,
              CASE WHEN s.status IN ('requested','in-review') AND g % 5 <> 3 THEN o.opened + 30 END
       FROM generate_series(1, :n) AS g CROSS JOIN others CROSS JOIN kinds
       CROSS JOIN LATERAL (SELECT (ARRAY['requested','in-review','in-review','active','active',
             'active','active','active','active','active','suspended','closed','closed','closed',
             'closed','closed','closed','refused','refused','active'])[1 + (g * 7) % 20]
             AS status) AS s
       CROSS JOIN LATERAL (SELECT current_date - ((g * 37) % 1095) AS opened) AS o""",
    """INSERT INTO dossier_event (dossier_id, kind, recorded_at, effective_date, from_status,
                                 to_status)
       SELECT id, 'status-changed', now(), opened_on + (5 + id % 50), 'in-review', status
       FROM dossier WHERE status NOT IN ('requested','in-review')""",
    "SELECT setval(pg_get_serial_sequence('dossier', 'id'), (SELECT max(id) FROM dossier))",
    "SELECT setval(pg_get_serial_sequence('citizen', 'id'), (SELECT max(id) FROM citizen))",
]


def seed(url: str, dossiers: int) -> dict[str, float]:
    engine = make_engine(url)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    initialise(engine)
    timings["schema_s"] = time.perf_counter() - started
    sessions = session_factory(engine)
    started = time.perf_counter()
    with sessions.begin() as session:
        for statement in SEED_SQL:
            session.execute(text(statement), {"n": dossiers, "office": OFFICE})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    timings["seed_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with sessions.begin() as session:
        rebuild_office_months(session)
    timings["summary_rebuild_s"] = time.perf_counter() - started
    with sessions.begin() as session:
        seed_staffing(session, 1)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    # What `loket insight refresh` does on its schedule.
    started = time.perf_counter()
    with sessions.begin() as session:
        refresh_open_load(session, datetime.now())
    timings["open_load_refresh_s"] = time.perf_counter() - started
    engine.dispose()
    return timings


def sign_in(url: str, role: str) -> str:
    sessions = session_factory(make_engine(url))
    username = f"bench-{role}"
    with sessions.begin() as session:
        add_user(session, username, role, "ocmw", OFFICE)
        set_password(session, username, "bench password long enough")
        _login, token = staff_login(session, username, "bench password long enough", datetime.now())
    return str(token)


def measure(client: TestClient, path: str, requests: int) -> dict[str, float]:
    client.get(path)  # warm the caches and the templates
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 1),
        "max_ms": round(times[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--server",
        default=os.environ.get(
            "LOKET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        help="Any database on the server; the benchmark makes and drops its own next to it.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = throwaway(args.server, DATABASE)
    try:
        report = run(url, args.dossiers, args.requests)
    finally:
        if not args.keep:
            drop(args.server, DATABASE)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for name, figures in report["pages"].items():  # type: ignore[attr-defined]
        print(f"{name:16} {figures}")
    print({k: v for k, v in report.items() if k != "pages"})


def run(url: str, dossiers: int, requests: int) -> dict[str, object]:
    load_before = os.getloadavg()
    timings = seed(url, dossiers)
    worker, manager = sign_in(url, "case-worker"), sign_in(url, "manager")
    results: dict[str, dict[str, float]] = {}
    with TestClient(create_app(url), headers={"Accept-Language": "nl"}) as client:
        for name, path in PAGES.items():
            client.cookies.set(SESSION_COOKIE, manager if name == "insight" else worker)
            results[name] = measure(client, path, requests)
    worst = max(r["p95_ms"] for r in results.values())
    report = {
        "date": date.today().isoformat(),
        "dossiers": dossiers,
        "dossiers_at_office": dossiers // 4,
        "requests": requests,
        "pages": results,
        "goal_p95_ms": GOAL_P95_MS,
        "met": worst <= GOAL_P95_MS,
        **{k: round(v, 1) for k, v in timings.items()},
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }
    # Printed at once too, so that a slow drop of the database never loses the figures.
    print(json.dumps(report), flush=True)
    return report


if __name__ == "__main__":
    main()
