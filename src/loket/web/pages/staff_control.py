"""The analysts' control review at /staff/control/: the queue of selected dossiers, one dossier
reviewed blind (own assessment first, the score after), the final decision and a run's counts.

Who may review and what they see is decided by `loket.control.review`, as for the JSON API: a
selection the reader may not see is answered 404, as if it did not exist.
"""

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Office, StaffUser
from loket.control.model import (
    NOTE_MAX_LENGTH,
    Assessment,
    ControlRun,
    Decision,
    DecisionReason,
    SelectionStatus,
)
from loket.control.review import (
    InvalidReview,
    ReviewError,
    ReviewOutOfOrder,
    SelectionView,
    UnknownRun,
    UnknownSelection,
    may_review,
    record_assessment,
    record_decision,
    review_queue,
    review_summary,
    selection_for,
)
from loket.control.sectors import SECTORS
from loket.texts import N_
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.gates import staff_let_in
from loket.web.pages.paging import Paging, page_number
from loket.web.pages.rendering import gettext_for, language_of, redirect, render
from loket.web.pages.viewer import ViewerDep

router = APIRouter(include_in_schema=False)

QUEUE_PAGE = 50
STATUSES = {s.value: s for s in SelectionStatus}
FORBIDDEN_TITLE = N_("Control review is not for your role")
FORBIDDEN_TEXT = N_(
    "Only analysts and case workers of the FPS Finance review the dossiers selected for a tax "
    "control. Ask one of them if a dossier needs a look."
)


@dataclass(frozen=True)
class Facts:
    """What a reviewer reads of a dossier before any score: who, where, which sector."""

    view: SelectionView
    office_name: str
    sector_name: str | None


def _reviewer(request: Request, viewer: ViewerDep) -> StaffUser | Response:
    """The signed-in reviewer, or the 403 page for staff who may not review (as the API)."""
    return staff_let_in(request, viewer, may_review, FORBIDDEN_TITLE, FORBIDDEN_TEXT)


def _office_names(session: Session, office_ids: set[str]) -> dict[str, str]:
    if not office_ids:
        return {}
    rows = session.execute(select(Office.id, Office.name).where(Office.id.in_(office_ids)))
    return {office_id: name for office_id, name in rows}


def _runs(session: Session) -> list[str]:
    """The runs loaded for review, newest first; the first is the one shown by default."""
    return list(session.scalars(select(ControlRun.run_id).order_by(ControlRun.loaded_at.desc())))


def _chosen_run(request: Request, runs: list[str]) -> str | None:
    asked = request.query_params.get("run", "").strip()[:64]
    if asked and asked not in runs:
        raise HTTPException(status_code=404)
    return asked or (runs[0] if runs else None)


def _facts(session: Session, view: SelectionView, language: str) -> Facts:
    names = _office_names(session, {view.office_id})
    sector = SECTORS.get(view.sector or "")
    return Facts(
        view=view,
        office_name=names.get(view.office_id, view.office_id),
        sector_name=sector.name(language) if sector else None,
    )


@router.get("/staff/control/")
def queue(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The selected dossiers the reader may review, by dossier id: never by rank, which would
    give the score away. Filters: run, status and office; 50 to a page."""
    staff = _reviewer(request, viewer)
    if isinstance(staff, Response):
        return staff
    runs = _runs(session)
    run = _chosen_run(request, runs)
    status = STATUSES.get(request.query_params.get("status", ""))
    office = request.query_params.get("office", "").strip()[:64]
    views: list[SelectionView] = []
    if run is not None:
        try:
            views = review_queue(session, staff, run, status)
        except UnknownRun:
            raise HTTPException(status_code=404) from None
    offices = _office_names(session, {v.office_id for v in views})
    if office:
        views = [v for v in views if v.office_id == office]
    paging = Paging.of(len(views), page_number(request), QUEUE_PAGE)
    context = {
        "runs": runs,
        "run": run,
        "statuses": list(SelectionStatus),
        "status": status.value if status else "",
        "offices": sorted(offices.items(), key=lambda item: item[1]),
        "office_names": offices,
        "sector_names": {
            code: sector.name(language_of(request)) for code, sector in SECTORS.items()
        },
        "office": office,
        "rows": views[paging.start : paging.end],
        "paging": paging,
    }
    return render(request, "staff/control/queue.html", context)


def _review_page(
    request: Request,
    session: Session,
    staff: StaffUser,
    selection_id: int,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    try:
        view = selection_for(session, staff, selection_id)
    except UnknownSelection:
        raise HTTPException(status_code=404) from None
    context = {
        "facts": _facts(session, view, language_of(request)),
        "assessments": list(Assessment),
        "decisions": list(Decision),
        "reasons": [
            (decision, [r for r in DecisionReason if r.decision == decision])
            for decision in Decision
        ],
        "note_max": NOTE_MAX_LENGTH,
        "chosen": {},
        **(extra or {}),
    }
    return render(request, "staff/control/review.html", context, status)


@router.get("/staff/control/selections/{selection_id}")
def review(
    request: Request, selection_id: int, session: SessionDep, viewer: ViewerDep, done: str = ""
) -> Response:
    """One selected dossier: blind with the assessment form until assessed, then the model's
    score and explanation with the decision form, then the decision as recorded."""
    staff = _reviewer(request, viewer)
    if isinstance(staff, Response):
        return staff
    return _review_page(request, session, staff, selection_id, {"done": done[:20]})


def _errors(request: Request, error: ReviewError, view: SelectionView | None) -> dict[str, str]:
    """The refusal of a review step as a message on the field it concerns."""
    _ = gettext_for(request)
    name = str(error).split(":", 1)[0]
    if isinstance(error, ReviewOutOfOrder):
        if view is not None and view.status == SelectionStatus.AWAITING_ASSESSMENT:
            return {"assessment": _("Give your own assessment first; the decision comes after.")}
        if name == "assessment":
            return {"assessment": _("This dossier was assessed already; that is done once.")}
        return {"decision": _("This dossier was decided already; the decision is final.")}
    limit = {"limit": NOTE_MAX_LENGTH}
    messages = {
        "assessment": _("Choose your own assessment: high, medium or low risk."),
        "note": _("Keep the note under %(limit)s characters.") % limit,
        "decision": _("Choose whether the dossier is controlled."),
        "reason": _(
            "Choose a reason that goes with your decision. Random sample is only for a "
            "dossier drawn at random."
        ),
        "text": _("Say in your own words what the other reason is, in under %(limit)s characters.")
        % limit,
    }
    return {name if name in messages else "decision": messages.get(name, messages["decision"])}


def _refused(
    request: Request,
    session: Session,
    staff: StaffUser,
    selection_id: int,
    error: ReviewError,
    chosen: dict[str, str],
) -> Response:
    if isinstance(error, UnknownSelection):
        raise HTTPException(status_code=404)
    view = selection_for(session, staff, selection_id)
    errors = _errors(request, error, view)
    status = 409 if isinstance(error, ReviewOutOfOrder) else 400
    extra = {"errors": errors, "chosen": chosen}
    return _review_page(request, session, staff, selection_id, extra, status)


@router.post("/staff/control/selections/{selection_id}/assessment")
def assess(
    request: Request, selection_id: int, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Record the reader's own risk judgement, given blind; the score is shown after."""
    staff = _reviewer(request, viewer)
    if isinstance(staff, Response):
        return staff
    chosen = {"assessment": field(form, "assessment", 20), "note": field(form, "note", 4000)}
    try:
        record_assessment(session, staff, selection_id, chosen["assessment"], chosen["note"])
    except ReviewError as error:
        return _refused(request, session, staff, selection_id, error, chosen)
    return redirect(request, f"/staff/control/selections/{selection_id}?done=assessed")


@router.post("/staff/control/selections/{selection_id}/decision")
def decide(
    request: Request, selection_id: int, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Decide whether the dossier is controlled, with a reason; recorded with who and when."""
    staff = _reviewer(request, viewer)
    if isinstance(staff, Response):
        return staff
    chosen = {
        "decision": field(form, "decision", 20),
        "reason": field(form, "reason", 40),
        "text": field(form, "text", 4000),
    }
    # Both required choices are named at once; the service then judges the values.
    missing: dict[str, str] = {}
    for name in ("decision", "reason"):
        if not chosen[name]:
            missing |= _errors(request, InvalidReview(f"{name}: missing"), None)
    if missing:
        extra = {"errors": missing, "chosen": chosen}
        return _review_page(request, session, staff, selection_id, extra, 400)
    try:
        record_decision(
            session, staff, selection_id, chosen["decision"], chosen["reason"], chosen["text"]
        )
    except ReviewError as error:
        return _refused(request, session, staff, selection_id, error, chosen)
    return redirect(request, f"/staff/control/selections/{selection_id}?done=decided")


@router.get("/staff/control/summary")
def summary(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """A run's review in counts: where the dossiers stand, the decisions and their reasons, the
    overrides, and how often the blind assessments agreed with the model."""
    staff = _reviewer(request, viewer)
    if isinstance(staff, Response):
        return staff
    runs = _runs(session)
    run = _chosen_run(request, runs)
    counts = None
    if run is not None:
        try:
            counts = review_summary(session, run).as_json()
        except UnknownRun:
            raise HTTPException(status_code=404) from None
    context = {
        "runs": runs,
        "run": run,
        "counts": counts,
        "statuses": list(SelectionStatus),
        "decisions": list(Decision),
        "reasons": list(DecisionReason),
        "assessments": list(Assessment),
    }
    return render(request, "staff/control/summary.html", context)
