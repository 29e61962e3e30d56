"""Confirmations to the citizen of a call-back request or a booked appointment, written to the
outbox in the same transaction as the request or booking.

Rule: only a known citizen (one with an INSZ) gets a confirmation; a request made with a name
and a phone number only has no address to write to.
"""

from typing import Any

from sqlalchemy.orm import Session

from loket.contact.choices import TimeWindow
from loket.contact.model import Appointment, CallbackRequest
from loket.notify.recipients import offices
from loket.people.model import Citizen
from loket.store.outbox import OutboxMessage

CALLBACK_TOPIC = "callback-requested"
APPOINTMENT_TOPIC = "appointment-booked"
# The hours of each call-back window, written the same in every language.
WINDOW_HOURS = {
    TimeWindow.MORNING: ("9:00", "12:00"),
    TimeWindow.AFTERNOON: ("13:00", "17:00"),
    TimeWindow.EVENING: ("17:00", "19:00"),
}


def _write(session: Session, topic: str, citizen_id: int | None, payload: dict[str, Any]) -> None:
    citizen = session.get(Citizen, citizen_id) if citizen_id is not None else None
    if citizen is None:
        return
    session.add(
        OutboxMessage(
            topic=topic, recipient_kind="citizen", recipient_id=citizen.insz, payload=payload
        )
    )
    session.flush()


def confirm_callback(session: Session, request: CallbackRequest) -> None:
    """Tell a known citizen which office will call them, on which day and between which hours."""
    call_from, call_until = WINDOW_HOURS[TimeWindow(request.time_window)]
    payload = {
        "reference": request.reference,
        "office_id": request.office_id,
        "preferred_day": request.preferred_day.isoformat(),
        "time_window": request.time_window,
        "call_from": call_from,
        "call_until": call_until,
    }
    _write(session, CALLBACK_TOPIC, request.citizen_id, payload)


def confirm_appointment(session: Session, appointment: Appointment) -> None:
    """Tell a known citizen when and where they are expected, as the reminder will."""
    card = offices(session, [appointment.office_id]).get(appointment.office_id)
    payload = {
        "appointment": appointment.reference,
        "starts_at": appointment.starts_at.isoformat(timespec="minutes"),
        "office_id": appointment.office_id,
        "office_address": ", ".join(card.address) if card else "",
    }
    _write(session, APPOINTMENT_TOPIC, appointment.citizen_id, payload)
