"""What a manager sees of an office's load: open dossiers per worker and per FTE, the age of the
backlog, overdue decisions, and per month how many dossiers came in and were decided in term.

The open load is counted live from the dossiers (an index covers the query); the monthly flow
comes from the `insight_office_month` summary.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier, Office
from loket.insight.caseload_model import OfficeMonth
from loket.insight.deadlines import CASE_TERMS
from loket.insight.staffing_model import StaffMember

# Upper bounds in days of the backlog age bands; the last band is everything older.
AGE_BANDS = (30, 90, 365)
AGE_BAND_CODES = ("under-30-days", "30-89-days", "90-364-days", "a-year-or-more")
TREND_MONTHS = 12


@dataclass(frozen=True)
class MonthFlow:
    month: date
    opened: int
    decided: int
    decided_in_term: int

    @property
    def share_in_term(self) -> float | None:
        return self.decided_in_term / self.decided if self.decided else None


@dataclass
class OfficeLoad:
    office_id: str
    office_name: str
    today: date
    fte: float
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
        decided = sum(m.decided for m in self.months)
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


def office_load(session: Session, office: Office, today: date) -> OfficeLoad:
    load = OfficeLoad(office.id, office.name, today, office_fte(session, office))
    bounds = [today - timedelta(days=days) for days in AGE_BANDS]
    band = case(
        *(
            (Dossier.opened_on > bound, literal(code))
            for bound, code in zip(bounds, AGE_BAND_CODES, strict=False)
        ),
        else_=literal(AGE_BAND_CODES[-1]),
    )
    rows = session.execute(
        select(Dossier.assigned_worker, Dossier.case_type, band, func.count())
        .where(Dossier.office_id == office.id, Dossier.status.in_(OPEN_STATUSES))
        .group_by(Dossier.assigned_worker, Dossier.case_type, band)
    )
    per_worker: dict[str, int] = defaultdict(int)
    bands = dict.fromkeys(AGE_BAND_CODES, 0)
    per_type: dict[str, int] = defaultdict(int)
    for worker, case_type, code, count in rows:
        per_worker[worker or ""] += count
        bands[code] += count
        per_type[case_type] += count
        load.open_total += count
    load.per_worker = dict(sorted(per_worker.items(), key=lambda item: (-item[1], item[0])))
    load.age_bands = bands
    load.per_type = dict(sorted(per_type.items()))
    # Only a dossier awaiting a decision has a due date (kept so by `change_status`), so the
    # count needs the due-date index alone.
    load.overdue = (
        session.scalar(
            select(func.count()).where(
                Dossier.office_id == office.id, Dossier.decision_due_on < today
            )
        )
        or 0
    )
    load.months = monthly_flow(session, office.id, today)
    return load


def monthly_flow(session: Session, office_id: str, today: date) -> list[MonthFlow]:
    """The last `TREND_MONTHS` months: dossiers opened, decided, and decided within the legal
    term (only case types that have a decision term count towards the decisions)."""
    months = _month_starts(today, TREND_MONTHS)
    with_term = [code for code, terms in CASE_TERMS.items() if terms.decision is not None]
    rows = session.execute(
        select(
            OfficeMonth.month,
            func.sum(OfficeMonth.opened),
            func.sum(case((OfficeMonth.case_type.in_(with_term), OfficeMonth.decided), else_=0)),
            func.sum(
                case((OfficeMonth.case_type.in_(with_term), OfficeMonth.decided_in_term), else_=0)
            ),
        )
        .where(OfficeMonth.office_id == office_id, OfficeMonth.month >= months[0])
        .group_by(OfficeMonth.month)
    )
    found = {month: (int(o or 0), int(d or 0), int(t or 0)) for month, o, d, t in rows}
    return [MonthFlow(m, *found.get(m, (0, 0, 0))) for m in months]
