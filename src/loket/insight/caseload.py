"""What a manager sees of an office's load: open dossiers per worker and per FTE, the age of the
backlog, overdue decisions, and per month how many dossiers came in and were decided in term.

The open load is counted live from the dossiers (an index covers the query); the monthly flow
comes from the `insight_office_month` summary.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier, Office
from loket.insight.caseload_model import OfficeMonth, OpenLoadSnapshot
from loket.insight.deadlines import CASE_TERMS
from loket.insight.staffing_model import StaffMember

# Upper bounds in days of the backlog age bands; the last band is everything older.
AGE_BANDS = (30, 90, 365)
AGE_BAND_CODES = ("under-30-days", "30-89-days", "90-364-days", "a-year-or-more")
TREND_MONTHS = 12
# A counted load older than this is not shown; the page counts live instead.
SNAPSHOT_MAX_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class MonthFlow:
    month: date
    opened: int
    decided: int
    # Decisions of case types that have a legal decision term, and those taken within it.
    decided_with_term: int
    decided_in_term: int

    @property
    def share_in_term(self) -> float | None:
        if not self.decided_with_term:
            return None
        return self.decided_in_term / self.decided_with_term


@dataclass
class OfficeLoad:
    office_id: str
    office_name: str
    today: date
    fte: float
    # When the open load was counted (None: counted for this page).
    counted_at: datetime | None = None
    open_total: int = 0
    overdue: int = 0
    per_worker: dict[str, int] = field(default_factory=dict)
    age_bands: dict[str, int] = field(default_factory=dict)
    per_type: dict[str, int] = field(default_factory=dict)
    months: list[MonthFlow] = field(default_factory=list)

    @property
    def per_fte(self) -> float | None:
        return self.open_total / self.fte if self.fte else None

    @property
    def share_in_term(self) -> float | None:
        decided = sum(m.decided_with_term for m in self.months)
        return sum(m.decided_in_term for m in self.months) / decided if decided else None


def _month_starts(today: date, count: int) -> list[date]:
    months = [today.replace(day=1)]
    while len(months) < count:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months[::-1]


def office_fte(session: Session, office: Office) -> float:
    """The FTE of the office's staff register; the office's own figure when it has none."""
    total = session.scalar(
        select(func.sum(StaffMember.fte)).where(StaffMember.office_id == office.id)
    )
    return float(total) if total else float(office.staff_fte or 0.0)


def _open_load_query(today: date, office_id: str | None) -> Select[tuple[Any, ...]]:
    """Open dossiers per office, worker, case type and age band on `today`, and how many of
    them are overdue."""
    bounds = [today - timedelta(days=days) for days in AGE_BANDS]
    band = case(
        *(
            (Dossier.opened_on > bound, literal(code))
            for bound, code in zip(bounds, AGE_BAND_CODES, strict=False)
        ),
        else_=literal(AGE_BAND_CODES[-1]),
    )
    # Only a dossier awaiting a decision has a due date (kept so by `change_status`).
    overdue = func.sum(case((Dossier.decision_due_on < today, 1), else_=0))
    query = (
        select(
            Dossier.office_id,
            Dossier.assigned_worker,
            Dossier.case_type,
            band,
            func.count(),
            overdue,
        )
        .where(Dossier.status.in_(OPEN_STATUSES))
        .group_by(Dossier.office_id, Dossier.assigned_worker, Dossier.case_type, band)
    )
    return query if office_id is None else query.where(Dossier.office_id == office_id)


def refresh_open_load(session: Session, now: datetime, office_id: str | None = None) -> int:
    """Count the open load again, for one office or all; returns the rows written. Run by
    `loket insight refresh` on a schedule (see docs/insight.md)."""
    stale = delete(OpenLoadSnapshot)
    if office_id is not None:
        stale = stale.where(OpenLoadSnapshot.office_id == office_id)
    session.execute(stale)
    rows = [
        {
            "office_id": office,
            "assigned_worker": worker or "",
            "case_type": case_type,
            "age_band": code,
            "dossiers": count,
            "overdue": int(late or 0),
            "counted_at": now,
        }
        for office, worker, case_type, code, count, late in session.execute(
            _open_load_query(now.date(), office_id)
        )
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(OpenLoadSnapshot), rows[start : start + 5000])
    session.flush()
    return len(rows)


def _snapshot(session: Session, office_id: str, now: datetime) -> list[tuple[Any, ...]] | None:
    """The office's counted load when it is recent enough, else None."""
    rows = session.execute(
        select(
            OpenLoadSnapshot.assigned_worker,
            OpenLoadSnapshot.case_type,
            OpenLoadSnapshot.age_band,
            OpenLoadSnapshot.dossiers,
            OpenLoadSnapshot.overdue,
            OpenLoadSnapshot.counted_at,
        ).where(OpenLoadSnapshot.office_id == office_id)
    ).all()
    if not rows or rows[0].counted_at < now - SNAPSHOT_MAX_AGE:
        return None
    return [tuple(row) for row in rows]


def office_load(session: Session, office: Office, now: datetime) -> OfficeLoad:
    """The office's load: from the last count when it is under `SNAPSHOT_MAX_AGE` old (the
    page says when it was counted), else counted now."""
    today = now.date()
    load = OfficeLoad(office.id, office.name, today, office_fte(session, office))
    counted = _snapshot(session, office.id, now)
    if counted is not None:
        load.counted_at = counted[0][5]
        rows = [row[:5] for row in counted]
    else:
        rows = [tuple(row[1:]) for row in session.execute(_open_load_query(today, office.id))]
    per_worker: dict[str, int] = defaultdict(int)
    bands = dict.fromkeys(AGE_BAND_CODES, 0)
    per_type: dict[str, int] = defaultdict(int)
    for worker, case_type, code, count, late in rows:
        per_worker[worker or ""] += count
        bands[code] += count
        per_type[case_type] += count
        load.open_total += count
        load.overdue += int(late or 0)
    load.per_worker = dict(sorted(per_worker.items(), key=lambda item: (-item[1], item[0])))
    load.age_bands = bands
    load.per_type = dict(sorted(per_type.items()))
    load.months = monthly_flow(session, office.id, today)
    return load


def monthly_flow(session: Session, office_id: str, today: date) -> list[MonthFlow]:
    """The last `TREND_MONTHS` months: dossiers opened, decided, and of the decisions of case
    types that have a legal term, how many came within it."""
    months = _month_starts(today, TREND_MONTHS)
    with_term = [code for code, terms in CASE_TERMS.items() if terms.decision is not None]
    rows = session.execute(
        select(
            OfficeMonth.month,
            func.sum(OfficeMonth.opened),
            func.sum(OfficeMonth.decided),
            func.sum(case((OfficeMonth.case_type.in_(with_term), OfficeMonth.decided), else_=0)),
            func.sum(
                case((OfficeMonth.case_type.in_(with_term), OfficeMonth.decided_in_term), else_=0)
            ),
        )
        .where(OfficeMonth.office_id == office_id, OfficeMonth.month >= months[0])
        .group_by(OfficeMonth.month)
    )
    found = {month: tuple(int(n or 0) for n in counts) for month, *counts in rows}
    return [MonthFlow(m, *found.get(m, (0, 0, 0, 0))) for m in months]
