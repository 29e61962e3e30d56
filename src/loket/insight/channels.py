"""Channel events: the hooks that the request, call-back, appointment and counter services call
in their own transaction, so that an event exists exactly when the contact does.

Rules:
- An event keeps the day, the municipality (the citizen's registered one, else the office's),
  the service, the channel, the outcome and for a form the step reached; never an answer.
- People are counted through a keyed hash (HMAC-SHA-256 with a random key kept in the
  database) of the register id, or of the draft or phone number of someone not registered.
"""

import hashlib
import hmac
import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.applications.model import RequestDraft
from loket.cases.model import Office
from loket.contact.model import Appointment, CallbackRequest, CounterVisit
from loket.geo.model import PostalCodeMunicipality
from loket.insight.channels_model import (
    ChannelEvent,
    ContactChannel,
    ContactKind,
    DivideState,
    Outcome,
)
from loket.people.service import current_address

# The service recorded for a counter visit, whose purpose is not asked.
VISIT_SERVICE = "general"


def contact_channel(channel: str) -> ContactChannel:
    """The map's channel for a recorded channel: paper counts with the counter."""
    if channel == "paper":
        return ContactChannel.COUNTER
    return ContactChannel(channel)


def divide_state(session: Session) -> DivideState:
    """The refresh bookkeeping row, created with a fresh hashing key on first use."""
    state = session.get(DivideState, 1)
    if state is None:
        state = DivideState(id=1, last_event_id=0, person_salt=secrets.token_hex(32))
        session.add(state)
        session.flush()
    return state


def person_key(salt: str, kind: str, identifier: object) -> str:
    """A 64-bit keyed hash that tells people apart without naming them."""
    message = f"{kind}:{identifier}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()[:16]


def municipality_of_postcode(session: Session, postcode: str | None) -> str | None:
    """The REFNIS code of a postal code's only municipality; None when it has several."""
    if not postcode:
        return None
    found = list(
        session.scalars(
            select(PostalCodeMunicipality.municipality_refnis)
            .where(PostalCodeMunicipality.postal_code == postcode.strip())
            .limit(2)
        )
    )
    return found[0] if len(found) == 1 else None


def municipality_of_citizen(session: Session, citizen_id: int | None) -> str | None:
    if citizen_id is None:
        return None
    address = current_address(session, citizen_id)
    if address is None or address.country != "BE":
        return None
    return municipality_of_postcode(session, address.postcode)


def municipality_of_office(session: Session, office_id: str | None) -> str | None:
    office = session.get(Office, office_id) if office_id else None
    return office.municipality_refnis if office is not None else None


def record_event(
    session: Session,
    *,
    on: date,
    municipality: str | None,
    service: str,
    contact: ContactKind,
    channel: str,
    outcome: Outcome,
    person: tuple[str, object],
    step: str | None = None,
) -> ChannelEvent:
    """Add one event to the session; `person` is (kind, identifier) and is only hashed."""
    salt = divide_state(session).person_salt
    event = ChannelEvent(
        occurred_on=on,
        municipality=municipality,
        service=service[:32],
        contact=contact.value,
        channel=contact_channel(channel).value,
        outcome=outcome.value,
        step=step[:32] if step else None,
        person_key=person_key(salt, *person),
    )
    session.add(event)
    return event


def draft_person(draft: RequestDraft) -> tuple[str, object]:
    if draft.citizen_id is not None:
        return ("citizen", draft.citizen_id)
    return ("draft", draft.id)


def draft_municipality(session: Session, draft: RequestDraft) -> str | None:
    """A known citizen's municipality; for a newcomer, the one of the postal code typed (the
    code itself is not kept), or the municipality chosen for an ambiguous code."""
    if draft.citizen_id is not None:
        return municipality_of_citizen(session, draft.citizen_id)
    chosen = str(draft.answers.get("municipality", "")).strip()
    if chosen:
        return chosen[:5]
    return municipality_of_postcode(session, str(draft.answers.get("postcode", "")))


def _request_event(
    session: Session,
    draft: RequestDraft,
    on: date,
    outcome: Outcome,
    fallback_municipality: str | None = None,
) -> None:
    record_event(
        session,
        on=on,
        municipality=draft_municipality(session, draft) or fallback_municipality,
        service=draft.kind,
        contact=ContactKind.REQUEST,
        channel=draft.channel,
        outcome=outcome,
        person=draft_person(draft),
        step=None if outcome == Outcome.SUBMITTED else draft.step,
    )


def request_started(session: Session, draft: RequestDraft, on: date) -> None:
    _request_event(session, draft, on, Outcome.STARTED)


def request_step_reached(session: Session, draft: RequestDraft, on: date) -> None:
    _request_event(session, draft, on, Outcome.STEP)


def request_submitted(session: Session, draft: RequestDraft, office_id: str, on: date) -> None:
    office = municipality_of_office(session, office_id)
    _request_event(session, draft, on, Outcome.SUBMITTED, office)


def callback_requested(
    session: Session,
    callback: CallbackRequest,
    postcode: str,
    municipality: str | None,
    on: date,
) -> None:
    where = (
        municipality_of_citizen(session, callback.citizen_id)
        or municipality
        or municipality_of_postcode(session, postcode)
        or municipality_of_office(session, callback.office_id)
    )
    person = (
        ("citizen", callback.citizen_id)
        if callback.citizen_id is not None
        else ("phone", callback.phone)
    )
    record_event(
        session,
        on=on,
        municipality=where,
        service=callback.topic,
        contact=ContactKind.CALLBACK,
        channel=callback.channel,
        outcome=Outcome.SUBMITTED,
        person=person,
    )


def appointment_booked(session: Session, appointment: Appointment, on: date) -> None:
    where = municipality_of_citizen(session, appointment.citizen_id) or municipality_of_office(
        session, appointment.office_id
    )
    if appointment.citizen_id is not None:
        person: tuple[str, object] = ("citizen", appointment.citizen_id)
    elif appointment.phone:
        person = ("phone", appointment.phone)
    else:
        person = ("appointment", appointment.reference)
    record_event(
        session,
        on=on,
        municipality=where,
        service=appointment.topic,
        contact=ContactKind.APPOINTMENT,
        channel=appointment.channel,
        outcome=Outcome.SUBMITTED,
        person=person,
    )


def counter_visit_started(session: Session, visit: CounterVisit, on: date) -> None:
    where = municipality_of_citizen(session, visit.citizen_id) or municipality_of_office(
        session, visit.office_id
    )
    record_event(
        session,
        on=on,
        municipality=where,
        service=VISIT_SERVICE,
        contact=ContactKind.VISIT,
        channel=visit.channel,
        outcome=Outcome.SUBMITTED,
        person=("citizen", visit.citizen_id),
    )
