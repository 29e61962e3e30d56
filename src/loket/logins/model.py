"""Tables for browser sessions and rate-limited attempts."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class LoginSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's secret is kept.

    A session belongs to a citizen or to a staff user. A staff session in counter mode also
    names the citizen served and the channel; a citizen acting under a mandate names it.
    """

    __tablename__ = "login_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"))
    staff_username: Mapped[str | None] = mapped_column(ForeignKey("staff_user.username"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    acting_for_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"))
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandate.id"))
    counter_channel: Mapped[str | None] = mapped_column(String(16))
    counter_visit_id: Mapped[int | None] = mapped_column(ForeignKey("counter_visit.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class AttemptRecord(Base):
    """One attempt at something rate-limited (a login, a resume code), by key."""

    __tablename__ = "attempt_record"
    __table_args__ = (Index("ix_attempt_record_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime)
