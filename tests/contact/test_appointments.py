"""Appointments: slots within opening hours, one booking per desk, nearest offices first."""

import contextlib
import threading
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from loket.cases.model import Office
from loket.contact.appointments import (
    SlotTaken,
    appointments_for,
    book,
    free_slots,
    mark_appointment,
    nearby_offices_with_slots,
    opening_ranges,
    slot_starts,
)
from loket.contact.model import Appointment
from loket.contact.problems import InvalidRequest

MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 1, 8, 0)
GENT = "ocmw-44021"


def booking(session, starts_at, office_id=GENT, now=NOW, **changes):
    values = dict(
        office_id=office_id,
        starts_at=starts_at,
        name="An Peeters",
        phone="0470123456",
        language="nl",
        topic="leefloon",
        with_expert=False,
        needs_step_free=False,
        citizen_id=None,
        channel="online",
        note=None,
        now=now,
    )
    values.update(changes)
    return book(session, **values)


def test_the_nearest_offices_of_gent_come_first(sessions):
    with sessions.begin() as session:
        rows = nearby_offices_with_slots(session, "9000", "ocmw", now=NOW)
        table = [(r.nearby.office.name, round(r.nearby.distance_km, 1)) for r in rows]
    assert table == [
        ("OCMW Gent", 2.5),
        ("OCMW Destelbergen", 6.1),
        ("OCMW Sint-Martens-Latem", 7.5),
    ]
    assert all(r.slots and r.slots[0].starts_at == datetime(2026, 3, 2, 9, 0) for r in rows)


def test_slots_follow_the_opening_hours(sessions):
    with sessions.begin() as session:
        office = session.get(Office, GENT)
        slots = free_slots(session, office, MONDAY, 7, NOW)
    times = [s.starts_at for s in slots]
    monday = [t.time() for t in times if t.date() == MONDAY]
    tuesday = [t.time() for t in times if t.date() == MONDAY + timedelta(days=1)]
    assert monday == [time(9, 0), time(9, 30), time(10, 0), time(10, 30), time(11, 0), time(11, 30)]
    assert time(13, 30) in tuesday and time(15, 30) in tuesday and time(16, 0) not in tuesday
    assert not [t for t in times if t.weekday() >= 5]


def test_the_last_desk_cannot_be_booked_twice(sessions):
    start = datetime(2026, 3, 2, 9, 30)
    with sessions.begin() as session:
        desks = session.get(Office, GENT).appointment_desks
        booked = [booking(session, start).desk for _ in range(desks)]
        assert booked == list(range(1, desks + 1))
        with pytest.raises(SlotTaken):
            booking(session, start)
        assert start not in [
            s.starts_at for s in free_slots(session, session.get(Office, GENT), MONDAY, 1, NOW)
        ]
        # Cancelling one frees its desk again.
        mark_appointment(session, session.scalar(select(Appointment.id).limit(1)), "cancelled")
        assert booking(session, start).desk == 1


def test_two_people_booking_the_last_desk_at_once(sessions, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    start = datetime(2026, 3, 2, 10, 0)
    with sessions.begin() as session:
        for _ in range(session.get(Office, GENT).appointment_desks - 1):
            booking(session, start)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        with sessions() as session:
            session.begin()
            session.scalar(select(func.count(Appointment.id)))
            barrier.wait()
            try:
                booking(session, start)
                session.commit()
                outcomes.append("booked")
            except SlotTaken:
                session.rollback()
                outcomes.append("taken")

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["booked", "taken"]


@pytest.mark.parametrize(
    "starts_at",
    [
        datetime(2026, 2, 27, 9, 0),  # the past
        datetime(2026, 3, 2, 12, 0),  # closing time
        datetime(2026, 3, 2, 9, 15),  # not a slot
        datetime(2026, 3, 7, 10, 0),  # Saturday
    ],
)
def test_past_and_closed_times_are_refused(sessions, starts_at):
    with sessions.begin() as session, pytest.raises(InvalidRequest) as error:
        booking(session, starts_at)
    assert "slot" in error.value.problems


def test_bookings_land_in_the_office_list(sessions):
    with sessions.begin() as session:
        booking(session, datetime(2026, 3, 3, 13, 30), with_expert=True)
        booking(session, datetime(2026, 3, 2, 9, 0), office_id="fin-gent")
        [mine] = appointments_for(session, GENT, MONDAY, MONDAY + timedelta(days=6))
        assert mine.with_expert and mine.reference.startswith("AP-2026-")
        assert appointments_for(session, GENT, MONDAY, MONDAY) == []


HOURS = st.lists(
    st.tuples(st.integers(0, 46), st.integers(1, 12)).map(
        lambda p: (
            f"{p[0] // 2:02d}:{30 * (p[0] % 2):02d}-"
            f"{min(23, p[0] // 2 + p[1]):02d}:{30 * (p[0] % 2):02d}"
        )
    ),
    max_size=3,
).map(",".join)


@given(
    hours=st.dictionaries(st.sampled_from(["mon", "tue", "sat"]), HOURS), desks=st.integers(1, 4)
)
def test_no_slot_lies_outside_the_opening_hours(hours, desks):
    office = Office(id="x", opening_hours=hours, appointment_desks=desks)
    for offset in range(7):
        day = MONDAY + timedelta(days=offset)
        for start in slot_starts(office, day):
            end = start + timedelta(minutes=30)
            assert any(
                datetime.combine(day, a) <= start and end <= datetime.combine(day, b)
                for a, b in opening_ranges(hours, day)
            )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(picks=st.lists(st.integers(0, 20), min_size=1, max_size=25))
def test_never_more_bookings_than_desks(sessions, reset, picks):
    reset()
    with sessions.begin() as session:
        office = session.get(Office, GENT)
        starts = slot_starts(office, MONDAY) + slot_starts(office, MONDAY + timedelta(days=1))
        for pick in picks:
            with contextlib.suppress(SlotTaken):
                booking(session, starts[pick % len(starts)])
        counts = session.execute(
            select(Appointment.starts_at, func.count()).group_by(Appointment.starts_at)
        ).all()
        assert all(n <= office.appointment_desks for _, n in counts)
        assert all(t in starts for t, _ in counts)
