"""Tables for citizens and their addresses over time."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class Citizen(Base):
    __tablename__ = "citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    insz: Mapped[str] = mapped_column(String(11), unique=True)
    # "nn" for a national register number, "bis" for a BIS number.
    number_kind: Mapped[str] = mapped_column(String(3))
    family_name: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    # Where notifications go by e-mail; without one they go by paper letter (loket.notify).
    email: Mapped[str | None] = mapped_column(String(254))


class Address(Base):
    """One address of a citizen, valid from `valid_from` up to (not including) `valid_to`."""

    __tablename__ = "address"
    __table_args__ = (Index("ix_address_citizen_current", "citizen_id", "valid_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
    street: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[str] = mapped_column(String(20))
    box: Mapped[str | None] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(12))
    country: Mapped[str] = mapped_column(String(2), default="BE")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str | None] = mapped_column(String(64))


class AddressChange(Base):
    """Every address-change event applied, by its id: what makes a replayed event a no-op."""

    __tablename__ = "address_change"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    effective_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40))
    # "current" when it became the current address, "history" when it arrived after a later move.
    applied_as: Mapped[str] = mapped_column(String(10))
    dossiers_transferred: Mapped[int] = mapped_column(default=0)
    dossiers_queued: Mapped[int] = mapped_column(default=0)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ScheduleStatus(StrEnum):
    """Where a move dated in the future stands."""

    WAITING = "waiting"  # its day has not come, or apply-due has not run since
    APPLIED = "applied"  # applied on its day, as an immediate move would have been
    SUPERSEDED = "superseded"  # replaced by a later-recorded move (see loket.people.scheduled)


class ScheduledMove(Base):
    """A move dated after the day it was recorded: it waits here, with its address, until
    `loket moves apply-due` applies it on its day, or a later-recorded move for the same citizen
    supersedes it. Rows are kept once settled, so staff can tell what happened to a move."""

    __tablename__ = "scheduled_move"
    __table_args__ = (
        Index("ix_scheduled_move_due", "status", "effective_date"),
        CheckConstraint(
            f"status IN ({', '.join(repr(str(s)) for s in ScheduleStatus)})", name="status"
        ),
    )

    # Recording order: moves of the same day are applied in the order they were recorded.
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    effective_date: Mapped[date] = mapped_column(Date)
    street: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[str] = mapped_column(String(20))
    box: Mapped[str | None] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(12))
    country: Mapped[str] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(40))
    # The import run (or request) that recorded it: moves of one file never supersede each other.
    recorded_in: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    status: Mapped[str] = mapped_column(String(12))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # For a superseded move: the event id of the later-recorded move that replaced it.
    superseded_by: Mapped[str | None] = mapped_column(String(64))
