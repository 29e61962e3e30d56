"""Tables for authorisations, the access log with its checkpoints, citizens' flags, and the demo
source registers (tax, property, employment) that the providers read."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class Authorisation(Base):
    """A deliberation of the privacy authority: one grantee agency may consult one data category
    for one purpose, on a legal basis, within validity dates."""

    __tablename__ = "exchange_authorisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    grantee_agency: Mapped[str] = mapped_column(ForeignKey("agency.code"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(String(40))
    legal_basis: Mapped[str] = mapped_column(Text)
    legal_reference: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    requires_open_dossier: Mapped[bool] = mapped_column(Boolean, default=True)
    # Case-type codes whose open dossier justifies a consultation; empty means any of the agency.
    dossier_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    embargo_days: Mapped[int] = mapped_column(Integer, default=0)
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revocation_reason: Mapped[str | None] = mapped_column(Text)


class AccessLogEntry(Base):
    """One line of the access log. `body` is canonical JSON; `entry_hash` is
    SHA-256(prev_hash || body). Rows are never updated or deleted (database triggers refuse it).
    The other columns repeat fields of the body for searching; the body is what is verified."""

    __tablename__ = "access_log"
    # A citizen's own page asks for their consultations only: their self-views (one per visit)
    # must not be read to find them.
    __table_args__ = (Index("ix_access_log_citizen_kind", "citizen_insz", "kind", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    citizen_insz: Mapped[str | None] = mapped_column(String(11), index=True)
    agency: Mapped[str | None] = mapped_column(String(16), index=True)
    actor: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    # The day from which the citizen sees the entry (later than recorded_at under an embargo).
    visible_from: Mapped[date] = mapped_column(Date)


class AccessLogHead(Base):
    """A single row naming the last entry; appenders lock it so the chain never forks."""

    __tablename__ = "access_log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed Merkle tree head (RFC 9162 hashing) over the first `tree_size` entries."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(Integer)
    root_hash: Mapped[str] = mapped_column(String(64))
    head_entry_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(200))


class AccessLogFlag(Base):
    """A citizen does not recognise a log entry: a case for the privacy officer."""

    __tablename__ = "access_log_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_seq: Mapped[int] = mapped_column(ForeignKey("access_log.seq"), index=True)
    citizen_insz: Mapped[str] = mapped_column(String(11), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    handled_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str | None] = mapped_column(Text)


class TaxAssessment(Base):
    """Demo register of FPS Finance: one income-tax assessment per citizen and year."""

    __tablename__ = "tax_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    income_year: Mapped[int] = mapped_column(Integer)
    taxable_income_eur: Mapped[float] = mapped_column(Float)
    tax_due_eur: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))


class PropertyParcel(Base):
    """Demo cadastral register: parcels a citizen owns."""

    __tablename__ = "property_parcel"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    capakey: Mapped[str] = mapped_column(String(20))
    municipality_refnis: Mapped[str] = mapped_column(String(5))
    cadastral_income_eur: Mapped[float] = mapped_column(Float)
    share_percent: Mapped[float] = mapped_column(Float, default=100.0)


class EmploymentStatus(Base):
    """Demo employment register: the citizen's current employment situation."""

    __tablename__ = "employment_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    employer_enterprise_number: Mapped[str | None] = mapped_column(String(10))
    since: Mapped[date] = mapped_column(Date)


def log_body_fields() -> list[str]:
    """The fields of an access-log body, in the order the documentation lists them."""
    return [
        "kind", "recorded_at", "actor", "office", "agency", "citizen", "category", "purpose",
        "authorisation", "legal_basis", "dossier", "outcome", "reason", "visible_from",
    ]  # fmt: skip
