"""The monthly summary behind the managers' page: dossiers opened and decided per office, month
and case type, kept up to date in the transaction that opens or decides a dossier."""

from datetime import date

from sqlalchemy import Date, Integer, String
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
