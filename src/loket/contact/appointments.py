"""Appointments at an office: free 30-minute slots within its opening hours, one booking per
desk per slot, and the office's list of appointments.

Rules: a slot lies wholly within the opening hours of a weekday; it is free while fewer
appointments than the office has desks start at that time; a slot in the past cannot be booked.
The unique (office, start, desk) constraint makes sure two people never get the same desk,
even when they book at the same moment.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loket.cases.dossiers import next_reference
from loket.cases.model import Office
from loket.cases.offices import NearbyOffice, nearest_offices, opening_ranges
from loket.contact.callbacks import normalise_phone
from loket.contact.choices import Channel, ContactStatus
from loket.contact.confirmations import confirm_appointment
from loket.contact.model import Appointment
from loket.contact.problems import InvalidRequest, Problem
from loket.insight import channels as channel_events
from loket.texts import N_

SLOT_MINUTES = 30
LANGUAGES = ("nl", "fr", "de", "en")


class SlotTaken(Exception):
    """Every desk is booked at that time (perhaps a moment ago by someone else)."""


class UnknownAppointment(LookupError):
    pass


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    free_desks: int


def slot_starts(office: Office, day: date) -> list[datetime]:
    """Every start time of a whole 30-minute slot within the office's hours on `day`."""
    starts = []
    step = timedelta(minutes=SLOT_MINUTES)
    for opens, closes in opening_ranges(office.opening_hours, day):
        moment = datetime.combine(day, opens)
        while moment + step <= datetime.combine(day, closes):
            starts.append(moment)
            moment += step
    return starts


def _booked(
    session: Session, office_id: str, start: datetime, end: datetime
) -> dict[datetime, int]:
    counts: dict[datetime, int] = {}
    for starts_at in session.scalars(
        select(Appointment.starts_at).where(
            Appointment.office_id == office_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
            Appointment.status != ContactStatus.CANCELLED,
        )
    ):
        counts[starts_at] = counts.get(starts_at, 0) + 1
    return counts


def free_slots(
    session: Session, office: Office, from_day: date, days: int, now: datetime
) -> list[Slot]:
    """The slots of `days` days from `from_day` with at least one desk free, after `now`."""
    end_day = from_day + timedelta(days=days)
    booked = _booked(
        session, office.id, datetime.combine(from_day, time()), datetime.combine(end_day, time())
    )
    desks = max(1, office.appointment_desks)
    slots = []
    for offset in range(days):
        for start in slot_starts(office, from_day + timedelta(days=offset)):
            free = desks - booked.get(start, 0)
            if start > now and free > 0:
                slots.append(Slot(start, free))
    return slots


def book(
    session: Session,
    *,
    office_id: str,
    starts_at: datetime,
    name: str,
    phone: str | None,
    language: str,
    topic: str,
    with_expert: bool,
    needs_step_free: bool,
    citizen_id: int | None,
    channel: str,
    note: str | None,
    now: datetime,
    mandate_id: int | None = None,
) -> Appointment:
    """Book the lowest free desk at `starts_at`; SlotTaken when every desk is booked."""
    office = session.get(Office, office_id)
    problems: dict[str, Problem] = {}
    if office is None:
        raise InvalidRequest({"office": Problem(N_("Choose an office."))})
    if starts_at <= now:
        problems["slot"] = Problem(N_("This time has passed. Choose a later time."))
    elif starts_at not in slot_starts(office, starts_at.date()):
        problems["slot"] = Problem(N_("The office is closed at this time. Choose another time."))
    if not name.strip() or len(name) > 200:
        problems["name"] = Problem(N_("Enter your name, so we know whom to expect."))
    number = normalise_phone(phone) if phone else None
    if phone and number is None:
        problems["phone"] = Problem(
            N_("Enter a Belgian phone number, like 0470 12 34 56 or +32 9 123 45 67.")
        )
    if language not in LANGUAGES:
        problems["language"] = Problem(N_("Choose the language for the appointment."))
    if note is not None and len(note) > 2000:
        problems["note"] = Problem(N_("Write at most 2000 characters."))
    if channel not in set(Channel):
        problems["channel"] = Problem(N_("Unknown channel."))
    if problems:
        raise InvalidRequest(problems)
    taken = set(
        session.scalars(
            select(Appointment.desk).where(
                Appointment.office_id == office_id, Appointment.starts_at == starts_at
            )
        )
    )
    candidates = [d for d in range(1, max(1, office.appointment_desks) + 1) if d not in taken]
    if not candidates:
        raise SlotTaken()
    reference = next_reference(session, "ap", starts_at.year)
    for desk in candidates:
        appointment = Appointment(
            reference=reference,
            office_id=office_id,
            desk=desk,
            starts_at=starts_at,
            minutes=SLOT_MINUTES,
            citizen_id=citizen_id,
            name=name.strip(),
            phone=number,
            language=language,
            topic=topic[:40],
            with_expert=with_expert,
            needs_step_free=needs_step_free,
            note=(note or "").strip() or None,
            channel=channel,
            mandate_id=mandate_id,
            status=ContactStatus.OPEN,
        )
        try:
            # Someone may have booked this desk since we looked: the constraint decides.
            with session.begin_nested():
                session.add(appointment)
        except IntegrityError:
            continue
        channel_events.appointment_booked(session, appointment, now.date())
        confirm_appointment(session, appointment)
        return appointment
    raise SlotTaken()


def appointments_for(
    session: Session, office_id: str, day_from: date, day_to: date
) -> list[Appointment]:
    """The office's appointments from `day_from` up to and including `day_to`, by time."""
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.office_id == office_id,
                Appointment.starts_at >= datetime.combine(day_from, time()),
                Appointment.starts_at < datetime.combine(day_to + timedelta(days=1), time()),
            )
            .order_by(Appointment.starts_at, Appointment.desk)
        )
    )


def mark_appointment(session: Session, appointment_id: int, status: str) -> Appointment:
    """Record what became of an appointment. A cancelled one frees its desk: its desk number
    becomes minus its id, which no real desk has, so the constraint lets the desk be rebooked."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise UnknownAppointment(appointment_id)
    appointment.status = ContactStatus(status)
    if appointment.status == ContactStatus.CANCELLED:
        appointment.desk = -appointment.id
    session.flush()
    return appointment


@dataclass(frozen=True)
class OfficeWithSlots:
    nearby: NearbyOffice
    slots: list[Slot]


def nearby_offices_with_slots(
    session: Session,
    postcode: str,
    agency: str | None,
    limit: int = 3,
    *,
    now: datetime | None = None,
    days: int = 14,
    per_office: int = 6,
) -> list[OfficeWithSlots]:
    """The `limit` nearest offices with their first free slots (UnknownPostcode if unknown)."""
    moment = now or datetime.now()
    return [
        OfficeWithSlots(
            n,
            free_slots(session, n.office, moment.date(), days, moment)[:per_office],
        )
        for n in nearest_offices(session, postcode, agency, limit)
    ]
