"""Tables for call-backs, appointments, counter visits, mandates and accessibility feedback."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class CallbackRequest(Base):
    """A citizen asks an office to phone them back, in their language, in a time window."""

    __tablename__ = "callback_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("office.id"), index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    preferred_day: Mapped[date] = mapped_column(Date)
    time_window: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(40))
    with_expert: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    # Set when a proxy asked for the citizen under a mandate.
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandate.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)


class Appointment(Base):
    """A booked slot at an office desk; a desk holds one appointment per start time."""

    __tablename__ = "appointment"
    __table_args__ = (UniqueConstraint("office_id", "starts_at", "desk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("office.id"), index=True)
    desk: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    minutes: Mapped[int] = mapped_column(Integer)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    topic: Mapped[str] = mapped_column(String(40))
    with_expert: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    # Set when a proxy booked for the citizen under a mandate.
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandate.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class CounterVisit(Base):
    """A clerk serving a citizen at the counter or on the phone (assisted digital)."""

    __tablename__ = "counter_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[str | None] = mapped_column(ForeignKey("office.id"), index=True)
    staff_username: Mapped[str] = mapped_column(ForeignKey("staff_user.username"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"))
    channel: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)


class Mandate(Base):
    """A citizen lets a trusted person act for them: pending until both accept."""

    __tablename__ = "mandate"

    id: Mapped[int] = mapped_column(primary_key=True)
    grantor_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    proxy_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    scope: Mapped[str] = mapped_column(String(16))
    valid_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    grantor_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    proxy_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class AccessibilityFeedback(Base):
    """A barrier someone met on a page, sent from the accessibility statement."""

    __tablename__ = "accessibility_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    status: Mapped[str] = mapped_column(String(16), default="open")
