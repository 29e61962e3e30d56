"""Time `loket import moves` as users run it: a subprocess on a fresh, seeded database, measuring
wall time and peak memory. Targets for 1,000,000 moves: 5 min on SQLite, 10 min on PostgreSQL,
2 GB peak memory.

    .venv/bin/python benchmarks/bench_import_moves.py --citizens 1000000 --dossiers-ratio 0.3 \\
        --moves 100000 --backend sqlite|postgresql [--runs 3] [--json]

SQLite databases live in benchmarks/work/ (git-ignored); a seeded one is kept as a template and
copied for each run. PostgreSQL uses the database `loket_bench`, whose public schema is dropped
and seeded again for each run.
"""

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import text

from loket.bootstrap import initialise
from loket.demo.moves import write_moves_csv
from loket.demo.population import seed_population
from loket.store.engine import make_engine, session_factory

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
LOKET = ROOT / ".venv" / "bin" / "loket"
POSTGRES_URL = os.environ.get(
    "LOKET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/loket_bench"
)
TIME = Path("/usr/bin/time")
TARGET_SECONDS = {"sqlite": 300, "postgresql": 600}  # for 1,000,000 moves
TARGET_PEAK_MB = 2048
# The code whose speed is measured; its fingerprint goes into the result.
MEASURED = (
    "src/loket/people/import_moves.py",
    "src/loket/people/moves.py",
    "src/loket/cases/transfers.py",
    "src/loket/cases/routing.py",
    "src/loket/store/csvio.py",
)
err = Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _seed(url: str, citizens: int, ratio: float, seed: int) -> dict[str, Any]:
    """Initialise and seed the database at `url`; returns the seed summary and timings."""
    engine = make_engine(url)
    started = time.perf_counter()
    initialise(engine)
    with _progress() as progress:
        task = progress.add_task(f"seeding {citizens:,} citizens", total=citizens)
        summary = seed_population(
            session_factory(engine),
            people=citizens,
            seed=seed,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            dossier_share=ratio,
        )
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return {**summary.as_json(), "seconds": round(time.perf_counter() - started, 1)}


def _write_moves(url: str, path: Path, moves: int, seed: int) -> float:
    engine = make_engine(url)
    started = time.perf_counter()
    with _progress() as progress:
        task = progress.add_task(f"writing {moves:,} moves", total=moves)
        write_moves_csv(
            session_factory(engine),
            path,
            moves,
            seed,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    engine.dispose()
    return time.perf_counter() - started


def _fresh_postgres(citizens: int, ratio: float, seed: int) -> tuple[str, dict[str, Any]]:
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return POSTGRES_URL, _seed(POSTGRES_URL, citizens, ratio, seed)


def _fresh_sqlite(citizens: int, ratio: float, seed: int) -> tuple[str, dict[str, Any]]:
    """A copy of the seeded template (seeded first when missing)."""
    template = WORK / f"template-{citizens}-{ratio}-{seed}.db"
    info = template.with_suffix(".json")
    if not template.exists() or not info.exists():
        for stale in WORK.glob(template.name + "*"):
            stale.unlink()
        summary = _seed(f"sqlite:///{template}", citizens, ratio, seed)
        info.write_text(json.dumps(summary))
    path = WORK / "import.db"
    for stale in WORK.glob("import.db*"):
        stale.unlink()
    shutil.copy(template, path)
    initialise(make_engine(f"sqlite:///{path}"))  # a no-op unless migrations were added since
    return f"sqlite:///{path}", {**json.loads(info.read_text()), "from_template": True}


def code_fingerprint() -> dict[str, str]:
    """The commit checked out and a hash of the measured files as they are on disk."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    digest = hashlib.sha256()
    for name in MEASURED:
        digest.update((ROOT / name).read_bytes())
    return {"commit": head or "unknown", "measured_files_sha256": digest.hexdigest()[:16]}


def _run_import(url: str, moves_file: Path) -> dict[str, Any]:
    """Run `loket import moves` in a subprocess; wall time, peak RSS and its JSON summary."""
    env = {**os.environ, "LOKET_DATABASE_URL": url}
    command = [str(LOKET), "import", "moves", str(moves_file)]
    use_time = TIME.exists()
    if use_time:
        command = [str(TIME), "-v", *command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        err.print(done.stderr[-4000:])
        raise SystemExit(f"loket import moves failed with exit code {done.returncode}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if use_time:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        peak_kb = int(match.group(1)) if match else peak_kb
    elif peak_kb <= before:
        peak_kb = 0  # an earlier, larger child hides this one's peak
    summary = json.loads(done.stdout)
    summary.pop("warnings", None)
    return {"seconds": round(wall, 2), "peak_rss_mb": round(peak_kb / 1024), "summary": summary}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--dossiers-ratio", type=float, default=0.3)
    parser.add_argument("--moves", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)

    fresh = _fresh_sqlite if args.backend == "sqlite" else _fresh_postgres
    moves_file = WORK / f"moves-{args.citizens}-{args.dossiers_ratio}-{args.seed}-{args.moves}.csv"
    for stale in WORK.glob(moves_file.name + "*"):
        stale.unlink()
    runs: list[dict[str, Any]] = []
    for run in range(1, args.runs + 1):
        err.print(f"run {run}/{args.runs}: preparing a fresh {args.backend} database")
        url, seeded = fresh(args.citizens, args.dossiers_ratio, args.seed)
        if run == 1:  # every run starts from the same seeded data, so one file serves all
            _write_moves(url, moves_file, args.moves, args.seed)
        err.print(f"run {run}/{args.runs}: loket import moves ({args.moves:,} rows)")
        outcome = _run_import(url, moves_file)
        outcome["moves_per_second"] = round(args.moves / outcome["seconds"])
        outcome["seeded"] = seeded
        runs.append(outcome)
        err.print(f"  {outcome['seconds']} s, {outcome['peak_rss_mb']} MB peak")

    median_seconds = statistics.median(r["seconds"] for r in runs)
    result = {
        "benchmark": "import-moves",
        "backend": args.backend,
        "citizens": args.citizens,
        "dossiers_ratio": args.dossiers_ratio,
        "moves": args.moves,
        "runs": args.runs,
        "seconds_median": median_seconds,
        "moves_per_second_median": round(args.moves / median_seconds),
        "peak_rss_mb_max": max(r["peak_rss_mb"] for r in runs),
        "code": code_fingerprint(),
        "runs_detail": runs,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        table = Table(title=f"loket import moves on {args.backend}")
        for column in ("citizens", "moves", "runs", "median s", "moves/s", "peak MB"):
            table.add_column(column, justify="right")
        table.add_row(
            f"{args.citizens:,}",
            f"{args.moves:,}",
            str(args.runs),
            f"{median_seconds:.1f}",
            f"{result['moves_per_second_median']:,}",
            str(result["peak_rss_mb_max"]),
        )
        Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
