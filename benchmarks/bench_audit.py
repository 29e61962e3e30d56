"""The access log on SQLite: appends per second with their p99 latency (one process, one commit
per entry), and the time `verify_log` takes over 1,000,000 entries with a signed checkpoint every
100,000, every searchable column compared with its body. Goals: at least 1,000 appends/s with
p99 at most 5 ms; verify 1M entries in 60 s.

    .venv/bin/python benchmarks/bench_audit.py [--appends 20000] [--entries 1000000]
        [--runs 3] [--json]
"""

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, insert

from loket.exchange.checkpoints import make_checkpoint
from loket.exchange.columns import as_row, searchable_columns
from loket.exchange.log import GENESIS_HASH, append_entry, canonical_json, chain_hash
from loket.exchange.model import AccessLogEntry, AccessLogHead
from loket.exchange.verify import verify_log
from loket.store.engine import make_engine, session_factory
from loket.store.schema import upgrade

WORK = Path(__file__).parent / "work"
APPEND_RATE_GOAL = 1_000
APPEND_P99_GOAL_MS = 5.0
VERIFY_GOAL_S = 60.0
CHECKPOINT_EVERY = 100_000
INSERT_CHUNK = 20_000


def fresh_database(name: str) -> Engine:
    """An empty, migrated SQLite database (schema only: the log needs no geography)."""
    path = WORK / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def sample_body(number: int) -> dict[str, Any]:
    return {
        "kind": "consultation",
        "outcome": "granted" if number % 5 else "denied",
        "actor": f"worker-{number % 97}",
        "office": "ocmw-11002",
        "agency": "ocmw",
        "citizen": f"{90041220000 + number % 10_000:011d}",
        "category": "income-tax",
        "purpose": "leefloon-eligibility",
        "authorisation": 3,
        "legal_basis": "Wet van 26 mei 2002 betreffende het recht op maatschappelijke integratie",
        "dossier": f"OCMW-2026-{number:07d}",
        "reason": None if number % 5 else "no open dossier",
        "visible_from": "2026-01-01",
    }


def measure_appends(count: int) -> dict[str, Any]:
    engine = fresh_database("audit-append.db")
    sessions = session_factory(engine)
    latencies: list[float] = []
    started = time.perf_counter()
    for number in range(count):
        begin = time.perf_counter()
        with sessions.begin() as session:
            append_entry(session, sample_body(number))
        latencies.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    engine.dispose()
    latencies.sort()
    return {
        "appends": count,
        "appends_per_second": round(count / elapsed),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 3),
    }


def build_log(entries: int, key: Ed25519PrivateKey) -> tuple[Engine, float]:
    """A log of `entries` entries computed in Python and bulk-inserted, with a checkpoint every
    100,000 (made with the same code as `loket audit checkpoint`)."""
    engine = fresh_database("audit-verify.db")
    sessions = session_factory(engine)
    started = time.perf_counter()
    previous = GENESIS_HASH
    first_day = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    chunk: list[dict[str, Any]] = []
    with sessions.begin() as session:
        session.connection().exec_driver_sql("PRAGMA synchronous=OFF")
    for seq in range(1, entries + 1):
        when = first_day + timedelta(seconds=seq)
        body = {**sample_body(seq), "seq": seq, "recorded_at": when.isoformat("T", "microseconds")}
        text = canonical_json(body)
        digest = chain_hash(previous, text)
        chunk.append(
            {
                "seq": seq,
                "body": text,
                "prev_hash": previous,
                "entry_hash": digest,
                **as_row(searchable_columns(body)),
            }
        )
        previous = digest
        if len(chunk) == INSERT_CHUNK or seq == entries:
            with sessions.begin() as session:
                session.execute(insert(AccessLogEntry), chunk)
                session.execute(AccessLogHead.__table__.update().values(seq=seq, entry_hash=digest))
                if seq % CHECKPOINT_EVERY == 0:
                    make_checkpoint(session, key)
            chunk = []
    return engine, time.perf_counter() - started


def measure_verify(entries: int, runs: int) -> dict[str, Any]:
    key = Ed25519PrivateKey.generate()
    engine, build_seconds = build_log(entries, key)
    sessions = session_factory(engine)
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        with sessions() as session:
            result = verify_log(session, key.public_key())
        times.append(time.perf_counter() - started)
        if not result.ok or result.entries != entries:
            raise SystemExit(f"verify failed on the benchmark log: {result.problem}")
    engine.dispose()
    return {
        "entries": entries,
        "checkpoints": result.checkpoints,
        "build_seconds": round(build_seconds, 1),
        "runs": runs,
        "verify_seconds_median": round(statistics.median(times), 2),
        "verify_seconds_runs": [round(t, 2) for t in times],
        "entries_per_second": round(entries / statistics.median(times)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=20_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="verify runs (median reported)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)

    appends = measure_appends(args.appends)
    verify = measure_verify(args.entries, args.runs)
    result = {
        "benchmark": "audit",
        "append": appends,
        "verify": verify,
        "goals": {
            "appends_per_second": APPEND_RATE_GOAL,
            "append_p99_ms": APPEND_P99_GOAL_MS,
            "verify_seconds": VERIFY_GOAL_S,
        },
        "meets_goal": appends["appends_per_second"] >= APPEND_RATE_GOAL
        and appends["p99_ms"] <= APPEND_P99_GOAL_MS
        and verify["verify_seconds_median"] <= VERIFY_GOAL_S,
        "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        table = Table(title="access log on SQLite")
        table.add_column("measure")
        table.add_column("result", justify="right")
        table.add_column("goal", justify="right")
        table.add_row("appends per second", f"{appends['appends_per_second']:,}", "≥ 1,000")
        table.add_row("append p99 (ms)", f"{appends['p99_ms']}", "≤ 5")
        table.add_row(
            f"verify {verify['entries']:,} entries (s, median of {verify['runs']})",
            f"{verify['verify_seconds_median']}",
            "≤ 60",
        )
        Console().print(table)
    return 0 if result["meets_goal"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
