"""Demo e-mail addresses, so that `make demo` shows both channels of the outbox: every office
and one citizen in three get an address under example.org (reserved for examples, RFC 2606);
the others get paper letters."""

from sqlalchemy import String, cast, update
from sqlalchemy.orm import Session

from loket.cases.model import Office
from loket.people.model import Citizen

DEMO_MAIL_DOMAIN = "example.org"


def seed_demo_email_addresses(session: Session) -> None:
    """Give offices and every third citizen without an address a demo one. Idempotent: an
    address already set is kept."""
    session.execute(
        update(Office)
        .where(Office.email.is_(None))
        .values(email=Office.id + "@" + DEMO_MAIL_DOMAIN)
    )
    session.execute(
        update(Citizen)
        .where(Citizen.email.is_(None), Citizen.id % 3 == 0)
        .values(email="citizen-" + cast(Citizen.id, String) + "@" + DEMO_MAIL_DOMAIN)
    )
