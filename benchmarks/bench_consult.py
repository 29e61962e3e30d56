"""Granted consultations on SQLite: consultations per second through `consult()` including the
access-log append, one process, each consultation its own transaction, with p50/p99 latency of
the whole consultation and of the append alone. Goals: at least 1,000 consultations/s and an
append p99 of at most 5 ms. Median of several runs, each on a fresh copy of the same database.

    .venv/bin/python benchmarks/bench_consult.py [--consultations 5000] [--people 3000]
        [--runs 3] [--json] [--profile]
"""

import argparse
import cProfile
import json
import pstats
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from loket.bootstrap import initialise
from loket.cases.model import Dossier, StaffUser
from loket.cases.staff import add_user
from loket.demo.population import seed_population
from loket.demo.registers import seed_registers
from loket.exchange import consult as consult_module
from loket.exchange.authorisations import grant
from loket.exchange.consult import consult
from loket.people.model import Citizen
from loket.store.engine import make_engine, session_factory

WORK = Path(__file__).parent / "work"
RATE_GOAL = 1_000
APPEND_P99_GOAL_MS = 5.0
DAY = date(2026, 3, 2)

Case = tuple[str, str, str]  # username, INSZ, dossier reference


def template(people: int) -> tuple[Path, list[Case]]:
    """An initialised database with `people` citizens (all with a dossier), their registers, an
    authorisation for OCMWs to read income tax, and one case worker per welfare centre."""
    path = WORK / f"consult-template-{people}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    initialise(engine)
    sessions = session_factory(engine)
    seed_population(sessions, people=people, seed=1, dossier_share=1.0)
    seed_registers(sessions, seed=1)
    with sessions.begin() as session:
        grant(
            session,
            "ocmw",
            "income-tax",
            "leefloon-eligibility",
            "Art. 19 Wet 26 mei 2002; beraadslaging IVC 21/077",
            date(2020, 1, 1),
            dossier_types=["leefloon"],
        )
        rows = session.execute(
            select(Dossier.office_id, Citizen.insz, Dossier.reference)
            .join(Citizen, Citizen.id == Dossier.citizen_id)
            .where(Dossier.case_type == "leefloon", Dossier.status.in_(("active", "in-review")))
            .order_by(Dossier.id)
        ).all()
        workers: dict[str, str] = {}
        for office_id, _insz, _reference in rows:
            if office_id not in workers:
                workers[office_id] = f"worker-{office_id}"
                add_user(session, workers[office_id], "case-worker", "ocmw", office_id)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    if not rows:
        raise SystemExit("the seed made no open leefloon dossiers")
    return path, [(workers[office], insz, reference) for office, insz, reference in rows]


def timed_appends(latencies: list[float]) -> Callable[..., Any]:
    """`append_entry` as `consult` calls it, timing each call into `latencies`."""
    original = consult_module.append_entry

    def append_entry(*args: Any, **kwargs: Any) -> Any:
        begin = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            latencies.append(time.perf_counter() - begin)

    return append_entry


def run(source: Path, cases: list[Case], count: int, profile: bool) -> dict[str, Any]:
    path = WORK / "consult-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, path)
    engine = make_engine(f"sqlite:///{path}")
    sessions = session_factory(engine)
    with sessions() as session:
        users = {u.username: u for u in session.scalars(select(StaffUser))}
        for user in users.values():
            session.expunge(user)
    appends: list[float] = []
    whole: list[float] = []
    original = consult_module.append_entry
    consult_module.append_entry = timed_appends(appends)  # type: ignore[assignment]
    profiler = cProfile.Profile() if profile else None
    try:
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        for number in range(count):
            username, insz, reference = cases[number % len(cases)]
            begin = time.perf_counter()
            with sessions.begin() as session:
                actor = session.merge(users[username], load=False)
                result = consult(
                    session, actor, insz, "income-tax", "leefloon-eligibility", reference, DAY
                )
            whole.append(time.perf_counter() - begin)
            if not result.granted:
                raise SystemExit(f"consultation {number} was refused: {result.message}")
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.disable()
    finally:
        consult_module.append_entry = original  # type: ignore[assignment]
    engine.dispose()
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    whole.sort()
    appends.sort()
    return {
        "consultations": count,
        "per_second": round(count / elapsed),
        "p50_ms": round(whole[len(whole) // 2] * 1000, 3),
        "p99_ms": round(whole[int(len(whole) * 0.99)] * 1000, 3),
        "append_p50_ms": round(appends[len(appends) // 2] * 1000, 3),
        "append_p99_ms": round(appends[int(len(appends) * 0.99)] * 1000, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--consultations", type=int, default=5_000)
    parser.add_argument("--people", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=3, help="runs (median reported)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)

    source, cases = template(args.people)
    runs = [
        run(source, cases, args.consultations, args.profile and n == 0) for n in range(args.runs)
    ]
    median_run = sorted(runs, key=lambda r: r["per_second"])[len(runs) // 2]
    result = {
        "benchmark": "consult",
        "database": "sqlite",
        "distinct_dossiers": len(cases),
        "median": median_run,
        "runs": runs,
        "goals": {"per_second": RATE_GOAL, "append_p99_ms": APPEND_P99_GOAL_MS},
        "meets_goal": median_run["per_second"] >= RATE_GOAL
        and median_run["append_p99_ms"] <= APPEND_P99_GOAL_MS,
        "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        table = Table(title=f"granted consultations on SQLite (median of {args.runs} runs)")
        table.add_column("measure")
        table.add_column("result", justify="right")
        table.add_column("goal", justify="right")
        table.add_row("consultations per second", f"{median_run['per_second']:,}", "≥ 1,000")
        table.add_row("consult p50 / p99 (ms)", f"{median_run['p50_ms']} / {median_run['p99_ms']}")
        table.add_row(
            "append p50 / p99 (ms)",
            f"{median_run['append_p50_ms']} / {median_run['append_p99_ms']}",
            "p99 ≤ 5",
        )
        Console().print(table)
    return 0 if result["meets_goal"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
