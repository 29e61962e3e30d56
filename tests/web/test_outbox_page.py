"""The outbox page: an office's clerk sees its waiting and dead-lettered messages with the
reason, puts a dead letter back in line (with the CSRF token), and sees no other office's."""

import pytest
from factories import citizen_at
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.staff import add_user
from loket.logins.service import set_password
from loket.notify.worker import run_once
from loket.store.outbox import OutboxMessage
from loket.web.pages.rendering import LANGUAGE_COOKIE
from tests.web.conftest import post_form

PASSWORD = "correct horse battery"


def signed_in(
    client: TestClient, sessions: sessionmaker[Session], username: str, office: str
) -> TestClient:
    with sessions.begin() as session:
        add_user(session, username, "counter-clerk", "ocmw", office)
        set_password(session, username, PASSWORD)
    post_form(client, "/staff/login", {"username": username, "password": PASSWORD})
    return client


@pytest.fixture
def outbox(sessions: sessionmaker[Session]) -> int:
    """A message to a citizen nobody can reach (dead) and one to a citizen with only a postal
    address (a letter, waiting), both about a dossier that moved to Gent."""
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", language="fr")
        for insz, reference in (("00000000000", "dead-1"), (citizen.insz, "letter-1")):
            session.add(
                OutboxMessage(
                    topic="dossier-transferred",
                    recipient_kind="citizen",
                    recipient_id=insz,
                    payload={
                        "reference": reference,
                        "effective_date": "2026-03-01",
                        "from_office": "ocmw-11002",
                        "to_office": "ocmw-44021",
                    },
                )
            )
    run_once(sessions, None, "noreply@loket.example")
    with sessions() as session:
        dead = select(OutboxMessage.id).where(OutboxMessage.dead_at.is_not(None))
        return session.execute(dead).scalar_one()


@pytest.mark.parametrize("language", ["nl", "fr", "de", "en"])
def test_the_clerk_sees_waiting_and_dead_messages_with_the_reason(
    pages: TestClient, sessions: sessionmaker[Session], outbox: int, language: str
) -> None:
    pages.cookies.set(LANGUAGE_COOKIE, language)
    page = signed_in(pages, sessions, "clerk-gent", "ocmw-44021").get("/staff/outbox/")
    assert page.status_code == 200
    assert "dead-1" in page.text and "letter-1" in page.text
    reason = {
        "en": "We know neither an e-mail address nor a postal address for this person.",
        "nl": "We kennen van deze persoon geen e-mailadres en geen postadres.",
        "fr": "Nous ne connaissons ni adresse e-mail ni adresse postale pour cette personne.",
        "de": "Wir kennen für diese Person weder eine E-Mail-Adresse noch eine Postanschrift.",
    }[language]
    assert reason in page.text.replace("&#39;", "'")


def test_a_dead_letter_is_put_back_and_another_office_sees_nothing(
    pages: TestClient, sessions: sessionmaker[Session], outbox: int
) -> None:
    pages.cookies.set(LANGUAGE_COOKIE, "en")
    client = signed_in(pages, sessions, "clerk-antwerpen", "ocmw-11002")
    page = client.get("/staff/outbox/")
    assert "dead-1" not in page.text and "letter-1" not in page.text
    assert post_form(client, f"/staff/outbox/{outbox}/retry", {}).status_code == 404
    client.cookies.clear()
    client.cookies.set(LANGUAGE_COOKIE, "en")
    client = signed_in(client, sessions, "clerk-gent", "ocmw-44021")
    # Without the CSRF token the form is refused.
    assert client.post(f"/staff/outbox/{outbox}/retry").status_code == 403
    response = post_form(client, f"/staff/outbox/{outbox}/retry", {})
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "The message is back in the outbox." in page.text
    with sessions() as session:
        row = session.get(OutboxMessage, outbox)
        assert row is not None and row.dead_at is None and row.channel is None
