"""Fixtures for the HTTP tests: an app on the test database, and factories for its data."""

from collections.abc import Callable, Iterator
from datetime import date
from itertools import count

import pytest
from fastapi.testclient import TestClient
from httpx import Response
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
        # A welfare centre's staff belong to one centre; most tests' citizens live in Gent.
        if agency == "ocmw" and office is None:
            office = "ocmw-44021"
        with sessions.begin() as session:
            username = f"{role}-{agency}-{next(usernames)}"
            token: str = add_user(session, username, role, agency, office)[1]
        return token

    return make


# ---- HTML pages -------------------------------------------------------------------------------


@pytest.fixture
def pages(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A browser-like client for the HTML pages, in demo mode over plain http."""
    from loket.settings import get_settings

    monkeypatch.setenv("LOKET_DEMO_MODE", "1")
    monkeypatch.setenv("LOKET_COOKIE_SECURE", "0")
    get_settings.cache_clear()
    # The browser asks for English unless a test says otherwise, so that assertions can be
    # written against the source texts.
    with TestClient(
        create_app(database_url), follow_redirects=False, headers={"Accept-Language": "en"}
    ) as test_client:
        yield test_client
    get_settings.cache_clear()


def csrf_of(client: TestClient) -> str:
    """The CSRF token a page would put in its forms (fetching a page first when needed)."""
    from loket.web.pages.rendering import CSRF_COOKIE

    if CSRF_COOKIE not in client.cookies:
        client.get("/")
    return str(client.cookies[CSRF_COOKIE])


def post_form(client: TestClient, url: str, data: dict[str, str] | None = None) -> Response:
    """POST a form as a page would: with the CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_of(client)})


@pytest.fixture
def sign_in_citizen(sessions: sessionmaker[Session]) -> Callable[[TestClient, str], None]:
    """Give `client` a citizen session for INSZ `insz` (what the eID login ends in)."""
    from datetime import datetime

    from sqlalchemy import select

    from loket.logins.service import start_citizen_session
    from loket.people.model import Citizen
    from loket.web.pages.viewer import SESSION_COOKIE

    def sign_in(client: TestClient, insz: str) -> None:
        with sessions.begin() as session:
            citizen_id = session.scalar(select(Citizen.id).where(Citizen.insz == insz))
            assert citizen_id is not None, insz
            _login, token = start_citizen_session(session, citizen_id, datetime.now())
        client.cookies.set(SESSION_COOKIE, token)

    return sign_in


@pytest.fixture
def sign_in_staff(sessions: sessionmaker[Session]) -> Callable[..., str]:
    """Create a staff user with a password, sign `client` in; returns the username."""
    from datetime import datetime

    from loket.logins.service import set_password, staff_login
    from loket.web.pages.viewer import SESSION_COOKIE

    usernames = count(1)

    def sign_in(
        client: TestClient,
        role: str = "case-worker",
        agency: str = "ocmw",
        office: str | None = "ocmw-44021",
    ) -> str:
        username = f"staff-{role}-{next(usernames)}"
        with sessions.begin() as session:
            add_user(session, username, role, agency, office)
            set_password(session, username, "correct horse battery")
            _login, token = staff_login(session, username, "correct horse battery", datetime.now())
        client.cookies.set(SESSION_COOKIE, token)
        return username

    return sign_in
