"""The digital-divide map at scale (issue 16): N channel events on PostgreSQL, bulk-loaded with
COPY from the demo generator (a year of contacts in every municipality), the summary built by
`loket insight divide-refresh`'s function (full, then incremental after a day of new events),
then the page /staff/insight/divide/ requested `--requests` times through the app's test client,
one after another. Goals: p95 at most 300 ms and the page at most 150 KB.

The events go to a throwaway database next to `--server`'s (created, then dropped).

    .venv/bin/python benchmarks/bench_divide_page.py [--events 5000000] [--requests 200]
        [--server postgresql+psycopg://postgres@127.0.0.1:5432/test] [--keep] [--json]
"""

import argparse
import json
import os
import statistics
import time
from datetime import date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from throwaway_db import drop, throwaway  # benchmarks/ is on sys.path when a script runs

from loket.bootstrap import initialise
from loket.cases.staff import add_user
from loket.demo.channel_history import write_channel_history
from loket.insight.divide_refresh import refresh
from loket.logins.service import set_password, staff_login
from loket.store.engine import make_engine, session_factory
from loket.web.app import create_app
from loket.web.pages.viewer import SESSION_COOKIE

GOAL_P95_MS = 300.0
GOAL_BYTES = 150 * 1024
DATABASE = "loket_bench_divide"
# About 3.45 events per person in the demo generator (forms count a row per step).
EVENTS_PER_PERSON = 3.45
COLUMNS = (
    "occurred_on",
    "municipality",
    "service",
    "contact",
    "channel",
    "outcome",
    "step",
    "person_key",
)


def load(url: str, events: int, today: date) -> int:
    """COPY the generator's events into channel_event; the number written."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    people = round(events / EVENTS_PER_PERSON)
    # The generator reads the geography on one connection while COPY streams on another.
    with sessions() as reader, sessions.begin() as session:
        raw: Any = session.connection().connection.driver_connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY channel_event ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):

            def sink(rows: list[dict[str, Any]]) -> None:
                for row in rows:
                    copy.write_row([row[c] for c in COLUMNS])

            written = write_channel_history(reader, sink, seed=1, people=people, today=today)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE channel_event"))
    engine.dispose()
    return written


def timed_refresh(url: str, today: date, since: date | None) -> tuple[float, int]:
    engine = make_engine(url)
    started = time.perf_counter()
    with session_factory(engine).begin() as session:
        result = refresh(session, today, since)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds, len(result.periods)


def add_a_day(url: str, today: date, events: int) -> None:
    """A day of new events, as the hooks would write them, for the incremental refresh."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO channel_event (occurred_on, municipality, service, contact, channel,"
                " outcome, step, person_key) SELECT :day, m.refnis, 'leefloon', 'callback',"
                " 'phone', 'submitted', NULL, md5(g::text || 'new')::varchar(16)"
                " FROM generate_series(1, :n) AS g"
                " JOIN (SELECT refnis, row_number() OVER () AS i FROM municipality) AS m"
                " ON m.i = 1 + g % 565"
            ),
            {"day": today, "n": events},
        )
    engine.dispose()


def page_times(url: str, requests: int) -> tuple[list[float], int]:
    engine = make_engine(url)
    with session_factory(engine).begin() as session:
        add_user(session, "bench-manager", "manager", "ocmw", "ocmw-44021")
        set_password(session, "bench-manager", "correct horse battery")
        _login, token = staff_login(
            session, "bench-manager", "correct horse battery", datetime.now()
        )
    engine.dispose()
    os.environ["LOKET_COOKIE_SECURE"] = "0"
    client = TestClient(create_app(url), headers={"Accept-Language": "nl"})
    client.cookies.set(SESSION_COOKIE, token)
    first = client.get("/staff/insight/divide/")  # warms the municipality shapes
    assert first.status_code == 200, first.status_code
    times = []
    for number in range(requests):
        # Alternate the period and service filters, as managers would.
        params = {"period": "", "service": "*"} if number % 2 else {"service": "leefloon"}
        started = time.perf_counter()
        response = client.get("/staff/insight/divide/", params=params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    size = len(client.get("/staff/insight/divide/").content)
    client.close()
    return times, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    today = date.today()
    url = throwaway(args.server, DATABASE)
    try:
        initialise(make_engine(url))
        started = time.perf_counter()
        written = load(url, args.events, today)
        load_seconds = time.perf_counter() - started
        full, full_periods = timed_refresh(url, today, today - timedelta(days=366))
        add_a_day(url, today, 20_000)
        incremental, incremental_periods = timed_refresh(url, today, None)
        times, size = page_times(url, args.requests)
    finally:
        if not args.keep:
            drop(args.server, DATABASE)
    quantiles = statistics.quantiles(times, n=100)
    result = {
        "events": written,
        "load_seconds": round(load_seconds, 1),
        "refresh_full_seconds": round(full, 1),
        "refresh_full_periods": full_periods,
        "refresh_incremental_seconds": round(incremental, 1),
        "refresh_incremental_periods": incremental_periods,
        "requests": args.requests,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(quantiles[94], 1),
        "page_bytes": size,
        "goal_p95_ms": GOAL_P95_MS,
        "goal_page_bytes": GOAL_BYTES,
        "load_average": os.getloadavg(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:>30}: {value}")


if __name__ == "__main__":
    main()
