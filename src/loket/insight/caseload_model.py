"""The monthly summary behind the managers' page: dossiers opened and decided per office, month
and case type, kept up to date in the transaction that opens or decides a dossier."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class OfficeMonth(Base):
    __tablename__ = "insight_office_month"

    office_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the month
    case_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    opened: Mapped[int] = mapped_column(Integer, default=0)
    decided: Mapped[int] = mapped_column(Integer, default=0)
    decided_in_term: Mapped[int] = mapped_column(Integer, default=0)


class OpenLoadSnapshot(Base):
    """Open dossiers per office, case type, worker ("" for none) and age band, as counted at
    `counted_at` by `loket insight refresh` (run on a schedule). Large offices read their load
    from here instead of counting every open dossier on each page view."""

    __tablename__ = "insight_open_load"

    office_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    assigned_worker: Mapped[str] = mapped_column(String(64), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(20), primary_key=True)
    dossiers: Mapped[int] = mapped_column(Integer)
    # Of which awaiting a decision past its due date.
    overdue: Mapped[int] = mapped_column(Integer, server_default="0")
    counted_at: Mapped[datetime] = mapped_column(DateTime)
