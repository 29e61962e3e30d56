"""How many in-process `Router.route()` look-ups per second: every postal code for every agency,
median of several runs. Goal: at least 200,000 look-ups per second.

    .venv/bin/python benchmarks/bench_route.py [--runs 5] [--repeat 20] [--json]
"""

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from loket.bootstrap import initialise
from loket.cases.routing import Router, RoutingError
from loket.geo.model import PostalCode
from loket.store.engine import make_engine, session_factory

WORK = Path(__file__).parent / "work"
GOAL = 200_000


def load_router(url: str | None) -> tuple[Router, list[str]]:
    """The router and every postal code of an initialised database."""
    if url is None:
        path = WORK / "route.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            initialise(make_engine(url))
    with session_factory(make_engine(url))() as session:
        postcodes = list(session.scalars(select(PostalCode.code).order_by(PostalCode.code)))
        return Router.load(session), postcodes


def one_run(router: Router, pairs: list[tuple[str, str]], day: date, repeat: int) -> float:
    """Look-ups per second over `repeat` passes of every (postal code, agency) pair."""
    started = time.perf_counter()
    for _ in range(repeat):
        for postcode, agency in pairs:
            # Not contextlib.suppress: its per-call cost would be measured as routing time.
            try:  # noqa: SIM105
                router.route(postcode, agency, day)
            except RoutingError:  # ambiguous postal codes count: callers meet them too
                pass
    elapsed = time.perf_counter() - started
    return len(pairs) * repeat / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20, help="passes over all pairs per run")
    parser.add_argument("--database-url", help="an initialised database (default: a SQLite file)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()

    router, postcodes = load_router(args.database_url)
    pairs = [(postcode, agency) for postcode in postcodes for agency in router.agencies]
    day = date(2026, 1, 1)
    rates = [one_run(router, pairs, day, args.repeat) for _ in range(args.runs)]
    result = {
        "benchmark": "route",
        "postal_codes": len(postcodes),
        "agencies": len(router.agencies),
        "lookups_per_run": len(pairs) * args.repeat,
        "runs": args.runs,
        "lookups_per_second_median": round(statistics.median(rates)),
        "lookups_per_second_runs": [round(r) for r in rates],
        "goal": GOAL,
        "meets_goal": statistics.median(rates) >= GOAL,
        "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        table = Table(title="Router.route() look-ups per second")
        for column in ("pairs", "runs", "median /s", "goal /s", "meets goal"):
            table.add_column(column)
        table.add_row(
            f"{len(pairs)}",
            str(args.runs),
            f"{result['lookups_per_second_median']:,}",
            f"{GOAL:,}",
            str(result["meets_goal"]),
        )
        Console().print(table)
    return 0 if result["meets_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
