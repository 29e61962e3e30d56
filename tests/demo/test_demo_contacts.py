"""Demo e-mail addresses: every office and a third of the citizens can be reached by e-mail,
the others by letter, and an address someone set is never overwritten."""

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import Office
from loket.demo.contacts import seed_demo_email_addresses
from loket.people.model import Citizen
from tests.factories import citizen_at


def test_offices_and_every_third_citizen_get_a_demo_address(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        people = [citizen_at(session, "9000") for _ in range(9)]
        people[0].email = "an@gent.be"
        session.flush()
        seed_demo_email_addresses(session)
    try:
        check_addresses(sessions, people[0].id)
    finally:
        # Offices outlive a test on PostgreSQL: later tests expect them without an address.
        with sessions.begin() as session:
            session.execute(update(Office).values(email=None))


def check_addresses(sessions: sessionmaker[Session], set_by_hand: int) -> None:
    with sessions() as session:
        addresses = dict(session.execute(select(Citizen.id, Citizen.email)).all())
        assert addresses[set_by_hand] == "an@gent.be"
        demo = {i: a for i, a in addresses.items() if a and a.endswith("@example.org")}
        assert demo and all(i % 3 == 0 and a == f"citizen-{i}@example.org" for i, a in demo.items())
        # The others are left to paper letters.
        assert any(a is None for a in addresses.values())
        offices_without = select(func.count()).select_from(Office).where(Office.email.is_(None))
        assert session.scalar(offices_without) == 0
        gent = session.get(Office, "ocmw-44021")
        assert gent is not None and gent.email == "ocmw-44021@example.org"
