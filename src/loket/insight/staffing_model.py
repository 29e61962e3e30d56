"""Staffing tables: norms per service (caseload or inhabitants), the staff of each office (FTE,
birth year, retirement age, no names) and the inhabitants an office serves."""

from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base

DEFAULT_RETIREMENT_AGE = 67


class StaffingNorm(Base):
    """One line of a service's norm.

    With a `case_type`: each open dossier of that type weighs `effort_weight` and one FTE
    carries `dossiers_per_fte` weighted dossiers. Without: the service needs
    `fte_per_10000_inhabitants` for the inhabitants the office serves. A service's required
    FTE is the sum of its lines."""

    __tablename__ = "staffing_norm"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"), index=True)
    service: Mapped[str] = mapped_column(String(24))
    case_type: Mapped[str | None] = mapped_column(ForeignKey("case_type.code"))
    dossiers_per_fte: Mapped[float | None] = mapped_column(Float)
    effort_weight: Mapped[float] = mapped_column(Float, default=1.0)
    fte_per_10000_inhabitants: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    # True for the shipped defaults: an office must replace them with its own norm.
    illustrative: Mapped[bool] = mapped_column(Boolean, default=True)


class StaffMember(Base):
    """A post held at an office: its service, FTE and when its holder reaches retirement."""

    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("office.id"), index=True)
    service: Mapped[str] = mapped_column(String(24))
    fte: Mapped[float] = mapped_column(Float)
    birth_year: Mapped[int] = mapped_column(Integer)
    retirement_age: Mapped[int] = mapped_column(Integer, default=DEFAULT_RETIREMENT_AGE)


class OfficePopulation(Base):
    """The inhabitants an office serves, with the date and source of the count."""

    __tablename__ = "office_population"

    office_id: Mapped[str] = mapped_column(ForeignKey("office.id"), primary_key=True)
    inhabitants: Mapped[int] = mapped_column(Integer)
    counted_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
