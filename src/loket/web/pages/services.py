"""Start pages of the services: every channel, what to bring, how long it takes, and a way back
into a saved request. Also the resume-code page."""

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from loket.applications.service import (
    RequestError,
    may_open,
    normalise_code,
    open_drafts,
    resume,
    service_of,
)
from loket.cases.model import Office
from loket.cases.routing import Router, RoutingError
from loket.logins.ratelimit import TooManyAttempts
from loket.people.service import current_address
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import gettext_for, redirect, render, set_cookie
from loket.web.pages.viewer import ViewerDep

router = APIRouter(include_in_schema=False)

DRAFT_COOKIE = "loket_draft"


@router.get("/services/{kind}")
def start_page(request: Request, session: SessionDep, viewer: ViewerDep, kind: str) -> Response:
    try:
        service = service_of(kind)
    except RequestError:
        raise HTTPException(status_code=404) from None
    office: Office | None = None
    drafts = []
    if viewer.subject is not None:
        drafts = [
            d
            for d in open_drafts(session, viewer.subject.id, datetime.now().date())
            if d.kind == kind
        ]
        address = current_address(session, viewer.subject.id)
        if address is not None and address.country == "BE":
            try:
                ref = Router.load(session).route(address.postcode, service.agency)
                office = session.get(Office, ref.id)
            except RoutingError:
                office = None
    return render(
        request,
        "services/start.html",
        {"service": service, "office": office, "drafts": drafts},
    )


@router.get("/resume")
def resume_page(request: Request, viewer: ViewerDep) -> Response:
    return render(request, "requests/resume.html", {"errors": {}, "code": ""})


@router.post("/resume")
def resume_request(
    request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Open a saved request with its code. Wrong codes count towards a limit per client; the
    count is stored even when the answer is an error page, as the page is a normal response."""
    _ = gettext_for(request)
    code = field(form, "code", 40)
    client = request.client.host if request.client else "unknown"
    try:
        draft = resume(session, code, client, datetime.now())
    except TooManyAttempts:
        return render(
            request,
            "error.html",
            {
                "title": _("Too many attempts"),
                "message": _(
                    "Wait a quarter of an hour and try again, or ask us to call you back."
                ),
            },
            status=429,
        )
    except RequestError as error:
        return render(
            request,
            "requests/resume.html",
            {"errors": {"code": _(error.message)}, "code": code},
            status=400,
        )
    subject_id = viewer.subject.id if viewer.subject is not None else None
    staff = viewer.staff.username if viewer.staff is not None else None
    target = "done" if draft.submitted_at is not None else draft.step or "check"
    if not may_open(draft, subject_id, staff, code):
        # A signed-in citizen's request continues after signing in as that citizen.
        return redirect(request, f"/login?next=/requests/{draft.id}/{target}")
    response = redirect(request, f"/requests/{draft.id}/{target}")
    set_cookie(response, DRAFT_COOKIE, normalise_code(code))
    return response
