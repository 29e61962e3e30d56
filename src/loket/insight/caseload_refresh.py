"""Keeping `insight_office_month` current: one row changed in the transaction that opens or
decides a dossier, or the whole table rebuilt from the dossiers and their history.

A decision is a status change out of "requested" or "in review" into any other status; it
counts in the month of its effective date, at the office that holds the dossier then.
"""

from collections import Counter
from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from loket.cases.model import Dossier, DossierEvent
from loket.insight.caseload_model import OfficeMonth
from loket.insight.deadlines import AWAITING_DECISION, decided_in_term

BATCH = 5000


def month_of(day: date) -> date:
    return day.replace(day=1)


def count_opened(session: Session, office_id: str, case_type: str, on: date) -> None:
    _add(session, office_id, case_type, on, opened=1)


def count_decision(
    session: Session, dossier: Dossier, from_status: str, to_status: str, on: date
) -> None:
    """Count a decision when a dossier leaves the statuses awaiting one."""
    if from_status not in AWAITING_DECISION or to_status in AWAITING_DECISION:
        return
    in_term = decided_in_term(dossier.case_type, dossier.opened_on, on)
    _add(session, dossier.office_id, dossier.case_type, on, decided=1, decided_in_term=int(in_term))


def _add(session: Session, office_id: str, case_type: str, on: date, **counts: int) -> None:
    """Add to one summary row, creating it when missing (one statement, safe under concurrency)."""
    row = {"office_id": office_id, "month": month_of(on), "case_type": case_type}
    values = {"opened": 0, "decided": 0, "decided_in_term": 0, **counts}
    dialect = session.get_bind().dialect.name
    maker = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = maker(OfficeMonth).values(**row, **values)
    table = OfficeMonth.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=["office_id", "month", "case_type"],
        set_={name: table[name] + amount for name, amount in counts.items()},
    )
    session.execute(statement)


def rebuild_office_months(session: Session) -> int:
    """Recompute the whole summary from the dossiers and their status history; returns the
    number of rows written. For bulk loads that bypass `open_dossier`/`change_status`."""
    totals: Counter[tuple[str, date, str, str]] = Counter()
    opened = select(Dossier.office_id, Dossier.case_type, Dossier.opened_on)
    for office_id, case_type, opened_on in session.execute(opened).yield_per(BATCH):
        totals[(office_id, month_of(opened_on), case_type, "opened")] += 1
    decisions = (
        select(Dossier.office_id, Dossier.case_type, Dossier.opened_on, DossierEvent.effective_date)
        .join(Dossier, Dossier.id == DossierEvent.dossier_id)
        .where(
            DossierEvent.from_status.in_(AWAITING_DECISION),
            DossierEvent.to_status.not_in(AWAITING_DECISION),
        )
    )
    for office_id, case_type, opened_on, day in session.execute(decisions).yield_per(BATCH):
        key = (office_id, month_of(day), case_type)
        totals[(*key, "decided")] += 1
        totals[(*key, "decided_in_term")] += decided_in_term(case_type, opened_on, day)
    rows: dict[tuple[str, date, str], dict[str, object]] = {}
    for (office_id, month, case_type, name), amount in totals.items():
        row = rows.setdefault(
            (office_id, month, case_type),
            {
                "office_id": office_id,
                "month": month,
                "case_type": case_type,
                "opened": 0,
                "decided": 0,
                "decided_in_term": 0,
            },
        )
        row[name] = amount
    session.execute(delete(OfficeMonth))
    values = list(rows.values())
    for start in range(0, len(values), BATCH):
        session.execute(insert(OfficeMonth), values[start : start + BATCH])
    session.flush()
    return len(values)
