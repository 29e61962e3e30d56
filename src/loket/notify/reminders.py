"""Appointment reminders: one outbox message per appointment, the day before it.

Rule: every open appointment of a known citizen gets exactly one reminder, written the day
before; running the writer again (or from two workers) writes no second one, because each
reminder carries the appointment in its `dedup_key`, which the outbox keeps unique.
Appointments booked without a citizen (a name and a phone number only) get none: there is no
address to write to, and the office calls them if needed.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loket.contact.choices import ContactStatus
from loket.contact.model import Appointment
from loket.notify.recipients import offices
from loket.people.model import Citizen
from loket.store.outbox import OutboxMessage

TOPIC = "appointment-reminder"


@dataclass(frozen=True)
class RemindersWritten:
    day: date
    appointments: int
    written: int
    without_citizen: int


def reminder_key(appointment_id: int) -> str:
    return f"{TOPIC}:{appointment_id}"


def write_reminders(session: Session, day: date) -> RemindersWritten:
    """Write a reminder for each open appointment on `day` that has none yet."""
    start = datetime.combine(day, time())
    rows = session.execute(
        select(Appointment, Citizen.insz)
        .outerjoin(Citizen, Citizen.id == Appointment.citizen_id)
        .where(
            Appointment.starts_at >= start,
            Appointment.starts_at < start + timedelta(days=1),
            Appointment.status == ContactStatus.OPEN,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    cards = offices(session, {a.office_id for a, _ in rows})
    values: list[dict[str, Any]] = []
    for appointment, insz in rows:
        if insz is None:
            continue
        card = cards.get(appointment.office_id)
        values.append(
            {
                "topic": TOPIC,
                "recipient_kind": "citizen",
                "recipient_id": insz,
                "payload": {
                    "appointment": appointment.reference,
                    "starts_at": appointment.starts_at.isoformat(timespec="minutes"),
                    "office_id": appointment.office_id,
                    "office_address": ", ".join(card.address) if card else "",
                },
                "dedup_key": reminder_key(appointment.id),
            }
        )
    written = 0
    if values:
        dialect = session.get_bind().dialect.name
        statement: Any = (postgresql if dialect == "postgresql" else sqlite).insert(OutboxMessage)
        if dialect not in ("postgresql", "sqlite"):
            statement = insert(OutboxMessage)
        else:
            statement = statement.on_conflict_do_nothing(index_elements=["dedup_key"])
        result = session.execute(statement.returning(OutboxMessage.id), values)
        written = len(result.all())
    return RemindersWritten(day, len(rows), written, sum(1 for _, insz in rows if insz is None))
