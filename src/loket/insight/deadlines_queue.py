"""The staff queue: an office's open dossiers by decision due date, overdue first, with filters
(mine, unassigned, type, status) and pages of a fixed size."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.access import visible_dossiers
from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier, StaffUser
from loket.insight.deadlines import is_overdue
from loket.people.model import Citizen

PAGE_SIZE = 50
# Deeper pages are refused: a worker narrows the filters instead of paging through thousands.
MAX_PAGE = 200


@dataclass(frozen=True)
class QueueFilter:
    """`who`: "" (everyone), "mine" or "unassigned"; `case_type` and `status`: "" for any."""

    who: str = ""
    case_type: str = ""
    status: str = ""
    page: int = 1


@dataclass(frozen=True)
class QueueEntry:
    reference: str
    case_type: str
    status: str
    opened_on: date
    due_on: date | None
    overdue: bool
    assigned_worker: str | None
    given_names: str
    family_name: str


@dataclass(frozen=True)
class QueuePage:
    entries: list[QueueEntry]
    # Counted up to the last page that can be shown (`capped` when there are more).
    total: int
    capped: bool
    page: int
    pages: int


def office_queue(session: Session, staff: StaffUser, wanted: QueueFilter, today: date) -> QueuePage:
    """The open dossiers of the staff member's office that they may see: decision due date
    first (so overdue ones lead), dossiers without a due date after them, oldest first."""
    query = visible_dossiers(staff).where(Dossier.status.in_(OPEN_STATUSES))
    if staff.office_id is not None:
        query = query.where(Dossier.office_id == staff.office_id)
    if wanted.who == "mine":
        query = query.where(Dossier.assigned_worker == staff.username)
    elif wanted.who == "unassigned":
        query = query.where(Dossier.assigned_worker.is_(None))
    if wanted.case_type:
        query = query.where(Dossier.case_type == wanted.case_type)
    if wanted.status in OPEN_STATUSES:
        query = query.where(Dossier.status == wanted.status)
    # Counting stops past what the pages can show, so that a large office's queue costs the
    # same as a small one's.
    shown = MAX_PAGE * PAGE_SIZE
    limited = query.with_only_columns(Dossier.id).limit(shown + 1).subquery()
    total = session.scalar(select(func.count()).select_from(limited)) or 0
    capped = total > shown
    total = min(total, shown)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, wanted.page), pages, MAX_PAGE)
    ordered = query.order_by(
        Dossier.decision_due_on.asc().nulls_last(), Dossier.opened_on, Dossier.id
    )
    if not capped:
        # Few matches (narrow filters): walking the office's due-date index for them could
        # pass every dossier of the office, so the matches are read by the filters' index and
        # put in order here; only the page's rows are read in full.
        keys = sorted(
            session.execute(
                query.with_only_columns(Dossier.id, Dossier.decision_due_on, Dossier.opened_on)
            ).all(),
            key=lambda k: (k[1] is None, k[1] or date.min, k[2], k[0]),
        )
        ids = [k[0] for k in keys[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
        ordered = ordered.where(Dossier.id.in_(ids))
    else:
        ordered = ordered.offset((page - 1) * PAGE_SIZE)
    rows = session.execute(
        ordered.add_columns(Citizen.given_names, Citizen.family_name)
        .join(Citizen, Citizen.id == Dossier.citizen_id)
        .limit(PAGE_SIZE)
    ).all()
    entries = [
        QueueEntry(
            d.reference,
            d.case_type,
            d.status,
            d.opened_on,
            d.decision_due_on,
            is_overdue(d.decision_due_on, today),
            d.assigned_worker,
            given,
            family,
        )
        for d, given, family in rows
    ]
    return QueuePage(entries, total, capped, page, pages)
