"""Staff sign-in and the office queue: the office's open dossiers, call-backs, appointments and
the dossiers waiting to be routed by hand."""

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from loket.cases.choices import DossierStatus
from loket.cases.model import CaseType, Office, StaffUser
from loket.cases.queue import waiting_dossiers
from loket.contact.appointments import appointments_for, mark_appointment
from loket.contact.callbacks import TOPIC_LABELS, WINDOW_LABELS, mark_callback, open_callbacks
from loket.contact.choices import Channel, ContactStatus
from loket.contact.counter import end_counter_visit
from loket.contact.model import Appointment
from loket.logins.ratelimit import TooManyAttempts
from loket.logins.service import LoginError, end_session, staff_login
from loket.settings import get_settings
from loket.texts import N_
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import (
    CSRF_COOKIE,
    gettext_for,
    language_of,
    redirect,
    render,
    safe_local_url,
    set_cookie,
)
from loket.web.pages.staff_queue import forwarding_terms, queue_context, read_filter
from loket.web.pages.viewer import SESSION_COOKIE, Viewer, ViewerDep

router = APIRouter(include_in_schema=False)

# Appointments shown from today for this many days.
APPOINTMENT_DAYS = 14

CHANNEL_LABELS = {
    Channel.ONLINE.value: N_("Online"),
    Channel.ASSISTED_ONLINE.value: N_("Online with help from staff"),
    Channel.COUNTER.value: N_("At the counter"),
    Channel.PHONE.value: N_("By phone"),
    Channel.PAPER.value: N_("On paper"),
}
CONTACT_STATUS_LABELS = {
    ContactStatus.OPEN.value: N_("Booked"),
    ContactStatus.DONE.value: N_("Done"),
    ContactStatus.MISSED.value: N_("Missed"),
    ContactStatus.CANCELLED.value: N_("Cancelled"),
}


def require_staff(viewer: Viewer) -> StaffUser:
    """The signed-in member of staff; 401 (to the staff sign-in page) for anyone else."""
    if viewer.staff is None:
        raise HTTPException(status_code=401)
    return viewer.staff


def forbidden(request: Request, title: str, message: str) -> Response:
    """403 with a reason in plain words: the page exists, but not for this member of staff."""
    context = {"title": title, "message": message}
    return render(request, "staff/forbidden.html", context, status=403)


def type_names(session: SessionDep, language: str) -> dict[str, str]:
    """Case-type code → its name in the reader's language."""
    return {
        kind.code: getattr(kind, f"name_{language}", kind.name_en)
        for kind in session.scalars(select(CaseType))
    }


def status_label(status: str, language: str) -> str:
    try:
        return DossierStatus(status).labels.get(language, status)
    except ValueError:
        return status


# ---- signing in and out -----------------------------------------------------------------------


@router.get("/staff/login")
def login_page(request: Request, viewer: ViewerDep, next: str = "/staff/") -> Response:
    return render(request, "staff/login.html", {"next": safe_local_url(next, "/staff/")})


@router.post("/staff/login")
def login(request: Request, session: SessionDep, form: FormDep) -> Response:
    """Check the password (Argon2) and start a staff session.

    A wrong password and an unknown username get the same answer; after five attempts in a
    quarter of an hour the username is locked for the rest of it, even for the right password.
    """
    _ = gettext_for(request)
    username = field(form, "username", 64)
    raw = form.get("password")
    password = raw[:1000] if isinstance(raw, str) else ""
    target = safe_local_url(field(form, "next", 300), "/staff/")
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = _("Enter your username.")
    if not password:
        errors["password"] = _("Enter your password.")
    status = 400
    if not errors:
        try:
            _login, token = staff_login(
                session, username, password, datetime.now(), get_settings().session_hours
            )
        except TooManyAttempts:
            errors["password"] = _(
                "Too many attempts with this username. Wait a quarter of an hour and try again."
            )
            status = 429
        except LoginError:
            errors["password"] = _("The username or password is wrong.")
        else:
            old = request.cookies.get(SESSION_COOKIE)
            if old:
                end_session(session, old)
            response = redirect(request, target)
            set_cookie(response, SESSION_COOKIE, token)
            # A new CSRF token at sign-in, so a token planted before cannot be used after.
            set_cookie(response, CSRF_COOKIE, secrets.token_urlsafe(32))
            return response
    context = {"errors": errors, "username": username, "next": target}
    return render(request, "staff/login.html", context, status=status)


@router.post("/staff/logout")
def logout(request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep) -> Response:
    if viewer.login is not None and viewer.login.counter_visit_id is not None:
        end_counter_visit(session, viewer.login, datetime.now())
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(session, token)
    response = redirect(request, "/staff/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---- the office queue -------------------------------------------------------------------------


def _contacts(session: SessionDep, office_id: str | None) -> dict[str, Any]:
    """Open call-backs and the appointments of the coming two weeks of the office."""
    if office_id is None:
        return {"callbacks": [], "appointments": []}
    today = date.today()
    return {
        "callbacks": open_callbacks(session, office_id),
        "appointments": appointments_for(
            session, office_id, today, today + timedelta(days=APPOINTMENT_DAYS)
        ),
        "time_windows": {str(w): label for w, label in WINDOW_LABELS.items()},
        "topics": TOPIC_LABELS,
        "contact_statuses": CONTACT_STATUS_LABELS,
    }


@router.get("/staff/")
def queue(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    done: str = "",
    who: str = "",
    type: str = "",
    status: str = "",
    page: str = "1",
) -> Response:
    """The office's open dossiers (due dates, overdue first, filters, pages), then the dossiers
    waiting to be routed, call-backs and appointments."""
    staff = require_staff(viewer)
    language = language_of(request)
    office = session.get(Office, staff.office_id) if staff.office_id else None
    waiting = waiting_dossiers(session, staff.office_id) if staff.office_id else []
    dossiers = queue_context(
        session,
        staff,
        read_filter(who, type, status, page),
        date.today(),
        type_names(session, language),
        lambda code: status_label(code, language),
    )
    context = {
        "office": office,
        **dossiers,
        "waiting": waiting,
        "forward_by": forwarding_terms(session, waiting, date.today()),
        "done": done[:40],
        **_contacts(session, staff.office_id),
    }
    return render(request, "staff/queue.html", context)


@router.post("/staff/callbacks/{callback_id}/done")
def callback_done(
    request: Request, callback_id: int, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Mark an open call-back of the staff member's own office as done; a call-back of another
    office is answered like a missing one."""
    staff = require_staff(viewer)
    if staff.office_id is None:
        raise HTTPException(status_code=404)
    if callback_id not in {c.id for c in open_callbacks(session, staff.office_id)}:
        raise HTTPException(status_code=404)
    mark_callback(session, callback_id, ContactStatus.DONE.value, staff.username, datetime.now())
    return redirect(request, "/staff/?done=callback")


@router.post("/staff/appointments/{appointment_id}/status")
def appointment_status(
    request: Request, appointment_id: int, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Record whether the citizen came, did not come, or the appointment was cancelled (which
    frees the desk). An appointment of another office is answered like a missing one."""
    staff = require_staff(viewer)
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or staff.office_id is None or appointment.office_id != staff.office_id:
        raise HTTPException(status_code=404)
    status = field(form, "status", 20)
    if appointment.status != ContactStatus.OPEN or status not in APPOINTMENT_OUTCOMES:
        raise HTTPException(status_code=404)
    mark_appointment(session, appointment.id, status)
    return redirect(request, "/staff/?done=appointment")


# What a clerk may record of an open appointment.
APPOINTMENT_OUTCOMES = frozenset(
    {ContactStatus.DONE.value, ContactStatus.MISSED.value, ContactStatus.CANCELLED.value}
)
