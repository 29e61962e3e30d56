"""The outbox page for staff: the office's messages still waiting to go out and the dead
letters, each with its reason, and a button that puts a dead letter back in line."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from loket.cases.model import Office, StaffUser
from loket.notify import review
from loket.notify.channels import Channel, dead_reason_label
from loket.notify.recipients import offices
from loket.notify.texts import render as render_message
from loket.settings import get_settings
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep
from loket.web.pages.rendering import gettext_for, language_of, redirect, render
from loket.web.pages.staff import forbidden, require_staff
from loket.web.pages.viewer import ViewerDep

router = APIRouter(include_in_schema=False)

ROLES = frozenset({"counter-clerk", "case-worker", "manager", "admin"})
SHOWN = 100


@dataclass(frozen=True)
class Row:
    id: int
    created_at: datetime
    subject: str
    recipient: str
    channel: str
    attempts: int
    next_attempt_at: datetime | None
    reason: str
    last_error: str


def office_scope(session: SessionDep, staff: StaffUser) -> list[str] | None:
    """The offices whose messages this member of staff sees: their own office, or for an
    admin of no particular office every office of their agency; None when not allowed."""
    if staff.role not in ROLES:
        return None
    if staff.office_id is not None:
        return [staff.office_id]
    if staff.role == "admin":
        query = select(Office.id).where(Office.agency_code == staff.agency_code)
        return list(session.scalars(query))
    return None


def _rows(
    session: SessionDep,
    entries: list[review.OutboxEntry],
    language: str,
    gettext: Callable[[str], str],
) -> list[Row]:
    cards = offices(
        session,
        (v for e in entries for k, v in e.payload.items() if "office" in k and isinstance(v, str)),
    )
    rows = []
    for e in entries:
        try:
            channel = gettext(Channel(e.channel or "").label)
        except ValueError:
            channel = ""
        rows.append(
            Row(
                e.id,
                e.created_at,
                render_message(e.topic, e.payload, language, cards).subject,
                cards[e.recipient_id].name if e.recipient_id in cards else e.recipient_id,
                channel,
                e.attempts,
                e.next_attempt_at,
                gettext(dead_reason_label(e.dead_reason)) if e.dead_reason else "",
                e.last_error or "",
            )
        )
    return rows


@router.get("/staff/outbox/")
def outbox_page(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    staff = require_staff(viewer)
    _ = gettext_for(request)
    scope = office_scope(session, staff)
    if scope is None:
        return forbidden(
            request, _("Outbox"), _("The outbox is for the clerks and managers of an office.")
        )
    language = language_of(request)
    cards = offices(session, scope)
    context = {
        "dead": _rows(session, review.dead_letters(session, scope, SHOWN), language, _),
        "waiting": _rows(session, review.waiting(session, scope, SHOWN), language, _),
        "shown": SHOWN,
        "office_names": [cards[o].name for o in scope if o in cards][:3],
        "smtp_configured": bool(get_settings().smtp_url),
        "done": request.query_params.get("done", "") == "retry",
    }
    return render(request, "staff/outbox.html", context)


@router.post("/staff/outbox/{message_id}/retry")
def retry(
    request: Request, message_id: int, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Put a dead letter of the staff member's offices back in line; another office's
    message is answered like a missing one."""
    staff = require_staff(viewer)
    scope = office_scope(session, staff)
    if scope is None:
        _ = gettext_for(request)
        return forbidden(
            request, _("Outbox"), _("The outbox is for the clerks and managers of an office.")
        )
    try:
        review.retry(session, message_id, scope)
    except review.UnknownMessage:
        return render(request, "staff/forbidden.html", _missing(request), status=404)
    return redirect(request, "/staff/outbox/?done=retry")


def _missing(request: Request) -> dict[str, str]:
    _ = gettext_for(request)
    return {
        "title": _("Outbox"),
        "message": _("This message is not a dead letter of your office (any more)."),
    }
