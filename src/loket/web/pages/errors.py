"""Errors on pages are pages too: a plain explanation and a way on, in the reader's language."""

from datetime import datetime

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from loket.web.pages.rendering import gettext_for, redirect, render
from loket.web.pages.viewer import SESSION_COOKIE, load_viewer


def _texts(request: Request, status: int, detail: object) -> tuple[str, str]:
    _ = gettext_for(request)
    if status == 403 and detail != "csrf":
        return _("You may not see this page"), _(
            "This page is for other people or roles. If you think you should see it, ask your "
            "manager or the office."
        )
    if status == 403:
        return _("This form has expired"), _(
            "For your safety we could not accept this form. "
            "Go back, reload the page and send it again."
        )
    if status == 404:
        return _("Page not found"), _("Check the address, or start again from the start page.")
    if status == 429:
        return _("Too many attempts"), _(
            "Wait a quarter of an hour and try again, or ask us to call you back."
        )
    if status == 401:
        return _("Please sign in"), _("Sign in first to see this page.")
    return _("Something went wrong"), _("Please try again later, or ask us to call you back.")


async def page_or_api_error(request: Request, error: Exception) -> Response:
    """JSON for the API (its own error bodies), an HTML page for everything else."""
    assert isinstance(error, StarletteHTTPException)
    if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/docs"):
        return await http_exception_handler(request, error)
    if error.status_code == 401 and request.method == "GET":
        target = "/staff/login" if request.url.path.startswith(("/staff", "/privacy")) else "/login"
        return redirect(request, f"{target}?next={request.url.path}")
    # The request's own transaction was rolled back, which expired what it had loaded: read who
    # is looking again, in a short session of its own, so the header still shows it.
    with request.app.state.sessions() as session:
        request.state.viewer = load_viewer(
            session, request.cookies.get(SESSION_COOKIE), datetime.now()
        )
    title, message = _texts(request, error.status_code, error.detail)
    return render(request, "error.html", {"title": title, "message": message}, error.status_code)
