"""Tables of the digital-divide indicators: channel events as they happen, and the summary per
municipality, period, service and channel that the managers' map reads.

An event records where and how someone reached a public service, never what they answered and
never who they are: the person is a keyed hash, kept only to count distinct people for the
small-cell rule (see docs/insight.md, "Digital divide").
"""

from datetime import date
from enum import StrEnum

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class ContactChannel(StrEnum):
    """The four channels the map compares; a paper form counts with the counter (both are
    served by staff, neither is digital)."""

    ONLINE = "online"
    ASSISTED_ONLINE = "assisted-online"
    PHONE = "phone"
    COUNTER = "counter"


class ContactKind(StrEnum):
    """What reached the service: a request form, a call-back, an appointment, a counter visit."""

    REQUEST = "request"
    CALLBACK = "callback"
    APPOINTMENT = "appointment"
    VISIT = "visit"


class Outcome(StrEnum):
    """How far a contact went. Call-backs, appointments and visits are `submitted` when they
    are asked for, booked or held; a request form goes from `started` through `step` to
    `submitted`, or is `abandoned` at the step it reached."""

    STARTED = "started"
    STEP = "step"
    SUBMITTED = "submitted"
    ABANDONED = "abandoned"


class ChannelEvent(Base):
    """One step of a contact: when, where (the municipality's REFNIS code, of the citizen or
    else of the office), which service, through which channel and how far it went."""

    __tablename__ = "channel_event"
    __table_args__ = (Index("ix_channel_event_day", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    # No foreign key: events outlive municipality mergers and are loaded in bulk.
    municipality: Mapped[str | None] = mapped_column(String(5))
    service: Mapped[str] = mapped_column(String(32))
    contact: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    # The form step reached (for started, step and abandoned requests); never an answer.
    step: Mapped[str | None] = mapped_column(String(32))
    # HMAC of the register id (or of the draft or phone number for someone unknown), only to
    # count distinct people; it is never shown or exported.
    person_key: Mapped[str] = mapped_column(String(16))


class DivideSummary(Base):
    """Contacts and distinct people per period (a year "2026", a quarter "2026-Q1" or a month
    "2026-03"), municipality ("" when unknown), service and channel; "*" is all of them."""

    __tablename__ = "divide_summary"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    service: Mapped[str] = mapped_column(String(32), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(5), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    contacts: Mapped[int] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)
    # People with no online contact of their own or with an abandoned online form (channel "*").
    reachable: Mapped[int] = mapped_column(Integer, default=0)


class DivideStep(Base):
    """The online-form funnel: per period, service, municipality ("*" for Belgium) and step,
    the people who reached the step and the people who dropped out there."""

    __tablename__ = "divide_step"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    service: Mapped[str] = mapped_column(String(32), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(5), primary_key=True)
    step: Mapped[str] = mapped_column(String(32), primary_key=True)
    reached: Mapped[int] = mapped_column(Integer)
    abandoned: Mapped[int] = mapped_column(Integer)


class DivideState(Base):
    """Where the last refresh stopped: the highest event summarised, the expiry date up to which
    drafts were checked for abandonment, and the key that hashes people."""

    __tablename__ = "divide_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)
    abandoned_through: Mapped[date | None] = mapped_column(Date)
    person_salt: Mapped[str] = mapped_column(String(64))
