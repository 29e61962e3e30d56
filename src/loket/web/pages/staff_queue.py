"""The office queue's dossier list: due dates, filters, pages, and giving a dossier to a worker."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.assignment import (
    AssignmentRefused,
    DossierOutOfReach,
    assign_dossier,
    assignable_workers,
    may_assign,
)
from loket.cases.choices import OPEN_STATUSES
from loket.cases.dossiers import UnknownDossier
from loket.cases.model import Dossier, StaffUser
from loket.cases.queue import WaitingDossier
from loket.insight.deadlines import is_overdue, terms_of
from loket.insight.deadlines_queue import QueueFilter, QueuePage, office_queue
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import redirect
from loket.web.pages.viewer import ViewerDep

router = APIRouter(include_in_schema=False)

WHO_CHOICES = ("", "mine", "unassigned")


@dataclass(frozen=True)
class QueueRow:
    reference: str
    type_name: str
    status: str
    opened_on: date
    due_on: date | None
    overdue: bool
    worker: str | None
    citizen: str


def read_filter(who: str, case_type: str, status: str, page: str) -> QueueFilter:
    """The filters from the query string; anything unknown is ignored rather than refused."""
    return QueueFilter(
        who=who if who in WHO_CHOICES else "",
        case_type=case_type[:40],
        status=status if status in OPEN_STATUSES else "",
        page=int(page) if page.isdigit() and len(page) < 6 else 1,
    )


def queue_context(
    session: Session,
    staff: StaffUser,
    wanted: QueueFilter,
    today: date,
    type_names: dict[str, str],
    status_label: Any,
) -> dict[str, Any]:
    """Everything the queue template needs for the dossier list."""
    found: QueuePage = office_queue(session, staff, wanted, today)
    rows = [
        QueueRow(
            e.reference,
            type_names.get(e.case_type, e.case_type),
            status_label(e.status),
            e.opened_on,
            e.due_on,
            e.overdue,
            e.assigned_worker,
            f"{e.given_names} {e.family_name}",
        )
        for e in found.entries
    ]
    base = {"who": wanted.who, "type": wanted.case_type, "status": wanted.status}
    kept = {k: v for k, v in base.items() if v}

    def page_url(page: int) -> str:
        return "/staff/?" + urlencode({**kept, "page": page})

    workers = assignable_workers(session, staff.office_id) if staff.office_id else []
    return {
        "dossiers": rows,
        "total": found.total,
        "capped": found.capped,
        "page": found.page,
        "pages": found.pages,
        "previous_url": page_url(found.page - 1) if found.page > 1 else None,
        "next_url": page_url(found.page + 1) if found.page < found.pages else None,
        "filter": base,
        "type_choices": sorted(type_names.items(), key=lambda item: item[1]),
        "status_choices": [(s, status_label(s)) for s in OPEN_STATUSES],
        "workers": workers if may_assign(staff) else [],
        "here_query": urlencode({**kept, "page": found.page}),
    }


@dataclass(frozen=True)
class ForwardingTerm:
    due_on: date
    overdue: bool


def forwarding_terms(
    session: Session, waiting: list[WaitingDossier], today: date
) -> dict[str, ForwardingTerm]:
    """For dossiers waiting to be routed by hand whose case type sets a forwarding term (the
    living wage: 5 days to send a request on to the competent centre), when it ends."""
    if not waiting:
        return {}
    rows = session.execute(
        select(Dossier.reference, Dossier.case_type).where(
            Dossier.reference.in_([w.reference for w in waiting])
        )
    )
    types = {reference: case_type for reference, case_type in rows}
    terms = {}
    for item in waiting:
        term = terms_of(types.get(item.reference, "")).forwarding
        if term is not None:
            due = item.since + timedelta(days=term.days)
            terms[item.reference] = ForwardingTerm(due, is_overdue(due, today))
    return terms


@router.post("/staff/dossiers/{reference}/assign")
def assign(
    request: Request, reference: str, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Give a dossier of one's own office to one of its workers (or back to nobody). A dossier
    the member of staff may not see is answered like a missing one."""
    staff = viewer.staff
    if staff is None:
        raise HTTPException(status_code=401)
    worker = field(form, "worker", 64) or None
    try:
        assign_dossier(session, reference, worker, by=staff)
    except (UnknownDossier, DossierOutOfReach):
        raise HTTPException(status_code=404) from None
    except AssignmentRefused:
        raise HTTPException(status_code=400) from None
    back = field(form, "back", 300)
    return redirect(request, "/staff/?" + (back + "&" if back else "") + "done=assigned")
