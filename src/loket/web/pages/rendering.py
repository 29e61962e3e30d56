"""Rendering pages: Jinja2 with the gettext catalogue of the reader's language, the CSRF
cookie, and the security headers every page carries.

Every page is plain HTML and CSS: no script is needed for any task, and the
Content-Security-Policy forbids scripts outright.
"""

import secrets
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from loket.settings import get_settings
from loket.web import i18n
from loket.web.pages.viewer import Viewer

TEMPLATES = Path(__file__).parent.parent / "templates"
LANGUAGE_COOKIE = "loket_lang"
CSRF_COOKIE = "loket_csrf"
CSRF_FIELD = "csrf_token"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@cache
def environment(language: str) -> Environment:
    """One environment per language, its translations installed once (thread-safe reads)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        # Templates change only with a new release: no file check on every page.
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        lang=language,
        languages=i18n.LANGUAGES,
        language_names=i18n.LANGUAGE_NAMES,
        format_date=lambda day, style="long": i18n.format_date(day, language, style),
        format_datetime=lambda moment, style="medium": i18n.format_datetime(
            moment, language, style
        ),
        format_money=lambda amount: i18n.format_money(amount, language),
        format_number=lambda value, pattern=None: i18n.format_number(value, language, pattern),
    )
    return env


def language_of(request: Request) -> str:
    """The reader's language: an explicit choice (cookie) wins over the browser's
    Accept-Language; Dutch when neither says anything we offer."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in i18n.LANGUAGES:
        return chosen
    return i18n.negotiate(request.headers.get("accept-language"))


def gettext_for(request: Request) -> Any:
    """`_` for texts composed in Python (flash messages, errors) in the reader's language."""
    return i18n.translations(language_of(request)).gettext


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser (double-submit cookie), made on first need."""
    token = getattr(request.state, "csrf_token", None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE)
        if not token or len(token) != 43:
            token = secrets.token_urlsafe(32)
            request.state.new_csrf_token = token
        request.state.csrf_token = token
    return str(token)


def set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=get_settings().cookie_secure,
        httponly=True,
        samesite="lax",
    )


def finish(request: Request, response: Response) -> Response:
    """Add the security headers and a new CSRF cookie when one was made."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    new_token = getattr(request.state, "new_csrf_token", None)
    if new_token is not None:
        set_cookie(response, CSRF_COOKIE, new_token)
    return response


def csv_download(request: Request, body: str, name: str) -> Response:
    """A CSV file the browser saves as `name`, with the page's security headers."""
    response = Response(body, media_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return finish(request, response)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    """The page `template` in the reader's language."""
    language = language_of(request)
    viewer: Viewer = getattr(request.state, "viewer", None) or Viewer()
    page = environment(language).get_template(template)
    html = page.render(
        request=request,
        path=request.url.path,
        here=quote(request.url.path + (f"?{request.url.query}" if request.url.query else "")),
        csrf_token=csrf_token(request),
        csrf_field=CSRF_FIELD,
        viewer=viewer,
        demo_mode=get_settings().demo_mode,
        **(context or {}),
    )
    return finish(request, HTMLResponse(html, status_code=status))


def redirect(request: Request, url: str) -> Response:
    """303 See Other to a local URL: the browser fetches it with GET (post/redirect/get)."""
    return finish(request, RedirectResponse(safe_local_url(url), status_code=303))


def safe_local_url(url: str | None, fallback: str = "/") -> str:
    """`url` when it is a path on this site; `fallback` for anything that could leave it."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return fallback
    if any(ord(c) < 32 for c in url):
        return fallback
    return url
