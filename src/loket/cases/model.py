"""Tables for agencies, offices, jurisdiction, case types, dossiers and their history."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class Agency(Base):
    __tablename__ = "agency"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_nl: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Office(Base):
    __tablename__ = "office"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(ForeignKey("postal_code.code"))
    municipality_refnis: Mapped[str] = mapped_column(ForeignKey("municipality.refnis"))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    languages: Mapped[list[str]] = mapped_column(JSON)
    # {"mon": "09:00-12:00", ...}; a missing day means closed.
    opening_hours: Mapped[dict[str, str]] = mapped_column(JSON)
    staff_fte: Mapped[float] = mapped_column(Float, default=0.0)
    phone: Mapped[str | None] = mapped_column(String(40))
    # Where the office's notifications (dossiers in and out, routing) go; see loket.notify.
    email: Mapped[str | None] = mapped_column(String(254))
    step_free_access: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # How many appointments the office can hold at the same time.
    appointment_desks: Mapped[int] = mapped_column(Integer, server_default="1")


class Jurisdiction(Base):
    """Which office of an agency is competent for a municipality or a postal code, and when.

    A postal-code row wins over a municipality row of the same agency on the same day.
    """

    __tablename__ = "jurisdiction"
    __table_args__ = (Index("ix_jurisdiction_agency", "agency_code", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    municipality_refnis: Mapped[str | None] = mapped_column(ForeignKey("municipality.refnis"))
    postal_code: Mapped[str | None] = mapped_column(ForeignKey("postal_code.code"))
    office_id: Mapped[str] = mapped_column(ForeignKey("office.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class CaseType(Base):
    __tablename__ = "case_type"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    follows_residence: Mapped[bool] = mapped_column(Boolean)
    confidentiality: Mapped[str] = mapped_column(String(16))


class Dossier(Base):
    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_citizen_status", "citizen_id", "status"),
        # The staff queue: an office's dossiers by decision due date (overdue first).
        Index("ix_dossier_office_due", "office_id", "decision_due_on", "opened_on", "id"),
        # The managers' page: an office's open load per status, type, worker and age.
        Index(
            "ix_dossier_office_load",
            "office_id",
            "status",
            "case_type",
            "assigned_worker",
            "opened_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    office_id: Mapped[str] = mapped_column(ForeignKey("office.id"), index=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
    case_type: Mapped[str] = mapped_column(ForeignKey("case_type.code"))
    status: Mapped[str] = mapped_column(String(16))
    assigned_worker: Mapped[str | None] = mapped_column(String(64))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # While the dossier awaits a decision: the day the legal term ends (insight.deadlines).
    decision_due_on: Mapped[date | None] = mapped_column(Date)


class DossierEvent(Base):
    """One line of a dossier's history."""

    __tablename__ = "dossier_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    effective_date: Mapped[date] = mapped_column(Date)
    from_office_id: Mapped[str | None] = mapped_column(String(40))
    to_office_id: Mapped[str | None] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    address_event_id: Mapped[str | None] = mapped_column(String(64))
    # How the event reached loket (contact.choices.Channel) and who caused it: a staff
    # username, "citizen", or "system"; `mandate_id` when a proxy acted for the citizen.
    channel: Mapped[str | None] = mapped_column(String(16))
    actor: Mapped[str | None] = mapped_column(String(64))
    mandate_id: Mapped[int | None] = mapped_column(Integer)


class RoutingQueueItem(Base):
    """A dossier that could not follow its citizen; it stays at `office_id` until resolved."""

    __tablename__ = "routing_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("office.id"), index=True)
    reason: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(String(300))
    address_event_id: Mapped[str | None] = mapped_column(String(64))
    created_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)


class ReferenceCounter(Base):
    """The last sequence number used per reference prefix and year."""

    __tablename__ = "reference_counter"

    prefix: Mapped[str] = mapped_column(String(30), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class StaffUser(Base):
    __tablename__ = "staff_user"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    office_id: Mapped[str | None] = mapped_column(ForeignKey("office.id"))
    token_id: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(200))
    # Argon2 hash of the password for the staff pages; None until one is set.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
