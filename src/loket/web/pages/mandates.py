"""My mandates: give a trusted person a mandate, accept or decline one, end one, and act for
the person who gave it. The rules live in loket.contact.mandates."""

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from loket.contact.mandates import (
    SCOPE_LABELS,
    STATUS_LABELS,
    MandateRefused,
    accept,
    act_for,
    decline,
    mandates_of,
    propose,
    revoke,
    stop_acting,
)
from loket.contact.problems import InvalidRequest
from loket.people.model import Citizen
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import gettext_for, redirect, render
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)


def signed_in(viewer: Viewer) -> Citizen:
    if viewer.citizen is None:
        raise HTTPException(status_code=401)
    return viewer.citizen


def page_context(request: Request, session: Session, me: Citizen) -> dict[str, Any]:
    _ = gettext_for(request)
    given: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []
    for mandate in mandates_of(session, me.id, date.today()):
        other = session.get(
            Citizen, mandate.proxy_id if mandate.grantor_id == me.id else mandate.grantor_id
        )
        row = {
            "mandate": mandate,
            "other": f"{other.given_names} {other.family_name}" if other else "",
            "scope": _(SCOPE_LABELS.get(mandate.scope, mandate.scope)),  # type: ignore[call-overload]
            "status": _(STATUS_LABELS.get(mandate.status, mandate.status)),  # type: ignore[call-overload]
        }
        (given if mandate.grantor_id == me.id else received).append(row)
    return {
        "given": given,
        "received": received,
        "scope_options": [(str(code), _(label)) for code, label in SCOPE_LABELS.items()],
        "today": date.today(),
    }


@router.get("/my/mandates")
def mandates_page(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    me = signed_in(viewer)
    return render(request, "mandates/index.html", page_context(request, session, me))


@router.post("/my/mandates")
def give_mandate(
    request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    me = signed_in(viewer)
    _ = gettext_for(request)
    values = {name: field(form, name, 40) for name in ("proxy_insz", "scope", "valid_until")}
    try:
        until: date | None = date.fromisoformat(values["valid_until"])
    except ValueError:
        until = None
    try:
        with session.begin_nested():
            propose(session, me.id, values["proxy_insz"], values["scope"], until, date.today())
    except InvalidRequest as error:
        context = page_context(request, session, me)
        context |= {"values": values, "errors": error.messages(_)}
        return render(request, "mandates/index.html", context, status=400)
    return redirect(request, "/my/mandates?done=proposed")


@router.post("/my/mandates/{mandate_id}/{action}")
def change_mandate(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    form: FormDep,
    mandate_id: int,
    action: str,
) -> Response:
    me = signed_in(viewer)
    now = datetime.now()
    try:
        if action == "accept":
            accept(session, mandate_id, me.id, now)
        elif action == "decline":
            decline(session, mandate_id, me.id, now)
        elif action == "revoke":
            revoke(session, mandate_id, me.id, now)
        elif action == "act" and viewer.login is not None:
            act_for(session, viewer.login, mandate_id, now.date())
            return redirect(request, "/my/")
        else:
            raise HTTPException(status_code=404)
    except MandateRefused:
        raise HTTPException(status_code=403) from None
    return redirect(request, f"/my/mandates?done={action}")


@router.post("/my/mandates/stop-acting")
def stop(request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep) -> Response:
    signed_in(viewer)
    if viewer.login is not None:
        stop_acting(session, viewer.login)
    return redirect(request, "/my/mandates")
