"""The start page, the language switch and the privacy notice."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from loket.web import i18n
from loket.web.pages.rendering import LANGUAGE_COOKIE, redirect, render, set_cookie
from loket.web.pages.viewer import ViewerDep

router = APIRouter(include_in_schema=False)

ONE_YEAR = 365 * 24 * 3600


@router.get("/")
def start_page(request: Request, viewer: ViewerDep) -> Response:
    return render(request, "home.html")


@router.get("/language/{code}")
def choose_language(request: Request, code: str, next: str = "/") -> Response:
    """Remember an explicit language choice; it wins over the browser's Accept-Language."""
    response = redirect(request, next)
    if code in i18n.LANGUAGES:
        set_cookie(response, LANGUAGE_COOKIE, code, max_age=ONE_YEAR)
    return response


@router.get("/privacy-notice")
def privacy_notice(request: Request, viewer: ViewerDep) -> Response:
    return render(request, "privacy_notice.html")
