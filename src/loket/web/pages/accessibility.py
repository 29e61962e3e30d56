"""The accessibility statement and its feedback form."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from loket.contact.feedback import send_feedback
from loket.contact.problems import InvalidRequest
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import gettext_for, language_of, render, safe_local_url
from loket.web.pages.viewer import ViewerDep

router = APIRouter(include_in_schema=False)


@router.get("/accessibility")
def statement(request: Request, viewer: ViewerDep, page: str = "") -> Response:
    return render(request, "accessibility.html", {"values": {"page": page[:300]}})


@router.post("/accessibility/feedback")
def feedback(request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep) -> Response:
    _ = gettext_for(request)
    # Cut a little above each limit, so an over-long text is refused rather than cut silently.
    values = {
        "page": field(form, "page", 301),
        "message": field(form, "message", 4001),
        "contact": field(form, "contact", 201),
    }
    try:
        with session.begin_nested():
            send_feedback(
                session, values["page"], values["message"], values["contact"], language_of(request)
            )
    except InvalidRequest as error:
        return render(
            request,
            "accessibility.html",
            {"values": values, "errors": error.messages(_)},
            status=400,
        )
    return render(request, "accessibility_thanks.html", {"back": safe_local_url(values["page"])})
