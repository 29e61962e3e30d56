"""Outbox sender throughput: N e-mails to a local SMTP server (aiosmtpd in a child process,
so that the server does not share the sender's interpreter), messages per second, median of
`--runs` runs, each on a fresh outbox.

    .venv/bin/python benchmarks/bench_outbox.py --messages 20000 --runs 3 \\
        --backend sqlite|postgresql [--json]

SQLite in benchmarks/work/; PostgreSQL in LOKET_BENCH_POSTGRES_URL (default `loket_bench`,
its public schema dropped and migrated once per run set). Goal (RESULTS.md): ≥ 200 messages/s.
"""

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import Engine, delete, text

from loket.bootstrap import initialise
from loket.notify.smtp import SmtpConnection, parse_smtp_url
from loket.notify.worker import run_once
from loket.store.engine import make_engine, session_factory
from loket.store.outbox import OutboxMessage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.notify.mailbox import fill_office_outbox  # noqa: E402  (after the path is set)

WORK = ROOT / "benchmarks" / "work"
POSTGRES_URL = os.environ.get(
    "LOKET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/loket_bench"
)
err = Console(stderr=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def smtp_sink() -> Iterator[str]:
    """aiosmtpd's Sink handler (accepts and discards) on a free port, in a child process."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
         "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.1)
        yield f"smtp://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def _engine(backend: str) -> Engine:
    if backend == "postgresql":
        engine = make_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / "outbox.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
    initialise(engine)
    return engine


def _fill(engine: Engine, messages: int) -> None:
    with session_factory(engine).begin() as session:
        session.execute(delete(OutboxMessage))
        fill_office_outbox(session, messages, "bench")


def run(backend: str, messages: int, runs: int, batch: int) -> dict[str, Any]:
    engine = _engine(backend)
    sessions = session_factory(engine)
    rates = []
    with smtp_sink() as url:
        target = parse_smtp_url(url)
        for number in range(1, runs + 1):
            _fill(engine, messages)
            started = time.perf_counter()
            summary = run_once(
                sessions, lambda: SmtpConnection(target), "noreply@loket.example", batch=batch
            )
            seconds = time.perf_counter() - started
            if summary.sent != messages:
                raise SystemExit(f"sent {summary.sent} of {messages}: {summary.errors[:3]}")
            rates.append(messages / seconds)
            err.print(f"run {number}: {messages} messages in {seconds:.1f} s, {rates[-1]:.0f}/s")
    engine.dispose()
    return {
        "backend": backend,
        "messages": messages,
        "batch": batch,
        "runs": runs,
        "messages_per_second": [round(r, 1) for r in rates],
        "median_messages_per_second": round(statistics.median(rates), 1),
        "goal_messages_per_second": 200,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.backend, args.messages, args.runs, args.batch)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['backend']}: median {result['median_messages_per_second']} messages/s "
            f"over {args.runs} runs of {args.messages}"
        )


if __name__ == "__main__":
    main()
