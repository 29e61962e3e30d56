"""Fixtures for the HTTP tests: an app on the test database, and factories for its data."""

from collections.abc import Callable, Iterator
from datetime import date
from itertools import count

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.dossiers import open_dossier
from loket.cases.staff import add_user
from loket.people.service import NewAddress, add_citizen
from loket.web.app import create_app

_serials = count(1)


def national_number(born: date, serial: int) -> str:
    """A valid national register number (born before 2000) for a test citizen."""
    base = f"{born:%y%m%d}{serial:03d}"
    return f"{base}{97 - int(base) % 97:02d}"


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(database_url)) as test_client:
        yield test_client


@pytest.fixture
def make_citizen(sessions: sessionmaker[Session]) -> Callable[..., str]:
    """Register a citizen at `postcode` since `since`; returns the INSZ."""

    def make(postcode: str = "9000", since: date = date(2020, 1, 1)) -> str:
        insz = national_number(date(1985, 7, 30), next(_serials))
        with sessions.begin() as session:
            add_citizen(
                session,
                insz=insz,
                family_name="Peeters",
                given_names="An",
                birth_date=date(1985, 7, 30),
                address=NewAddress("Veldstraat", "1", postcode),
                since=since,
            )
        return insz

    return make


@pytest.fixture
def make_dossier(sessions: sessionmaker[Session]) -> Callable[[str, str, str], str]:
    """Open a dossier of `case_type` at `agency` for a citizen; returns its reference."""

    def make(insz: str, agency: str, case_type: str) -> str:
        with sessions.begin() as session:
            dossier = open_dossier(
                session, insz=insz, agency=agency, case_type=case_type, on=date(2024, 1, 2)
            )
            reference: str = dossier.reference
        return reference

    return make


@pytest.fixture
def make_token(sessions: sessionmaker[Session]) -> Callable[..., str]:
    """Create a staff user and return their bearer token, as `loket user add` does."""
    usernames = count(1)

    def make(role: str = "case-worker", agency: str = "ocmw", office: str | None = None) -> str:
        with sessions.begin() as session:
            username = f"{role}-{agency}-{next(usernames)}"
            token: str = add_user(session, username, role, agency, office)[1]
        return token

    return make
