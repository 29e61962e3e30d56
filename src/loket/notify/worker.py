"""The sender's loop: `loket outbox run` drains what is due, then polls; `--once` drains and
stops. Without a mail server configured it sends nothing and says how many e-mails it keeps."""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from loket.notify.channels import Channel
from loket.notify.reminders import write_reminders
from loket.notify.sender import (
    LEASE,
    Claimed,
    StopFlag,
    Summary,
    TransportFactory,
    assign_channels,
    claim,
    count_pending,
    deliver,
    release_dead_workers,
    utcnow,
    worker_name,
)

REMINDER_INTERVAL = timedelta(hours=1)
# SMTP connections used at once: most of a send is waiting for the server's replies.
CONNECTIONS = 4


def _deliver_in_parallel(
    sessions: sessionmaker[Session],
    transport: TransportFactory,
    worker: str,
    claimed: list[Claimed],
    stop: StopFlag,
    lease: timedelta,
    connections: int,
) -> Summary:
    """Send a claimed batch over `connections` SMTP connections, each its own share in order."""

    def share(messages: list[Claimed]) -> Summary:
        with transport() as connection:
            return deliver(sessions, connection, worker, messages, stop, lease)

    shares = [claimed[start::connections] for start in range(connections)]
    summary = Summary()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        for result in pool.map(share, [s for s in shares if s]):
            summary.add(result)
    return summary


def run_once(
    sessions: sessionmaker[Session],
    transport: TransportFactory | None,
    sender: str,
    *,
    batch: int = 500,
    stop: StopFlag | None = None,
    worker: str | None = None,
    lease: timedelta = LEASE,
    connections: int = CONNECTIONS,
) -> Summary:
    """Choose channels, then send every e-mail that is due, batch by batch, until none is left
    (or a stop is requested). Letters wait for the print batch."""
    stop = stop or StopFlag()
    worker = worker or worker_name()
    summary = Summary()
    with sessions.begin() as session:
        release_dead_workers(session)
    while not stop.requested:
        with sessions.begin() as session:
            chosen, dead = assign_channels(session, utcnow())
        summary.dead += dead
        if not chosen:
            break
    while transport is not None and not stop.requested:
        with sessions.begin() as session:
            claimed = claim(session, worker, batch, utcnow(), sender, lease)
        if not claimed:
            break
        round_summary = _deliver_in_parallel(
            sessions, transport, worker, claimed, stop, lease, connections
        )
        summary.add(round_summary)
        if round_summary.sent == 0 and (round_summary.retried or round_summary.dead) == 0:
            break
        if round_summary.errors and round_summary.sent == 0:
            break  # the server is down or refuses everything: wait for the backoff
    with sessions() as session:
        summary.letters_pending = count_pending(session, Channel.LETTER)
        if transport is None:
            summary.emails_kept = count_pending(session, Channel.EMAIL)
    return summary


def run_worker(
    sessions: sessionmaker[Session],
    transport: TransportFactory | None,
    sender: str,
    stop: StopFlag,
    *,
    batch: int = 500,
    poll_seconds: float = 5.0,
    today: Callable[[], date] = date.today,
    report: Callable[[Summary], None] | None = None,
) -> Summary:
    """Run until `stop` is set: send what is due, write tomorrow's appointment reminders once
    an hour, sleep `poll_seconds` when there was nothing to do."""
    total = Summary()
    worker = worker_name()
    reminders_at: datetime | None = None
    while not stop.requested:
        if reminders_at is None or utcnow() - reminders_at >= REMINDER_INTERVAL:
            with sessions.begin() as session:
                write_reminders(session, today() + timedelta(days=1))
            reminders_at = utcnow()
        summary = run_once(sessions, transport, sender, batch=batch, stop=stop, worker=worker)
        total.add(summary)
        total.letters_pending, total.emails_kept = summary.letters_pending, summary.emails_kept
        if report is not None and (summary.sent or summary.retried or summary.dead):
            report(summary)
        if summary.sent:
            continue
        waited = 0.0
        while waited < poll_seconds and not stop.requested:
            time.sleep(0.2)
            waited += 0.2
    return total
