"""Talk to a person: call-back, appointment at a nearby office, walk-in and an expert by
experience. The pages only read forms and call the contact services."""

from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from loket.cases.model import Office
from loket.cases.offices import DAY_KEYS, NearbyOffice, nearest_offices, opening_ranges
from loket.cases.routing import UnknownPostcode
from loket.contact.appointments import SlotTaken, book, nearby_offices_with_slots
from loket.contact.callbacks import (
    TOPIC_AGENCY,
    TOPIC_LABELS,
    WINDOW_LABELS,
    municipalities_of,
    request_callback,
)
from loket.contact.choices import Channel
from loket.contact.problems import InvalidRequest
from loket.geo.maps import MapPoint, context_points, office_map_svg
from loket.geo.model import PostalCode
from loket.people.service import current_address
from loket.texts import N_
from loket.web import i18n
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import gettext_for, language_of, render
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)

DAY_NAMES = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}
LANGUAGE_CHOICES = ("nl", "fr", "de", "en")


def channel_of(viewer: Viewer) -> str:
    """A clerk filling in a form for someone records the counter (or phone) channel."""
    if viewer.counter_mode and viewer.login is not None:
        return viewer.login.counter_channel or Channel.COUNTER
    return Channel.ONLINE


def mandate_of(viewer: Viewer) -> int | None:
    """The mandate a proxy acts under, recorded on what they ask for the grantor."""
    if viewer.acting_under_mandate and viewer.login is not None:
        return viewer.login.mandate_id
    return None


def known_details(session: Session, viewer: Viewer) -> dict[str, str]:
    """What the register already knows of a signed-in citizen, to fill in the forms."""
    person = viewer.subject
    if person is None:
        return {}
    address = current_address(session, person.id)
    return {
        "name": f"{person.given_names} {person.family_name}",
        "language": person.language,
        "postcode": address.postcode if address is not None else "",
    }


def hours_of(office: Office) -> list[tuple[str, str]]:
    """(day key, "09:00–12:00, 13:30–16:00") for each day the office opens."""
    monday = date(2024, 1, 1)
    rows = []
    for offset, key in enumerate(DAY_KEYS):
        ranges = opening_ranges(office.opening_hours, monday + timedelta(days=offset))
        if ranges:
            rows.append((key, ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in ranges)))
    return rows


def office_map(
    request: Request, session: Session, postcode: str, offices: list[NearbyOffice]
) -> Markup:
    _ = gettext_for(request)
    point = session.get(PostalCode, postcode)
    here = (point.latitude, point.longitude) if point is not None else None
    points = [MapPoint(n.office.name, n.office.latitude, n.office.longitude) for n in offices]
    around = [(p.latitude, p.longitude) for p in points] + ([here] if here else [])
    svg = office_map_svg(
        points,
        here,
        title=_("Map of the offices nearest to postal code %(postcode)s") % {"postcode": postcode},
        description=_(
            "The square is your postal code; the numbered circles are the offices in the list."
        ),
        here_label=postcode,
        context=context_points(session, around) if around else (),
    )
    # office_map_svg escapes every text it draws.
    return Markup(svg)  # noqa: S704


def nearby_context(
    request: Request, session: Session, postcode: str, topic: str, with_slots: bool
) -> dict[str, Any]:
    """The nearest offices (with free slots when booking) and their map, or a postcode error."""
    _ = gettext_for(request)
    agency = TOPIC_AGENCY.get(topic, "ocmw")
    try:
        if with_slots:
            rows = nearby_offices_with_slots(session, postcode, agency, now=datetime.now())
            offices = [r.nearby for r in rows]
        else:
            offices = nearest_offices(session, postcode, agency)
            rows = []
    except UnknownPostcode:
        return {"errors": {"postcode": _("Enter a Belgian postal code of 4 digits, like 9000.")}}
    return {
        "rows": rows,
        "offices": offices,
        "hours": {n.office.id: hours_of(n.office) for n in offices},
        "map_svg": office_map(request, session, postcode, offices),
    }


def common(request: Request) -> dict[str, Any]:
    _ = gettext_for(request)
    return {
        "topic_options": [(code, _(label)) for code, label in TOPIC_LABELS.items()],
        "w_options": [(str(code), _(label)) for code, label in WINDOW_LABELS.items()],
        "l_options": [(code, i18n.LANGUAGE_NAMES[code]) for code in LANGUAGE_CHOICES],
        "topics": TOPIC_LABELS,
        "windows": WINDOW_LABELS,
        "day_names": DAY_NAMES,
        "language_choices": LANGUAGE_CHOICES,
        "today": date.today(),
        "reader_language": language_of(request),
    }


@router.get("/help/")
def help_index(request: Request, viewer: ViewerDep) -> Response:
    return render(request, "help/index.html")


@router.get("/help/expert")
def expert(request: Request, viewer: ViewerDep) -> Response:
    return render(request, "help/expert.html")


@router.get("/help/callback")
def callback_form(
    request: Request, session: SessionDep, viewer: ViewerDep, expert: str = "", topic: str = ""
) -> Response:
    values = known_details(session, viewer) | {"with_expert": "1" if expert else "", "topic": topic}
    return render(request, "help/callback.html", common(request) | {"values": values})


@router.post("/help/callback")
def callback_send(
    request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    _ = gettext_for(request)
    values = {
        name: field(form, name, 2000 if name == "note" else 200)
        for name in (
            "postcode", "municipality", "topic", "name", "phone", "language",
            "preferred_day", "time_window", "with_expert", "note",
        )
    }  # fmt: skip
    try:
        day = date.fromisoformat(values["preferred_day"])
    except ValueError:
        day = None
    try:
        with session.begin_nested():
            callback = request_callback(
                session,
                postcode=values["postcode"],
                municipality=values["municipality"] or None,
                topic=values["topic"],
                name=values["name"],
                phone=values["phone"],
                language=values["language"],
                preferred_day=day,
                time_window=values["time_window"],
                with_expert=bool(values["with_expert"]),
                note=values["note"] or None,
                channel=channel_of(viewer),
                citizen_id=viewer.subject.id if viewer.subject is not None else None,
                today=date.today(),
                mandate_id=mandate_of(viewer),
            )
    except InvalidRequest as error:
        choices = (
            municipalities_of(session, values["postcode"])
            if "municipality" in (error.problems)
            else []
        )
        return render(
            request,
            "help/callback.html",
            common(request)
            | {"values": values, "errors": error.messages(_), "municipalities": choices},
            status=400,
        )
    office = session.get(Office, callback.office_id)
    return render(
        request,
        "help/callback_done.html",
        common(request) | {"callback": callback, "office": office},
    )


@router.get("/help/appointment")
def appointment_offices(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    postcode: str = "",
    topic: str = "general",
    expert: str = "",
) -> Response:
    postcode = postcode.strip()[:4] or known_details(session, viewer).get("postcode", "")
    context = common(request) | {"postcode": postcode, "topic": topic, "expert": expert}
    if not postcode:
        return render(request, "help/appointment.html", context)
    context |= nearby_context(request, session, postcode, topic, with_slots=True)
    return render(
        request, "help/appointment.html", context, status=400 if "errors" in context else 200
    )


def parse_slot(value: str) -> tuple[str, datetime] | None:
    office_id, _sep, moment = value.partition("|")
    try:
        return office_id, datetime.fromisoformat(moment)
    except ValueError:
        return None


@router.post("/help/appointment")
def appointment_book(
    request: Request, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    _ = gettext_for(request)
    values = {
        name: field(form, name, 2000 if name == "note" else 200)
        for name in (
            "slot", "postcode", "topic", "name", "phone", "language", "with_expert",
            "needs_step_free", "note", "step",
        )
    }  # fmt: skip
    chosen = parse_slot(values["slot"])
    office = session.get(Office, chosen[0]) if chosen else None
    base = common(request) | {"values": values, "postcode": values["postcode"][:4]}
    if chosen is None or office is None:
        base |= {"topic": values["topic"], "expert": values["with_expert"]}
        if base["postcode"]:
            base |= nearby_context(request, session, base["postcode"], values["topic"], True)
            base.setdefault("errors", {"slot": _("Choose a time for your appointment.")})
        else:
            base["errors"] = {"postcode": _("Enter your postal code, then choose a time.")}
        return render(request, "help/appointment.html", base, status=400)
    base |= {"office": office, "starts_at": chosen[1]}
    if values["step"] != "details":
        base["values"] = known_details(session, viewer) | {k: v for k, v in values.items() if v}
        return render(request, "help/appointment_details.html", base)
    try:
        with session.begin_nested():
            appointment = book(
                session,
                office_id=office.id,
                starts_at=chosen[1],
                name=values["name"],
                phone=values["phone"] or None,
                language=values["language"],
                topic=values["topic"] if values["topic"] in TOPIC_LABELS else "general",
                with_expert=bool(values["with_expert"]),
                needs_step_free=bool(values["needs_step_free"]),
                citizen_id=viewer.subject.id if viewer.subject is not None else None,
                channel=channel_of(viewer),
                note=values["note"] or None,
                now=datetime.now(),
                mandate_id=mandate_of(viewer),
            )
    except InvalidRequest as error:
        base["errors"] = error.messages(_)
        return render(request, "help/appointment_details.html", base, status=400)
    except SlotTaken:
        base |= {"topic": values["topic"], "expert": values["with_expert"]}
        base |= nearby_context(
            request, session, base["postcode"] or office.postcode, values["topic"], True
        )
        base["errors"] = {"slot": _("Someone just booked this time. Choose another time.")}
        return render(request, "help/appointment.html", base, status=409)
    return render(request, "help/appointment_done.html", base | {"appointment": appointment})


@router.get("/help/walk-in")
def walk_in(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    postcode: str = "",
    topic: str = "general",
) -> Response:
    postcode = postcode.strip()[:4] or known_details(session, viewer).get("postcode", "")
    context = common(request) | {"postcode": postcode, "topic": topic}
    if postcode:
        context |= nearby_context(request, session, postcode, topic, with_slots=False)
    return render(request, "help/walk_in.html", context, status=400 if "errors" in context else 200)
