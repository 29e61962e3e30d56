"""The request pages: one question group per page, check your answers, send, confirmation and a
printable record. Online, under a mandate, or by a clerk at the counter or on the phone.

Who may open a draft is decided by `applications.service.may_open`; a draft someone may not
open answers 404, so its number tells nothing.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from loket.applications.forms import Step
from loket.applications.model import RequestDraft
from loket.applications.service import (
    RequestError,
    find_step,
    first_incomplete,
    may_open,
    previous_step,
    save_step,
    service_of,
    start_request,
    step_choices,
    summary_rows,
)
from loket.applications.submission import IncompleteRequest, submission_of, submit, take_over
from loket.contact.choices import Channel
from loket.entitlements.assessments import LIVING_WAGE_CASE_TYPE, estimate_for_request
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import gettext_for, language_of, redirect, render, set_cookie
from loket.web.pages.request_documents import (
    documents_section,
    may_send_documents,
    store_citizen_upload,
)
from loket.web.pages.services import DRAFT_COOKIE
from loket.web.pages.uploads import checked_upload_form
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)


def _channel(viewer: Viewer) -> tuple[str, int | None]:
    """The channel of a new request and the mandate it is made under."""
    if viewer.counter_mode and viewer.login is not None:
        return viewer.login.counter_channel or Channel.COUNTER.value, None
    if viewer.acting_under_mandate and viewer.login is not None:
        if not viewer.may("request"):
            # A read-only mandate lets the proxy look, never ask in the grantor's name.
            raise HTTPException(status_code=403)
        return Channel.ONLINE.value, viewer.login.mandate_id
    return Channel.ONLINE.value, None


def _draft(request: Request, session: SessionDep, viewer: Viewer, draft_id: int) -> RequestDraft:
    draft = session.get(RequestDraft, draft_id)
    subject_id = viewer.subject.id if viewer.subject is not None else None
    staff = viewer.staff.username if viewer.staff is not None else None
    if draft is None or not may_open(draft, subject_id, staff, request.cookies.get(DRAFT_COOKIE)):
        raise HTTPException(status_code=404)
    return draft


@router.post("/requests/{kind}/start")
def start(
    request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep, kind: str
) -> Response:
    try:
        service_of(kind)
    except RequestError:
        raise HTTPException(status_code=404) from None
    channel, mandate_id = _channel(viewer)
    draft, code = start_request(
        session,
        kind,
        language_of(request),
        channel,
        citizen_id=viewer.subject.id if viewer.subject is not None else None,
        staff_username=viewer.staff.username if viewer.counter_mode and viewer.staff else None,
        mandate_id=mandate_id,
        today=datetime.now().date(),
    )
    response = redirect(request, f"/requests/{draft.id}/{draft.step}")
    if draft.citizen_id is None:
        set_cookie(response, DRAFT_COOKIE, code)
    return response


def _translated(request: Request, errors: dict[str, str]) -> dict[str, str]:
    _ = gettext_for(request)
    return {name: _(message) for name, message in errors.items()}


def _step_page(
    request: Request,
    session: SessionDep,
    draft: RequestDraft,
    step: Step,
    values: dict[str, Any],
    errors: dict[str, str],
    change: bool,
) -> Response:
    back = previous_step(session, draft, step.name)
    choices = {f.name: f.choices for f in step.fields if f.choices} | step_choices(
        session, draft, step
    )
    return render(
        request,
        "requests/step.html",
        {
            "draft": draft,
            "service": service_of(draft.kind),
            "step": step,
            "values": values,
            "errors": _translated(request, errors),
            "choices": choices,
            "back_url": (
                f"/requests/{draft.id}/check"
                if change
                else f"/requests/{draft.id}/{back.name}"
                if back
                else f"/services/{draft.kind}"
            ),
            "change": change,
        },
        status=400 if errors else 200,
    )


@router.get("/requests/{draft_id}/check")
def check_page(
    request: Request, session: SessionDep, viewer: ViewerDep, draft_id: int, uploaded: str = ""
) -> Response:
    draft = _draft(request, session, viewer, draft_id)
    if draft.submitted_at is not None:
        return redirect(request, f"/requests/{draft.id}/done")
    missing = first_incomplete(session, draft, datetime.now().date())
    if missing is not None:
        return redirect(request, f"/requests/{draft.id}/{missing.name}")
    return _check(request, session, viewer, draft, {}, uploaded)


def _estimate(draft: RequestDraft, on: date) -> Decimal | None:
    """What a living-wage applicant might receive, from their answers (None for other requests)."""
    if service_of(draft.kind).case_type != LIVING_WAGE_CASE_TYPE:
        return None
    return estimate_for_request(draft.answers, on)


def _check(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    draft: RequestDraft,
    errors: dict[str, str],
    uploaded: str = "",
) -> Response:
    return render(
        request,
        "requests/check.html",
        {
            "draft": draft,
            "service": service_of(draft.kind),
            "rows": summary_rows(session, draft),
            "estimate": _estimate(draft, datetime.now().date()),
            "errors": _translated(request, errors),
            **documents_section(session, viewer, draft, uploaded),
        },
        status=400 if errors else 200,
    )


@router.post("/requests/{draft_id}/submit")
def send(
    request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep, draft_id: int
) -> Response:
    draft = _draft(request, session, viewer, draft_id)
    if not viewer.may("request"):
        raise HTTPException(status_code=403)
    if viewer.counter_mode and viewer.staff is not None and draft.submitted_at is None:
        take_over(draft, _channel(viewer)[0], viewer.staff.username)
    try:
        # A savepoint: a request refused halfway (say, no office found) leaves nothing behind.
        with session.begin_nested():
            submit(session, draft, datetime.now())
    except IncompleteRequest as incomplete:
        return redirect(request, f"/requests/{draft.id}/{incomplete.step}")
    except RequestError as error:
        return _check(request, session, viewer, draft, {"summary": error.message})
    return redirect(request, f"/requests/{draft.id}/done")


def _sent(request: Request, session: SessionDep, viewer: Viewer, draft_id: int) -> dict[str, Any]:
    draft = _draft(request, session, viewer, draft_id)
    if draft.submitted_at is None:
        raise HTTPException(status_code=404)
    return {
        "draft": draft,
        "service": service_of(draft.kind),
        "sent": submission_of(session, draft),
        "rows": summary_rows(session, draft),
        "estimate": _estimate(draft, draft.submitted_at.date()),
    }


@router.get("/requests/{draft_id}/done")
def done_page(
    request: Request, session: SessionDep, viewer: ViewerDep, draft_id: int, uploaded: str = ""
) -> Response:
    context = _sent(request, session, viewer, draft_id)
    context |= documents_section(session, viewer, context["draft"], uploaded)
    return render(request, "requests/done.html", context)


@router.post("/requests/{draft_id}/documents")
def send_document(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    draft_id: int,
    form: FormData = Depends(checked_upload_form),  # noqa: B008
) -> Response:
    """A document the citizen sends with their own request, draft or sent; a signed PDF is
    checked at once and the request page then says whether it counts as an original."""
    draft = _draft(request, session, viewer, draft_id)
    if not may_send_documents(viewer, draft):
        # Visible to this viewer (a clerk, a newcomer's code) but not theirs to add to.
        raise HTTPException(status_code=403)
    page = "done" if draft.submitted_at is not None else "check"
    stored = store_citizen_upload(session, viewer, draft, form, gettext_for(request))
    if not isinstance(stored, dict):
        return redirect(request, f"/requests/{draft.id}/{page}?uploaded={stored.id}")
    if page == "check":
        return _check(request, session, viewer, draft, stored)
    context = _sent(request, session, viewer, draft.id)
    context |= documents_section(session, viewer, draft) | {"errors": stored}
    return render(request, "requests/done.html", context, status=400)


@router.get("/requests/{draft_id}/record")
def record_page(
    request: Request, session: SessionDep, viewer: ViewerDep, draft_id: int
) -> Response:
    return render(request, "requests/record.html", _sent(request, session, viewer, draft_id))


@router.get("/requests/{draft_id}/saved")
def saved_page(request: Request, session: SessionDep, viewer: ViewerDep, draft_id: int) -> Response:
    """After "save and come back later": the resume code (from this browser's cookie)."""
    draft = _draft(request, session, viewer, draft_id)
    code = request.cookies.get(DRAFT_COOKIE) if draft.citizen_id is None else None
    return render(
        request,
        "requests/saved.html",
        {"draft": draft, "service": service_of(draft.kind), "code": code},
    )


@router.get("/requests/{draft_id}/{step_name}")
def step_page(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    draft_id: int,
    step_name: str,
    change: bool = False,
) -> Response:
    draft = _draft(request, session, viewer, draft_id)
    if draft.submitted_at is not None:
        return redirect(request, f"/requests/{draft.id}/done")
    step = find_step(session, draft, step_name)
    if step is None:
        raise HTTPException(status_code=404)
    return _step_page(request, session, draft, step, dict(draft.answers), {}, change)


def _posted(form: FormData, step: Step) -> dict[str, str]:
    return {spec.name: field(form, spec.name, spec.limit) for spec in step.fields}


@router.post("/requests/{draft_id}/{step_name}")
def save(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    form: FormDep,
    draft_id: int,
    step_name: str,
) -> Response:
    draft = _draft(request, session, viewer, draft_id)
    if draft.submitted_at is not None:
        return redirect(request, f"/requests/{draft.id}/done")
    step = find_step(session, draft, step_name)
    if step is None:
        raise HTTPException(status_code=404)
    values = _posted(form, step)
    change = field(form, "change", 5) == "1"
    now = datetime.now()
    if field(form, "action", 10) == "save":
        save_step(session, draft, step, values, now, check=False)
        draft.step = step.name
        return redirect(request, f"/requests/{draft.id}/saved")
    errors = save_step(session, draft, step, values, now)
    if errors:
        return _step_page(request, session, draft, step, values, errors, change)
    if change:
        missing = first_incomplete(session, draft, now.date())
        target = missing.name if missing is not None else "check"
    else:
        target = draft.step
    return redirect(request, f"/requests/{draft.id}/{target}")
