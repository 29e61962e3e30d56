"""The outbox: notifications to the outside world, written in the same transaction as the change
that caused them and delivered later by a separate sender (`loket.notify`)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "dead_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40))
    # "office" or "citizen"; the recipient id is an office id or an INSZ.
    recipient_kind: Mapped[str] = mapped_column(String(10))
    recipient_id: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # When the message was delivered: handed to the mail server, or printed in a letter batch.
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A writer that must not notify twice about the same thing (an appointment's reminder) sets
    # this; the unique index refuses the second row.
    dedup_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # How it goes out (see loket.notify.channels.Channel); None until the sender has chosen.
    channel: Mapped[str | None] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A lease: the worker sending the message and until when; an expired claim is free again,
    # so a message held by a killed worker is taken by the next one.
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    # RFC 5322 Message-ID, fixed at the first attempt: a resend after a crash carries the same.
    message_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(String(500))
    dead_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A loket.notify.channels.DeadReason code; `last_error` holds the server's own words.
    dead_reason: Mapped[str | None] = mapped_column(String(40))
