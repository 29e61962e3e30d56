"""Citizen pages under load: 50 concurrent keep-alive clients against `loket serve` on the
seeded demo database (SQLite, 20,000 citizens as `make demo`), a mix of public and signed-in
pages. Goals: p95 page time at most 100 ms and at least 300 pages/s on this 2-core machine;
every page with its CSS at most 50 KB uncompressed and at most one stylesheet.

The load generator is a minimal asyncio HTTP/1.1 client (one connection per simulated user,
requests one after another), so that the client takes little of the CPU the server needs.

    .venv/bin/python benchmarks/bench_pages.py [--clients 50] [--seconds 20] [--runs 3]
        [--workers 2] [--people 20000] [--json]
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, select

from loket.bootstrap import initialise
from loket.demo.population import seed_population
from loket.logins.service import start_citizen_session
from loket.people.model import Citizen
from loket.store.engine import make_engine, session_factory

WORK = Path(__file__).parent / "work"
P95_GOAL_MS = 100.0
RATE_GOAL = 300.0
WEIGHT_GOAL = 50 * 1024
PORT = 8765

PUBLIC_PAGES = [
    "/",
    "/services/leefloon",
    "/help/",
    "/help/appointment?postcode=9000",
    "/help/walk-in?postcode=1000",
    "/login",
    "/accessibility",
]
SIGNED_IN_PAGES = ["/my/", "/my/access-log"]


def database(people: int, signed_in: int = 50) -> tuple[str, list[str]]:
    """The seeded database (made once, then reused) and session tokens of `signed_in`
    different citizens (each simulated user is a citizen of their own)."""
    WORK.mkdir(exist_ok=True)
    path = WORK / f"pages-{people}.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    initialise(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        have = session.scalar(select(func.count()).select_from(Citizen)) or 0
    if have == 0:
        seed_population(sessions, people=people, seed=1)
    with sessions.begin() as session:
        citizen_ids = session.scalars(select(Citizen.id).order_by(Citizen.id).limit(signed_in))
        tokens = [
            start_citizen_session(session, citizen_id, datetime.now(), hours=24)[1]
            for citizen_id in citizen_ids
        ]
    engine.dispose()
    return url, tokens


def start_server(url: str, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LOKET_DATABASE_URL": url,
        "LOKET_DEMO_MODE": "1",
        "LOKET_COOKIE_SECURE": "0",
    }
    loket = Path(sys.executable).with_name("loket")
    server = subprocess.Popen(
        [str(loket), "serve", "--port", str(PORT), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            asyncio.run(fetch_once("/api/v1/health", ""))
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def request_bytes(path: str, token: str) -> bytes:
    cookie = f"Cookie: loket_session={token}\r\n" if token else ""
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nAccept-Language: nl-BE\r\n{cookie}\r\n"
    ).encode()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
    body = await reader.readexactly(length)
    return status, body


async def fetch_once(path: str, token: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    writer.write(request_bytes(path, token))
    await writer.drain()
    answer = await read_response(reader)
    writer.close()
    return answer


async def user(
    pages: list[tuple[str, str]],
    offset: int,
    until: float,
    times: list[tuple[str, float]],
    errors: list[str],
    interval: float,
) -> None:
    """One simulated user on one keep-alive connection. With an `interval`, requests are
    scheduled at fixed times (open loop) and a late answer counts from its scheduled time, so
    a slow server cannot hide its queue (no coordinated omission).

    Users arrive 10 ms apart. Fifty connections opened in the same millisecond would all be
    accepted by whichever worker process wakes first (asyncio accepts a whole backlog at once)
    and leave the other worker idle for the entire run; people do not arrive like that."""
    await asyncio.sleep(offset * 0.01)
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    index = offset
    scheduled = time.perf_counter()
    while time.perf_counter() < until:
        path, token = pages[index % len(pages)]
        index += 1
        if interval:
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            started = scheduled
            scheduled += interval
        else:
            started = time.perf_counter()
        writer.write(request_bytes(path, token))
        await writer.drain()
        status, _body = await read_response(reader)
        times.append((path, time.perf_counter() - started))
        if status != 200:
            errors.append(f"{path}: {status}")
    writer.close()


def own_pages(pages: list[tuple[str, Any]], client: int) -> list[tuple[str, str]]:
    """The page mix of one simulated user: signed-in pages with that user's own session."""
    return [(path, tokens[client % len(tokens)] if tokens else "") for path, tokens in pages]


async def load(
    pages: list[tuple[str, Any]], clients: int, seconds: float, rate: float = 0.0
) -> dict[str, Any]:
    """`clients` users for `seconds`: as fast as answers come (rate 0), or together at `rate`
    pages per second."""
    times: list[tuple[str, float]] = []
    errors: list[str] = []
    interval = clients / rate if rate else 0.0
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(user(own_pages(pages, i), i, until, times, errors, interval) for i in range(clients))
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(t for _path, t in times)
    by_page: dict[str, list[float]] = {}
    for path, taken in times:
        by_page.setdefault(path, []).append(taken)
    return {
        "p95_ms_by_page": {
            path: sorted(values)[int(len(values) * 0.95)] * 1000 for path, values in by_page.items()
        },
        "pages": len(times),
        "pages_per_s": len(times) / elapsed,
        "p50_ms": ordered[len(ordered) // 2] * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95)] * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99)] * 1000,
        "errors": len(errors),
        "first_errors": errors[:5],
    }


def page_weights(pages: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Each page's HTML plus its stylesheets, uncompressed, and how many stylesheets it links."""
    weights = []
    for path, token in own_pages(pages, 0):
        _status, body = asyncio.run(fetch_once(path, token))
        sheets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', body)
        css = sum(len(asyncio.run(fetch_once(s.decode(), ""))[1]) for s in sheets)
        weights.append(
            {
                "page": path,
                "html_bytes": len(body),
                "css_bytes": css,
                "total_bytes": len(body) + css,
                "stylesheets": len(sheets),
            }
        )
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument(
        "--rate", type=float, default=RATE_GOAL, help="pages/s of the paced (open-loop) runs"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    console = Console(stderr=True)

    url, tokens = database(args.people, args.clients)
    pages: list[tuple[str, Any]] = [(p, []) for p in PUBLIC_PAGES]
    pages += [(p, tokens) for p in SIGNED_IN_PAGES]
    server = start_server(url, args.workers)
    try:
        weights = page_weights(pages)
        asyncio.run(load(pages, args.clients, 3.0))  # warm up caches and connections
        runs = []
        paced = []
        with Progress(console=console) as progress:
            task = progress.add_task("load runs", total=args.runs * 2)
            for _ in range(args.runs):
                runs.append(asyncio.run(load(pages, args.clients, args.seconds)))
                progress.advance(task)
                paced.append(asyncio.run(load(pages, args.clients, args.seconds, args.rate)))
                progress.advance(task)
    finally:
        server.terminate()
        server.wait(timeout=30)

    result = {
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
        "people": args.people,
        "runs": runs,
        "median_pages_per_s": statistics.median(r["pages_per_s"] for r in runs),
        "median_p95_ms": statistics.median(r["p95_ms"] for r in runs),
        "paced_rate": args.rate,
        "paced_runs": paced,
        "paced_median_pages_per_s": statistics.median(r["pages_per_s"] for r in paced),
        "paced_median_p95_ms": statistics.median(r["p95_ms"] for r in paced),
        "weights": weights,
        "heaviest_page_bytes": max(w["total_bytes"] for w in weights),
        "max_stylesheets": max(w["stylesheets"] for w in weights),
    }
    (WORK / "pages.json").write_text(json.dumps(result, indent=2))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    table = Table(title=f"{args.clients} clients, {args.workers} workers, {args.runs} runs")
    for column in ("run", "load", "pages/s", "p50 ms", "p95 ms", "p99 ms", "errors"):
        table.add_column(column, justify="right")
    for number, (run, pace) in enumerate(zip(runs, paced, strict=True), 1):
        for label, r in (("flat out", run), (f"{args.rate:.0f}/s", pace)):
            table.add_row(
                str(number),
                label,
                f"{r['pages_per_s']:.0f}",
                f"{r['p50_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
                f"{r['p99_ms']:.1f}",
                str(r["errors"]),
            )
    console.print(table)
    weight_table = Table(title="page weight (HTML + CSS, uncompressed)")
    for column in ("page", "HTML", "CSS", "total", "stylesheets"):
        weight_table.add_column(column, justify="right")
    for w in weights:
        weight_table.add_row(
            w["page"],
            str(w["html_bytes"]),
            str(w["css_bytes"]),
            str(w["total_bytes"]),
            str(w["stylesheets"]),
        )
    console.print(weight_table)
    console.print(
        f"flat out: median {result['median_pages_per_s']:.0f} pages/s (goal ≥ {RATE_GOAL:.0f}), "
        f"p95 {result['median_p95_ms']:.1f} ms; at {args.rate:.0f} pages/s: median p95 "
        f"{result['paced_median_p95_ms']:.1f} ms (goal ≤ {P95_GOAL_MS:.0f}); "
        f"heaviest page {result['heaviest_page_bytes']:,} B (goal ≤ {WEIGHT_GOAL:,})"
    )


if __name__ == "__main__":
    main()
