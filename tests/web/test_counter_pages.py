"""Counter mode on the staff pages: a clerk starts serving a citizen, sees their dossiers and the
requests to start, and ends the visit; the session and the visit record the channel."""

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.contact.model import CounterVisit
from loket.logins.model import LoginSession
from loket.people.model import Citizen
from loket.web.pages.rendering import LANGUAGE_COOKIE
from tests.web.conftest import national_number, post_form

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def in_english(pages: TestClient) -> None:
    pages.cookies.set(LANGUAGE_COOKIE, "en")


def the_login(sessions: sessionmaker[Session], username: str) -> LoginSession:
    with sessions() as session:
        login = session.scalar(select(LoginSession).where(LoginSession.staff_username == username))
        assert login is not None
        return login


@pytest.mark.parametrize("channel", ["counter", "phone", "assisted-online"])
def test_a_clerk_serves_a_citizen_and_the_channel_is_recorded(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
    channel: str,
) -> None:
    insz = make_citizen("9000")
    with sessions.begin() as session:
        citizen = session.scalar(select(Citizen).where(Citizen.insz == insz))
        assert citizen is not None
        citizen.given_names = SCRIPT
    reference = make_dossier(insz, "ocmw", "leefloon")
    username = sign_in_staff(pages, role="counter-clerk")
    form = pages.get("/staff/counter")
    assert form.status_code == 200 and "Serve a citizen" in form.text

    started = post_form(pages, "/staff/counter", {"insz": insz, "channel": channel})
    assert started.status_code == 303
    login = the_login(sessions, username)
    assert login.counter_channel == channel and login.counter_visit_id is not None
    page = pages.get("/staff/counter")
    assert reference in page.text
    assert 'href="/services/leefloon"' in page.text
    assert "Counter mode: you are filling this in for" in page.text
    assert SCRIPT not in page.text and "&lt;script&gt;" in page.text

    ended = post_form(pages, "/staff/counter/end")
    assert ended.status_code == 303
    login = the_login(sessions, username)
    assert (login.counter_channel, login.counter_visit_id, login.acting_for_id) == (
        None,
        None,
        None,
    )
    with sessions() as session:
        visit = session.scalar(select(CounterVisit))
        assert visit is not None
        assert (visit.channel, visit.staff_username) == (channel, username)
        assert visit.ended_at is not None
    assert "Counter mode" not in pages.get("/staff/counter").text


def test_bad_counter_forms_say_what_to_fix(
    pages: TestClient, make_citizen: Callable[..., str], sign_in_staff: Callable[..., str]
) -> None:
    sign_in_staff(pages, role="counter-clerk")
    bad = post_form(pages, "/staff/counter", {"insz": "12345", "channel": "online"})
    assert bad.status_code == 400
    assert "Choose how you serve the citizen." in bad.text
    unknown = post_form(
        pages,
        "/staff/counter",
        {"insz": national_number(date(1960, 1, 1), 999), "channel": "phone"},
    )
    assert unknown.status_code == 400
    assert "No citizen with this national register number" in unknown.text
    escaped = post_form(pages, "/staff/counter", {"insz": SCRIPT, "channel": "phone"})
    assert SCRIPT not in escaped.text
    forged = pages.post(
        "/staff/counter",
        data={"insz": make_citizen(), "channel": "phone", "csrf_token": "y" * 43},
    )
    assert forged.status_code == 403


def test_privacy_officers_do_not_serve_at_the_counter(
    pages: TestClient, sign_in_staff: Callable[..., str]
) -> None:
    sign_in_staff(pages, role="privacy-officer", agency="podmi", office="podmi-brussel")
    refused = pages.get("/staff/counter")
    assert refused.status_code == 403
    assert "Counter mode is not for your role" in refused.text
    assert 'href="/staff/counter"' not in refused.text  # the menu does not offer it either


def test_a_status_change_in_counter_mode_records_the_channel(
    pages: TestClient,
    sessions: sessionmaker[Session],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    sign_in_staff: Callable[..., str],
) -> None:
    from loket.cases.model import Dossier, DossierEvent

    insz = make_citizen("9000")
    reference = make_dossier(insz, "ocmw", "leefloon")
    username = sign_in_staff(pages, role="case-worker")
    post_form(pages, "/staff/counter", {"insz": insz, "channel": "phone"})
    changed = post_form(pages, f"/staff/dossiers/{reference}/status", {"status": "in-review"})
    assert changed.status_code == 303
    with sessions() as session:
        event = session.scalar(
            select(DossierEvent)
            .join(Dossier, Dossier.id == DossierEvent.dossier_id)
            .where(Dossier.reference == reference, DossierEvent.kind == "status-changed")
        )
        assert event is not None
        assert (event.channel, event.actor) == ("phone", username)
    page = pages.get(f"/staff/dossiers/{reference}")
    assert "By phone" in page.text
