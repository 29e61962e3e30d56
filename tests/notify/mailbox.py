"""A real SMTP server for the tests and the benchmark: aiosmtpd on a free local port, keeping
every message it accepts, and refusing recipients on demand (4xx or 5xx)."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from loket.cases.model import Office
from loket.store.outbox import OutboxMessage


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What the server received; `refuse` maps a recipient to the reply it gets at RCPT."""

    raw: list[bytes] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    count: int = 0

    async def handle_RCPT(  # noqa: N802  (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        # Parsed only when a test reads them: the server thread shares the test's interpreter.
        with self.lock:
            self.count += 1
            self.raw.append(envelope.content)
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            raw = list(self.raw)
        parsed = [message_from_bytes(r, policy=policy.default) for r in raw]
        return [m for m in parsed if isinstance(m, EmailMessage)]

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        found: dict[str, list[EmailMessage]] = {}
        for message in self.messages:
            found.setdefault(str(message["To"].addresses[0].addr_spec), []).append(message)
        return found


@contextmanager
def smtp_server() -> Iterator[tuple[str, Mailbox]]:
    """Yields (`smtp://127.0.0.1:PORT`, mailbox) while the server runs."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", mailbox
    finally:
        controller.stop()


# Offices that receive the messages of the kill test and the benchmark.
OFFICES = ("ocmw-11002", "ocmw-44021", "ocmw-21004", "ocmw-62063", "ocmw-92094")


def fill_office_outbox(session: Session, messages: int, prefix: str) -> None:
    """Give OFFICES an e-mail address and write `messages` transfer notices to them, each
    with its own dossier reference `<prefix>-<n>`."""
    for office in OFFICES:
        session.execute(
            update(Office).where(Office.id == office).values(email=f"{office}@example.org")
        )
    rows = [
        {
            "topic": "dossier-transferred-in",
            "recipient_kind": "office",
            "recipient_id": OFFICES[n % len(OFFICES)],
            "payload": {
                "reference": f"{prefix}-{n}",
                "effective_date": "2026-12-01",
                "from_office": "ocmw-44021",
            },
        }
        for n in range(messages)
    ]
    for start in range(0, messages, 5000):
        session.execute(insert(OutboxMessage), rows[start : start + 5000])
