"""Citizen sign-in: the demo login in demo mode, OpenID Connect to the federal authentication
service in production, and a failed eID login that always leads to a person."""

import logging
import secrets
from datetime import datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from loket.logins import oidc
from loket.logins.oidc import OidcConfig
from loket.logins.service import demo_citizens, end_session, start_citizen_session
from loket.people.identifiers import InvalidInsz, validate_insz
from loket.people.model import Citizen
from loket.settings import get_settings
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import (
    CSRF_COOKIE,
    finish,
    gettext_for,
    redirect,
    render,
    safe_local_url,
    set_cookie,
)
from loket.web.pages.viewer import SESSION_COOKIE, ViewerDep

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
OIDC_COOKIE = "loket_oidc"


def oidc_configured() -> bool:
    settings = get_settings()
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_redirect_uri)


@router.get("/login")
def login_page(
    request: Request, session: SessionDep, viewer: ViewerDep, next: str = "/my/"
) -> Response:
    citizens = demo_citizens(session) if get_settings().demo_mode else []
    return render(
        request,
        "login.html",
        {"citizens": citizens, "oidc": oidc_configured(), "next": safe_local_url(next, "/my/")},
    )


@router.post("/login/demo")
def demo_login(request: Request, session: SessionDep, form: FormDep) -> Response:
    """Demo mode only: sign in as any registered citizen by INSZ, no eID needed."""
    if not get_settings().demo_mode:
        raise HTTPException(status_code=404)
    _ = gettext_for(request)
    errors: dict[str, str] = {}
    citizen = None
    try:
        number = validate_insz(field(form, "insz", 20))[0]
        citizen = session.scalar(select(Citizen).where(Citizen.insz == number))
        if citizen is None:
            errors["insz"] = _("No citizen with this national register number is registered.")
    except InvalidInsz:
        errors["insz"] = _("Enter a national register number of 11 digits, like 85.07.30-033.61.")
    if citizen is None:
        return render(
            request,
            "login.html",
            {
                "citizens": demo_citizens(session),
                "oidc": oidc_configured(),
                "errors": errors,
                "next": safe_local_url(field(form, "next", 300), "/my/"),
                "insz": field(form, "insz", 20),
            },
            status=400,
        )
    _login, token = start_citizen_session(
        session, citizen.id, datetime.now(), get_settings().session_hours
    )
    response = redirect(request, field(form, "next", 300) or "/my/")
    set_cookie(response, SESSION_COOKIE, token)
    # A new CSRF token at sign-in, so a token planted before cannot be used after.
    set_cookie(response, CSRF_COOKIE, secrets.token_urlsafe(32))
    return response


def oidc_config() -> OidcConfig:
    settings = get_settings()
    return OidcConfig(
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_client_secret,
        settings.oidc_redirect_uri,
        settings.oidc_nrn_claim,
    )


@router.get("/login/oidc")
def oidc_start(request: Request) -> Response:
    """Send the browser to the federal authentication service (eID, itsme)."""
    if not oidc_configured():
        return redirect(request, "/login/failed")
    try:
        provider = oidc.discover(oidc_config())
    except (OSError, ValueError, oidc.OidcError) as error:
        log.warning("OIDC discovery failed: %s", error)
        return redirect(request, "/login/failed")
    state, nonce = oidc.new_state_and_nonce()
    response = Response(
        status_code=303,
        headers={"Location": oidc.authorization_url(oidc_config(), provider, state, nonce)},
    )
    set_cookie(response, OIDC_COOKIE, f"{state}.{nonce}", max_age=600)
    return finish(request, response)


@router.get("/login/oidc/callback")
def oidc_callback(
    request: Request, session: SessionDep, code: str = "", state: str = "", error: str = ""
) -> Response:
    """The provider sends the browser back here; any failure leads to a person, not a dead end."""
    expected_state, _, nonce = request.cookies.get(OIDC_COOKIE, "").partition(".")
    failed = redirect(request, "/login/failed")
    failed.delete_cookie(OIDC_COOKIE, path="/")
    if error or not code or not expected_state or not secrets.compare_digest(state, expected_state):
        return failed
    try:
        number = validate_insz(oidc.national_number(oidc_config(), code, nonce))[0]
    except (OSError, ValueError, oidc.OidcError) as problem:
        log.warning("OIDC login refused: %s", problem)
        return failed
    citizen = session.scalar(select(Citizen).where(Citizen.insz == number))
    if citizen is None:
        return failed
    _login, token = start_citizen_session(
        session, citizen.id, datetime.now(), get_settings().session_hours
    )
    response = redirect(request, "/my/")
    response.delete_cookie(OIDC_COOKIE, path="/")
    set_cookie(response, SESSION_COOKIE, token)
    set_cookie(response, CSRF_COOKIE, secrets.token_urlsafe(32))
    return response


@router.get("/login/failed")
def login_failed(request: Request, viewer: ViewerDep) -> Response:
    """Every failed eID login ends here: a person is one click away."""
    return render(request, "login_failed.html")


@router.post("/logout")
def logout(request: Request, session: SessionDep, form: FormDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(session, token)
    response = redirect(request, "/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
