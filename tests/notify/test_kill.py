"""A worker killed in the middle of a batch loses nothing: the next worker takes over its
claimed messages; a message may arrive twice, then both copies carry the same Message-ID."""

import json
import os
import re
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.notify.worker import CONNECTIONS
from loket.store.outbox import OutboxMessage
from tests.notify.mailbox import Mailbox, fill_office_outbox, smtp_server

MESSAGES = 2000


def _worker(database_url: str, smtp_url: str, *extra: str) -> subprocess.Popen[str]:
    env = os.environ | {"LOKET_DATABASE_URL": database_url, "LOKET_SMTP_URL": smtp_url}
    return subprocess.Popen(
        [sys.executable, "-m", "loket", "outbox", "run", "--batch", "500", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until_received(mailbox: Mailbox, worker: subprocess.Popen[str], count: int) -> None:
    deadline = time.monotonic() + 240  # the command starts slowly on a busy machine
    while mailbox.count < count and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.01)


def test_a_killed_worker_loses_no_message(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions.begin() as session:
        fill_office_outbox(session, MESSAGES, "kill")
    with smtp_server() as (url, mailbox):
        first = _worker(database_url, url)
        _wait_until_received(mailbox, first, 300)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        received_before_kill = mailbox.count
        assert 0 < received_before_kill < MESSAGES, first.stderr.read() if first.stderr else ""
        second = _worker(database_url, url, "--once", "--json")
        out, err = second.communicate(timeout=300)
        assert second.returncode == 0, err
        summary = json.loads(out)
        messages = list(mailbox.messages)
    assert summary["dead"] == 0 and summary["retried"] == 0
    by_reference: dict[str, set[str]] = {}
    for message in messages:
        found = re.search(r"kill-[0-9]+", str(message["Subject"]))
        assert found is not None
        reference = found.group()
        by_reference.setdefault(reference, set()).add(str(message["Message-ID"]))
    assert set(by_reference) == {f"kill-{n}" for n in range(MESSAGES)}
    # A message sent twice (accepted by the server, not yet marked sent) kept its Message-ID.
    assert all(len(ids) == 1 for ids in by_reference.values())
    # At most one message in flight per SMTP connection when the worker died.
    assert len(messages) - MESSAGES <= CONNECTIONS
    with sessions() as session:
        unsent = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        )
        assert unsent == 0
        assert summary["sent"] + received_before_kill >= MESSAGES


def test_sigterm_stops_the_worker_after_the_message_it_is_sending(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions.begin() as session:
        fill_office_outbox(session, MESSAGES, "term")
    with smtp_server() as (url, mailbox):
        worker = _worker(database_url, url, "--json")
        _wait_until_received(mailbox, worker, 100)
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
        received = mailbox.count
    assert worker.returncode == 0, err
    assert json.loads(out)["sent"] == received < MESSAGES
    with sessions() as session:
        sent = select(func.count()).select_from(OutboxMessage)
        assert session.scalar(sent.where(OutboxMessage.sent_at.is_not(None))) == received
        # What it had claimed and not sent is free for the next worker at once.
        assert session.scalar(sent.where(OutboxMessage.claimed_by.is_not(None))) == 0
