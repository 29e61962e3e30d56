"""Counter mode: a clerk serves a citizen at the counter or on the phone, and the session and
the counter visit record who was served and through which channel."""

from collections.abc import Iterator
from datetime import date, datetime
from itertools import count

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.staff import add_user
from loket.contact.choices import Channel
from loket.contact.counter import CounterError, end_counter_visit, start_counter_visit
from loket.contact.model import CounterVisit
from loket.logins.model import LoginSession
from loket.logins.service import set_password, staff_login
from loket.people.identifiers import InvalidInsz
from loket.people.service import NewAddress, add_citizen

NOW = datetime(2026, 3, 2, 10, 0)
_serials = count(500)


def new_insz() -> str:
    base = f"850730{next(_serials):03d}"
    return f"{base}{97 - int(base) % 97:02d}"


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions.begin() as session:
        yield session


def clerk(session: Session, role: str = "counter-clerk") -> LoginSession:
    username = f"{role}-1"
    add_user(session, username, role, "ocmw", "ocmw-44021")
    set_password(session, username, "a long enough password")
    return staff_login(session, username, "a long enough password", NOW)[0]


def citizen(session: Session) -> str:
    insz = new_insz()
    add_citizen(
        session,
        insz=insz,
        family_name="Janssens",
        given_names="Mia",
        birth_date=date(1985, 7, 30),
        address=NewAddress("Veldstraat", "1", "9000"),
        since=date(2020, 1, 1),
    )
    return insz


@pytest.mark.parametrize("channel", [Channel.COUNTER, Channel.PHONE, Channel.ASSISTED_ONLINE])
def test_a_visit_records_the_citizen_and_channel_on_the_session(
    session: Session, channel: Channel
) -> None:
    login = clerk(session)
    staff = login.staff_username
    assert staff is not None
    from loket.cases.model import StaffUser

    user = session.get(StaffUser, staff)
    assert user is not None
    insz = citizen(session)
    visit = start_counter_visit(session, login, user, insz, channel.value, NOW)
    assert login.counter_channel == channel.value
    assert login.counter_visit_id == visit.id
    assert login.acting_for_id == visit.citizen_id
    assert (visit.channel, visit.office_id, visit.staff_username) == (
        channel.value,
        "ocmw-44021",
        staff,
    )
    assert visit.ended_at is None

    ended = end_counter_visit(session, login, NOW.replace(hour=11))
    assert ended is not None and ended.id == visit.id
    assert ended.ended_at == NOW.replace(hour=11)
    assert (login.acting_for_id, login.counter_channel, login.counter_visit_id) == (
        None,
        None,
        None,
    )


def test_a_new_visit_ends_the_previous_one(session: Session) -> None:
    from loket.cases.model import StaffUser

    login = clerk(session)
    user = session.get(StaffUser, login.staff_username)
    assert user is not None
    first = start_counter_visit(session, login, user, citizen(session), "counter", NOW)
    second = start_counter_visit(session, login, user, citizen(session), "phone", NOW)
    assert first.ended_at == NOW
    assert login.counter_visit_id == second.id
    assert len(list(session.scalars(select(CounterVisit)))) == 2


def test_unknown_citizens_channels_and_roles_are_refused(session: Session) -> None:
    from loket.cases.model import StaffUser

    login = clerk(session)
    user = session.get(StaffUser, login.staff_username)
    assert user is not None
    with pytest.raises(CounterError, match="insz: no citizen is registered"):
        start_counter_visit(session, login, user, new_insz(), "counter", NOW)
    with pytest.raises(InvalidInsz):
        start_counter_visit(session, login, user, "12345", "counter", NOW)
    with pytest.raises(CounterError, match="channel"):
        start_counter_visit(session, login, user, citizen(session), "online", NOW)
    officer = clerk(session, "privacy-officer")
    officer_user = session.get(StaffUser, officer.staff_username)
    assert officer_user is not None
    with pytest.raises(CounterError, match="role"):
        start_counter_visit(session, officer, officer_user, citizen(session), "counter", NOW)
    assert login.counter_visit_id is None and login.acting_for_id is None
    assert list(session.scalars(select(CounterVisit))) == []


def test_ending_without_a_visit_changes_nothing(session: Session) -> None:
    login = clerk(session)
    assert end_counter_visit(session, login, NOW) is None
    assert login.counter_channel is None
