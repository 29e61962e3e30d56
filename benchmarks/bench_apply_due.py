"""Time moves that wait for their day against the same moves applied at once: on a seeded
database, import a demo moves file on the day before its first move (every move waits), then
`apply-due` on the day after its last; and, on a fresh copy, import the file after its last day
(every move applied at once). Same end state, so the difference is what waiting costs.

    .venv/bin/python benchmarks/bench_apply_due.py --citizens 100000 --moves 100000 \\
        --backend sqlite|postgresql [--json]

Databases as in bench_import_moves.py: benchmarks/work/ for SQLite, `loket_bench` for
PostgreSQL (its public schema is dropped and seeded again for each of the two runs).
"""

import argparse
import json
import os
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import text

from loket.bootstrap import initialise
from loket.demo.moves import MOVE_DAYS, MOVES_FROM, write_moves_csv
from loket.demo.population import seed_population
from loket.people.due_moves import apply_due
from loket.people.import_moves import import_moves
from loket.store.engine import make_engine, session_factory

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
POSTGRES_URL = os.environ.get(
    "LOKET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/loket_bench"
)
BEFORE = MOVES_FROM - timedelta(days=1)
AFTER = MOVES_FROM + timedelta(days=MOVE_DAYS + 1)
err = Console(stderr=True)


def _seeded(backend: str, citizens: int, name: str) -> str:
    """The URL of a freshly seeded database (SQLite: a copy of a seeded template)."""
    if backend == "postgresql":
        engine = make_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        initialise(engine)
        seed_population(session_factory(engine), people=citizens, seed=1)
        engine.dispose()
        return POSTGRES_URL
    WORK.mkdir(parents=True, exist_ok=True)
    template = WORK / f"due-template-{citizens}.db"
    if not template.exists():
        engine = make_engine(f"sqlite:///{template}")
        initialise(engine)
        seed_population(session_factory(engine), people=citizens, seed=1)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    path = WORK / f"{name}.db"
    for stale in WORK.glob(f"{name}.db*"):
        stale.unlink()
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def run(backend: str, citizens: int, moves: int) -> dict[str, Any]:
    csv_path = WORK / f"due-moves-{citizens}-{moves}.csv"
    result: dict[str, Any] = {"backend": backend, "citizens": citizens, "moves": moves}

    url = _seeded(backend, citizens, "due-waiting")
    engine = make_engine(url)
    sessions = session_factory(engine)
    WORK.mkdir(parents=True, exist_ok=True)
    write_moves_csv(sessions, csv_path, moves, 1)
    started = time.perf_counter()
    waiting = import_moves(sessions, csv_path, on=BEFORE)
    result["import_all_waiting_s"] = round(time.perf_counter() - started, 2)
    result["scheduled"] = waiting.scheduled
    started = time.perf_counter()
    due = apply_due(sessions, AFTER)
    result["apply_due_s"] = round(time.perf_counter() - started, 2)
    result["applied_on_their_day"] = due.moves
    result["dossiers_transferred_waiting"] = due.dossiers_transferred
    started = time.perf_counter()
    again = apply_due(sessions, AFTER)
    result["apply_due_again_s"] = round(time.perf_counter() - started, 3)
    result["applied_again"] = again.moves
    engine.dispose()

    url = _seeded(backend, citizens, "due-at-once")
    engine = make_engine(url)
    sessions = session_factory(engine)
    started = time.perf_counter()
    at_once = import_moves(sessions, csv_path, on=AFTER)
    result["import_all_at_once_s"] = round(time.perf_counter() - started, 2)
    result["applied_at_once"] = at_once.applied + at_once.filed_in_history
    result["dossiers_transferred_at_once"] = at_once.dossiers_transferred
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    err.print(f"{args.backend}: {args.citizens:,} citizens, {args.moves:,} moves")
    result = run(args.backend, args.citizens, args.moves)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
