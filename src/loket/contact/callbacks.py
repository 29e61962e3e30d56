"""Call-back requests: a citizen asks the competent office to phone them back, in their
language, on a chosen day and time window. Requests land in that office's queue.

Rules: living wage, situation changes and general questions go to the welfare centre (OCMW)
competent for the postal code; tax questions go to FPS Finance. A postal code of several
municipalities needs the municipality to be named. The day is not in the past and at most 30
days ahead; the phone number is Belgian.
"""

import re
from datetime import date, datetime, timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from loket.cases.dossiers import next_reference
from loket.cases.routing import AmbiguousPostcode, Router, RoutingError, UnknownPostcode
from loket.contact.choices import Channel, ContactStatus, TimeWindow
from loket.contact.confirmations import confirm_callback
from loket.contact.model import CallbackRequest
from loket.contact.problems import InvalidRequest, Problem
from loket.geo.model import Municipality, PostalCodeMunicipality
from loket.geo.names import official_name
from loket.insight import channels as channel_events
from loket.texts import N_

# Which agency answers which topic.
TOPIC_AGENCY = {
    "leefloon": "ocmw",
    "situation-change": "ocmw",
    "general": "ocmw",
    "tax-question": "fin",
}
TOPIC_LABELS = {
    "leefloon": N_("The living wage"),
    "situation-change": N_("A change in my situation"),
    "tax-question": N_("A tax collection"),
    "general": N_("Something else"),
}
WINDOW_LABELS = {
    TimeWindow.MORNING: N_("Morning, 9:00 to 12:00"),
    TimeWindow.AFTERNOON: N_("Afternoon, 13:00 to 17:00"),
    TimeWindow.EVENING: N_("Evening, 17:00 to 19:00"),
}
LANGUAGES = ("nl", "fr", "de", "en")
MAX_DAYS_AHEAD = 30

_SEPARATORS = re.compile(r"[\s./()-]")
# +32 or 0032 (or a trunk 0), then a mobile number (4 and 8 digits) or any other number
# (8 digits, not starting with 0 or 4).
_SUBSCRIBER = r"(4\d{8}|[1-35-9]\d{7})"
_INTERNATIONAL = re.compile(rf"^(?:\+|00)32{_SUBSCRIBER}$")
_NATIONAL = re.compile(rf"^0{_SUBSCRIBER}$")


def normalise_phone(raw: str) -> str | None:
    """A Belgian phone number as +32…, or None when it is not one."""
    compact = _SEPARATORS.sub("", raw)
    match = _INTERNATIONAL.match(compact) or _NATIONAL.match(compact)
    return f"+32{match.group(1)}" if match else None


def check_day(preferred_day: date | None, today: date, problems: dict[str, Problem]) -> None:
    if preferred_day is None:
        problems["preferred_day"] = Problem(N_("Choose a day for the call."))
    elif preferred_day < today:
        problems["preferred_day"] = Problem(N_("Choose a day that is today or later."))
    elif preferred_day > today + timedelta(days=MAX_DAYS_AHEAD):
        problems["preferred_day"] = Problem(
            N_("Choose a day within the next %(days)s days."), {"days": str(MAX_DAYS_AHEAD)}
        )


def municipalities_of(session: Session, postcode: str) -> list[tuple[str, str]]:
    """(REFNIS, name) of the municipalities a postal code covers, to let a citizen choose."""
    rows = session.scalars(
        select(Municipality)
        .join(
            PostalCodeMunicipality,
            PostalCodeMunicipality.municipality_refnis == Municipality.refnis,
        )
        .where(PostalCodeMunicipality.postal_code == postcode)
        .order_by(Municipality.name_nl)
    )
    return [(m.refnis, official_name(m)) for m in rows]


def competent_office(
    session: Session, postcode: str, topic: str, today: date, municipality: str | None = None
) -> str:
    """The office that answers `topic` for `postcode`, or InvalidRequest naming the field."""
    agency = TOPIC_AGENCY.get(topic)
    if agency is None:
        raise InvalidRequest({"topic": Problem(N_("Choose what your question is about."))})
    try:
        return Router.load(session).route(postcode, agency, today, municipality or None).id
    except UnknownPostcode:
        raise InvalidRequest(
            {"postcode": Problem(N_("Enter a Belgian postal code of 4 digits, like 9000."))}
        ) from None
    except AmbiguousPostcode as error:
        names = ", ".join(c.municipality_name for c in error.candidates)
        raise InvalidRequest(
            {
                "municipality": Problem(
                    N_("Postal code %(postcode)s covers %(names)s. Choose your municipality."),
                    {"postcode": postcode, "names": names},
                )
            }
        ) from None
    except RoutingError:
        raise InvalidRequest(
            {"postcode": Problem(N_("No office takes this question for this postal code."))}
        ) from None


def request_callback(
    session: Session,
    *,
    postcode: str,
    topic: str,
    name: str,
    phone: str,
    language: str,
    preferred_day: date | None,
    time_window: str,
    with_expert: bool,
    note: str | None,
    channel: str,
    citizen_id: int | None = None,
    today: date,
    municipality: str | None = None,
    mandate_id: int | None = None,
) -> CallbackRequest:
    """Record a call-back request at the competent office; InvalidRequest lists every problem."""
    problems: dict[str, Problem] = {}
    if not name.strip():
        problems["name"] = Problem(N_("Enter your name, so we know whom to ask for."))
    elif len(name) > 200:
        problems["name"] = Problem(N_("Enter a name of at most 200 characters."))
    number = normalise_phone(phone)
    if number is None:
        problems["phone"] = Problem(
            N_("Enter a Belgian phone number, like 0470 12 34 56 or +32 9 123 45 67.")
        )
    if language not in LANGUAGES:
        problems["language"] = Problem(N_("Choose the language for the call."))
    check_day(preferred_day, today, problems)
    if time_window not in set(TimeWindow):
        problems["time_window"] = Problem(N_("Choose a time of day for the call."))
    if channel not in set(Channel):
        problems["channel"] = Problem(N_("Unknown channel."))
    if note is not None and len(note) > 2000:
        problems["note"] = Problem(N_("Write at most 2000 characters."))
    if topic not in TOPIC_AGENCY:
        problems["topic"] = Problem(N_("Choose what your question is about."))
    if not re.fullmatch(r"\d{4}", postcode.strip()):
        problems["postcode"] = Problem(N_("Enter a Belgian postal code of 4 digits, like 9000."))
    office_id = None
    if "topic" not in problems and "postcode" not in problems:
        try:
            office_id = competent_office(session, postcode.strip(), topic, today, municipality)
        except InvalidRequest as error:
            problems.update(error.problems)
    if problems or office_id is None or number is None or preferred_day is None:
        raise InvalidRequest(problems)
    request = CallbackRequest(
        reference=next_reference(session, "cb", today.year),
        office_id=office_id,
        citizen_id=citizen_id,
        mandate_id=mandate_id,
        name=name.strip(),
        phone=number,
        language=language,
        preferred_day=preferred_day,
        time_window=time_window,
        topic=topic,
        with_expert=with_expert,
        note=(note or "").strip() or None,
        channel=channel,
        status=ContactStatus.OPEN,
    )
    session.add(request)
    session.flush()
    channel_events.callback_requested(session, request, postcode, municipality, today)
    confirm_callback(session, request)
    return request


def open_callbacks(session: Session, office_id: str) -> list[CallbackRequest]:
    """The office's open call-backs, in the order they should be made."""
    window_order = case(
        {w.value: i for i, w in enumerate(TimeWindow)}, value=CallbackRequest.time_window
    )
    return list(
        session.scalars(
            select(CallbackRequest)
            .where(
                CallbackRequest.office_id == office_id,
                CallbackRequest.status == ContactStatus.OPEN,
            )
            .order_by(CallbackRequest.preferred_day, window_order, CallbackRequest.id)
        )
    )


class UnknownCallback(LookupError):
    def __init__(self, callback_id: int) -> None:
        super().__init__(f"no call-back request {callback_id}")


def mark_callback(
    session: Session, callback_id: int, status: str, staff_username: str, now: datetime
) -> CallbackRequest:
    """Record what became of a call-back (done, missed, cancelled) and who handled it."""
    request = session.get(CallbackRequest, callback_id)
    if request is None:
        raise UnknownCallback(callback_id)
    request.status = ContactStatus(status)
    request.handled_by = staff_username
    request.handled_at = now
    session.flush()
    return request
