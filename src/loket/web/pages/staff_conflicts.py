"""Double-claim conflicts at /staff/conflicts/: the list with its filters, one conflict with both
claims side by side, its evidence and its decisions, and a case worker's resolution with a note.

Who sees and who decides is settled by `loket.linkage.service`, as for the JSON API: a conflict
the reader may not see is answered 404, as if it did not exist.
"""

import re
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.model import Office, StaffUser
from loket.linkage.model import (
    NOTE_MAX_LENGTH,
    ConflictStatus,
    DecisionOutcome,
    Finding,
    LinkageConflict,
)
from loket.linkage.service import (
    WELFARE_OFFICE_PREFIX,
    InvalidDecision,
    NotAllowedToDecide,
    UnknownConflict,
    decisions_of,
    filtered_conflicts,
    latest_outcomes,
    may_decide_on_conflicts,
    may_see_conflicts,
    resolve,
    visible_conflicts,
)
from loket.texts import N_
from loket.web.db import SessionDep
from loket.web.pages.conflict_evidence import evidence_lines
from loket.web.pages.forms import FormDep, field
from loket.web.pages.gates import staff_let_in
from loket.web.pages.paging import Paging, page_number
from loket.web.pages.rendering import gettext_for, language_of, redirect, render
from loket.web.pages.staff import forbidden
from loket.web.pages.viewer import ViewerDep

router = APIRouter(include_in_schema=False)

LIST_PAGE = 50
CONFLICT_ID = re.compile(r"LC-[0-9a-f]{16}")
REFNIS = re.compile(r"[0-9]{5}")
_E = TypeVar("_E", bound=StrEnum)
FORBIDDEN_TITLE = N_("Double claims are not for your role")
FORBIDDEN_TEXT = N_(
    "Conflicts between living-wage claims are shown to case workers, analysts, managers and "
    "administrators of the POD MI and of the welfare centres."
)


def _reader(request: Request, viewer: ViewerDep) -> StaffUser | Response:
    """The signed-in member of staff, or the 403 page for those who never see conflicts."""
    return staff_let_in(request, viewer, may_see_conflicts, FORBIDDEN_TITLE, FORBIDDEN_TEXT)


def centre_names(session: Session, refnis_codes: set[str]) -> dict[str, str]:
    """REFNIS code → the name of its welfare centre, as the office network calls it."""
    ids = {WELFARE_OFFICE_PREFIX + code for code in refnis_codes}
    if not ids:
        return {}
    rows = session.execute(select(Office.id, Office.name).where(Office.id.in_(ids)))
    return {office_id.removeprefix(WELFARE_OFFICE_PREFIX): name for office_id, name in rows}


def _member(kind: type[_E], value: str) -> _E | None:
    """The choice of `kind` whose code is `value`; None for anything else (an empty filter)."""
    try:
        return kind(value)
    except ValueError:
        return None


def _filters(request: Request) -> tuple[dict[str, str], dict[str, str]]:
    """The filters asked for, as typed, and an error for each that cannot be used."""
    _ = gettext_for(request)
    asked = {
        name: request.query_params.get(name, "").strip()[:20]
        for name in ("finding", "status", "ocmw")
    }
    errors = {}
    if asked["ocmw"] and not REFNIS.fullmatch(asked["ocmw"]):
        errors["ocmw"] = _("Give the welfare centre's REFNIS code of 5 digits, like 44021.")
    return asked, errors


@router.get("/staff/conflicts/")
def conflict_list(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The conflicts the reader may see: conflicts first, then the pairs that need a check, each
    most likely first; filters for the finding, open or decided, and a welfare centre."""
    staff = _reader(request, viewer)
    if isinstance(staff, Response):
        return staff
    asked, errors = _filters(request)
    query = filtered_conflicts(
        staff,
        status=_member(ConflictStatus, asked["status"]),
        finding=_member(Finding, asked["finding"]),
        ocmw=asked["ocmw"] if not errors and asked["ocmw"] else None,
    )
    rows: list[LinkageConflict] = []
    paging = Paging.of(0, 1, LIST_PAGE)
    if not errors:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        paging = Paging.of(total, page_number(request), LIST_PAGE)
        ordered = query.order_by(
            LinkageConflict.finding,
            LinkageConflict.match_probability.desc(),
            LinkageConflict.conflict_id,
        )
        rows = list(session.scalars(ordered.offset(paging.start).limit(LIST_PAGE)))
    sections = [(kind, [row for row in rows if row.finding == kind.value]) for kind in Finding]
    context = {
        "asked": asked,
        "errors": errors,
        "sections": [(kind, listed) for kind, listed in sections if listed],
        "findings": list(Finding),
        "statuses": list(ConflictStatus),
        "outcomes": latest_outcomes(session, [row.conflict_id for row in rows]),
        "centres": centre_names(session, {c for row in rows for c in (row.ocmw_a, row.ocmw_b)}),
        "paging": paging,
    }
    return render(request, "staff/conflicts/list.html", context, 400 if errors else 200)


def _visible(session: Session, staff: StaffUser, conflict_id: str) -> LinkageConflict:
    if not CONFLICT_ID.fullmatch(conflict_id):
        raise HTTPException(status_code=404)
    row = session.scalar(visible_conflicts(staff).where(LinkageConflict.conflict_id == conflict_id))
    if row is None:
        raise HTTPException(status_code=404)
    return row


def _conflict_page(
    request: Request,
    session: Session,
    staff: StaffUser,
    conflict_id: str,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    row = _visible(session, staff, conflict_id)
    context = {
        "conflict": row,
        "finding": Finding(row.finding),
        "status": ConflictStatus(row.status),
        "centres": centre_names(session, {row.ocmw_a, row.ocmw_b}),
        "evidence": evidence_lines(row.evidence, gettext_for(request), language_of(request)),
        "decisions": [
            (DecisionOutcome(d.outcome), d) for d in decisions_of(session, row.conflict_id)
        ],
        "may_decide": may_decide_on_conflicts(staff),
        "outcome_choices": list(DecisionOutcome),
        "note_max": NOTE_MAX_LENGTH,
        "chosen": {},
        **(extra or {}),
    }
    return render(request, "staff/conflicts/conflict.html", context, status)


@router.get("/staff/conflicts/{conflict_id}")
def conflict_page(
    request: Request, conflict_id: str, session: SessionDep, viewer: ViewerDep, done: str = ""
) -> Response:
    staff = _reader(request, viewer)
    if isinstance(staff, Response):
        return staff
    return _conflict_page(request, session, staff, conflict_id, {"done": done == "1"})


@router.post("/staff/conflicts/{conflict_id}/decision")
def decide(
    request: Request, conflict_id: str, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Record what the conflict turned out to be, with a note; who and when are recorded too.
    A later decision supersedes an earlier one, which stays in the history."""
    staff = _reader(request, viewer)
    if isinstance(staff, Response):
        return staff
    _visible(session, staff, conflict_id)
    _ = gettext_for(request)
    if not may_decide_on_conflicts(staff):
        return forbidden(
            request,
            _("Only case workers decide on conflicts"),
            _(
                "A case worker of one of the two welfare centres or of the POD MI records what "
                "a conflict turned out to be."
            ),
        )
    chosen = {"outcome": field(form, "outcome", 20), "note": field(form, "note", 4000)}
    errors: dict[str, str] = {}
    if _member(DecisionOutcome, chosen["outcome"]) is None:
        errors["outcome"] = _("Choose what the two claims turned out to be.")
    if not chosen["note"]:
        errors["note"] = _("Write a note saying why you decided this.")
    if not errors:
        try:
            resolve(session, staff, conflict_id, chosen["outcome"], chosen["note"])
        except (UnknownConflict, NotAllowedToDecide):
            raise HTTPException(status_code=404) from None
        except InvalidDecision:
            limit = {"limit": NOTE_MAX_LENGTH}
            errors["note"] = _("Keep the note under %(limit)s characters.") % limit
        else:
            return redirect(request, f"/staff/conflicts/{conflict_id}?done=1")
    extra = {"errors": errors, "chosen": chosen}
    return _conflict_page(request, session, staff, conflict_id, extra, 400)
