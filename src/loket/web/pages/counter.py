"""Counter mode (assisted digital): a clerk starts or resumes a request with or for a citizen at
the counter or on the phone. The session remembers the citizen and the channel, and the request
pages record that channel on what they create."""

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from loket.applications.service import open_drafts
from loket.cases.access import visible_dossiers
from loket.cases.model import Dossier, StaffUser
from loket.contact.counter import (
    ASSISTED_CHANNELS,
    CounterError,
    current_visit,
    end_counter_visit,
    may_serve_at_counter,
    start_counter_visit,
)
from loket.people.identifiers import InvalidInsz
from loket.people.service import current_address
from loket.texts import N_
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import gettext_for, language_of, redirect, render
from loket.web.pages.staff import (
    CHANNEL_LABELS,
    forbidden,
    require_staff,
    status_label,
    type_names,
)
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)

# The requests a clerk can start for a citizen, with the page that starts each.
SERVICES = (
    ("/services/leefloon", N_("Apply for the living wage (leefloon)")),
    ("/services/tax-question", N_("Ask a question about a tax collection")),
    ("/services/situation-change", N_("Report a change in situation")),
)


def counter_staff(viewer: Viewer) -> StaffUser | None:
    """The signed-in clerk when their role serves citizens, None for the other roles (who get
    `not_at_the_counter`); 401 for anyone not signed in as staff."""
    staff = require_staff(viewer)
    return staff if may_serve_at_counter(staff) else None


def not_at_the_counter(request: Request) -> Response:
    _ = gettext_for(request)
    return forbidden(
        request,
        _("Counter mode is not for your role"),
        _("Only counter clerks and case workers serve citizens at the counter or on the phone."),
    )


def _start_form(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    channels = [(c.value, CHANNEL_LABELS[c.value]) for c in ASSISTED_CHANNELS]
    return render(request, "staff/counter.html", {"channels": channels, **context}, status)


@router.get("/staff/counter")
def counter_page(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    staff = counter_staff(viewer)
    if staff is None:
        return not_at_the_counter(request)
    if viewer.login is None or viewer.subject is None:
        return _start_form(request, {"channel": ""})
    language = language_of(request)
    citizen = viewer.subject
    names = type_names(session, language)
    dossiers = [
        (d, names.get(d.case_type, d.case_type), status_label(d.status, language))
        for d in session.scalars(
            visible_dossiers(staff)
            .where(Dossier.citizen_id == citizen.id)
            .order_by(Dossier.opened_on.desc())
        )
    ]
    channel = viewer.login.counter_channel or ""
    context = {
        "citizen": citizen,
        "address": current_address(session, citizen.id),
        "channel_label": CHANNEL_LABELS.get(channel, channel),
        "visit": current_visit(session, viewer.login),
        "dossiers": dossiers,
        "drafts": open_drafts(session, citizen.id, date.today()),
        "services": SERVICES,
    }
    return render(request, "staff/counter_visit.html", context)


@router.post("/staff/counter")
def start_visit(
    request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    staff = counter_staff(viewer)
    if staff is None:
        return not_at_the_counter(request)
    assert viewer.login is not None
    _ = gettext_for(request)
    insz = field(form, "insz", 20)
    channel = field(form, "channel", 20)
    errors: dict[str, str] = {}
    if channel not in {c.value for c in ASSISTED_CHANNELS}:
        errors["channel"] = _("Choose how you serve the citizen.")
    if not insz:
        errors["insz"] = _("Enter the citizen's national register number.")
    if not errors:
        try:
            start_counter_visit(session, viewer.login, staff, insz, channel, datetime.now())
        except InvalidInsz:
            errors["insz"] = _(
                "Enter a national register number of 11 digits, like 85.07.30-033.61."
            )
        except CounterError:
            errors["insz"] = _("No citizen with this national register number is registered.")
        else:
            return redirect(request, "/staff/counter")
    return _start_form(request, {"errors": errors, "insz": insz, "channel": channel}, 400)


@router.post("/staff/counter/end")
def end_visit(request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep) -> Response:
    require_staff(viewer)
    if viewer.login is not None:
        end_counter_visit(session, viewer.login, datetime.now())
    return redirect(request, "/staff/")
