"""The sender against a real SMTP server: messages arrive in the reader's language, a 4xx is
tried again later with backoff, a 5xx becomes a dead letter with its reason."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from factories import address, citizen_at, next_insz
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import Office
from loket.cases.offices import set_office_email
from loket.entitlements.notices import TOPIC, amount_changed_message
from loket.notify import review
from loket.notify.channels import Channel, DeadReason
from loket.notify.sender import MAX_ATTEMPTS, backoff, utcnow
from loket.notify.smtp import SmtpConnection, parse_smtp_url
from loket.notify.worker import run_once
from loket.people.service import PeopleError, add_citizen
from loket.store.outbox import OutboxMessage
from tests.notify.mailbox import Mailbox, fill_office_outbox, smtp_server

SENDER = "loket <noreply@loket.example>"


@pytest.fixture
def mail() -> Iterator[tuple[str, Mailbox]]:
    with smtp_server() as running:
        yield running


def transport(url: str):  # noqa: ANN201  (a factory of context managers)
    target = parse_smtp_url(url)
    return lambda: SmtpConnection(target, timeout=10)


def citizen(session: Session, language: str, email: str | None, postcode: str = "9000") -> str:
    person = citizen_at(session, postcode, language=language)
    person.email = email
    return person.insz


def transferred(session: Session, insz: str, reference: str = "ocmw-2026-1") -> OutboxMessage:
    message = OutboxMessage(
        topic="dossier-transferred",
        recipient_kind="citizen",
        recipient_id=insz,
        payload={
            "reference": reference,
            "effective_date": "2026-12-01",
            "from_office": "ocmw-44021",
            "to_office": "ocmw-11002",
        },
    )
    session.add(message)
    session.flush()
    return message


def test_messages_arrive_in_the_citizens_language(sessions: sessionmaker[Session], mail) -> None:
    url, mailbox = mail
    with sessions.begin() as session:
        for language in ("nl", "fr", "de", "en"):
            transferred(session, citizen(session, language, f"{language}@example.org"))
        session.add(
            OutboxMessage(
                topic="something-new",
                recipient_kind="citizen",
                recipient_id=citizen(session, "fr", "new@example.org"),
                payload={"reference": "x-1", "effective_date": "2026-12-01"},
            )
        )
    summary = run_once(sessions, transport(url), SENDER)
    assert (summary.sent, summary.retried, summary.dead) == (5, 0, 0)
    received = {to: messages[0] for to, messages in mailbox.by_recipient().items()}
    subjects = {to: str(m["Subject"]) for to, m in received.items()}
    assert subjects == {
        "nl@example.org": "Uw dossier ocmw-2026-1 wordt nu behandeld door OCMW Antwerpen",
        "fr@example.org": "Votre dossier ocmw-2026-1 est désormais traité par OCMW Antwerpen",
        "de@example.org": "Ihr Dossier ocmw-2026-1 wird jetzt von OCMW Antwerpen bearbeitet",
        "en@example.org": "Your dossier ocmw-2026-1 is now handled by OCMW Antwerpen",
        "new@example.org": "Nouvelles de votre dossier",
    }
    body = received["fr@example.org"].get_content()
    assert "1 décembre 2026" in body
    assert received["fr@example.org"]["Content-Language"] == "fr"
    assert "reference: x-1" in received["new@example.org"].get_content()
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert all(r.sent_at is not None and r.channel == Channel.EMAIL for r in rows)
        assert {r.message_id for r in rows} == {str(m["Message-ID"]) for m in received.values()}
    # Nothing is sent twice.
    assert run_once(sessions, transport(url), SENDER).sent == 0
    assert len(mailbox.messages) == 5


def test_a_temporary_refusal_is_tried_again_later(sessions: sessionmaker[Session], mail) -> None:
    url, mailbox = mail
    mailbox.refuse["busy@example.org"] = "451 4.3.0 try again later"
    with sessions.begin() as session:
        message_id = transferred(session, citizen(session, "nl", "busy@example.org")).id
    before = utcnow()
    summary = run_once(sessions, transport(url), SENDER)
    assert (summary.sent, summary.retried, summary.dead) == (0, 1, 0)
    with sessions() as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None and row.attempts == 1 and row.dead_at is None
        assert row.last_error == "451 4.3.0 try again later"
        assert row.next_attempt_at is not None
        assert timedelta(seconds=44) < row.next_attempt_at - before < timedelta(seconds=76)
        # Not due yet: a second run leaves it alone.
    assert run_once(sessions, transport(url), SENDER).retried == 0
    del mailbox.refuse["busy@example.org"]
    with sessions.begin() as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
    assert run_once(sessions, transport(url), SENDER).sent == 1
    assert backoff(1) < timedelta(minutes=2) < backoff(3) < timedelta(minutes=6)
    assert backoff(30) <= timedelta(hours=6) * 1.25


def test_a_permanent_refusal_is_a_dead_letter_with_its_reason(
    sessions: sessionmaker[Session], mail
) -> None:
    url, mailbox = mail
    mailbox.refuse["gone@example.org"] = "550 5.1.1 no such user"
    with sessions.begin() as session:
        message_id = transferred(session, citizen(session, "nl", "gone@example.org")).id
        transferred(session, "00000000000")  # nobody we know
    summary = run_once(sessions, transport(url), SENDER)
    assert (summary.sent, summary.dead) == (0, 2)
    with sessions() as session:
        dead = {e.id: e for e in review.dead_letters(session)}
        assert dead[message_id].dead_reason == DeadReason.REFUSED
        assert dead[message_id].last_error == "550 5.1.1 no such user"
        (other,) = [e for e in dead.values() if e.id != message_id]
        assert other.dead_reason == DeadReason.NO_ADDRESS
        # The clerk of the office the dossier moved to sees it; another office's clerk not.
        assert {e.id for e in review.dead_letters(session, ["ocmw-11002"])} == set(dead)
        assert review.dead_letters(session, ["ocmw-44021"]) == []
    with sessions.begin() as session:
        review.retry(session, message_id)
    del mailbox.refuse["gone@example.org"]
    assert run_once(sessions, transport(url), SENDER).sent == 1


def test_too_many_temporary_failures_end_as_a_dead_letter(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        message_id = transferred(session, citizen(session, "nl", "a@example.org")).id
    # Nothing listens on this port: connection refused, a temporary failure.
    with smtp_server() as (url, _):
        pass
    for _ in range(MAX_ATTEMPTS):
        with sessions.begin() as session:
            row = session.get(OutboxMessage, message_id)
            assert row is not None
            row.next_attempt_at = None
        run_once(sessions, transport(url), SENDER)
    with sessions() as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None and row.attempts == MAX_ATTEMPTS
        assert row.dead_reason == DeadReason.TOO_MANY_ATTEMPTS
        assert "cannot reach the mail server" in (row.last_error or "")


def test_without_a_mail_server_e_mails_are_kept(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        transferred(session, citizen(session, "nl", "a@example.org"))
        transferred(session, citizen(session, "fr", None), "ocmw-2026-2")
        office = session.get(Office, "ocmw-11002")
        assert office is not None
        office.email = "antwerpen@example.org"
        session.add(
            OutboxMessage(
                topic="dossier-transferred-in",
                recipient_kind="office",
                recipient_id="ocmw-11002",
                payload={"reference": "r", "effective_date": "2026-12-01"},
            )
        )
    summary = run_once(sessions, None, SENDER)
    assert (summary.sent, summary.emails_kept, summary.letters_pending) == (0, 2, 1)
    with sessions() as session:
        assert len(review.waiting(session, ["ocmw-11002"])) == 3


def test_a_message_written_in_the_readers_language_is_sent_as_written(
    sessions: sessionmaker[Session], mail
) -> None:
    url, mailbox = mail
    with sessions.begin() as session:
        insz = citizen(session, "de", "de@example.org")
        session.add(
            OutboxMessage(
                topic=TOPIC,
                recipient_kind="citizen",
                recipient_id=insz,
                payload=amount_changed_message("de", date(2026, 3, 1), [("ocmw-1", 9000, 9200)]),
            )
        )
    assert run_once(sessions, transport(url), SENDER).sent == 1
    (message,) = mailbox.messages
    assert str(message["Subject"]) == "Ihr Eingliederungseinkommen ändert sich"
    assert "Ab dem 1. März 2026 erhalten Sie 92,00" in message.get_content()


def test_a_citizen_registered_with_an_e_mail_address_is_written_to_by_e_mail(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        with pytest.raises(PeopleError, match="email"):
            add_citizen(
                session,
                insz=next_insz(),
                family_name="Peeters",
                given_names="An",
                birth_date=None,
                address=address("9000"),
                email="0470 12 34 56",
            )
        insz = add_citizen(
            session,
            insz=next_insz(),
            family_name="Peeters",
            given_names="An",
            birth_date=None,
            address=address("9000"),
            email=" an@example.be ",
        ).insz
        transferred(session, insz)
    assert run_once(sessions, None, SENDER).emails_kept == 1
    with sessions() as session:
        assert session.scalars(select(OutboxMessage.channel)).all() == [Channel.EMAIL]


def test_two_workers_at_once_send_each_message_once(sessions: sessionmaker[Session], mail) -> None:
    url, mailbox = mail
    with sessions.begin() as session:
        fill_office_outbox(session, 400, "both")
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(run_once, sessions, transport(url), SENDER, batch=50) for _ in "ab"]
        summaries = [run.result() for run in runs]
    assert sum(s.sent for s in summaries) == 400
    assert all(s.sent > 0 for s in summaries)
    subjects = [str(m["Subject"]) for m in mailbox.messages]
    assert len(subjects) == len(set(subjects)) == 400


def test_an_office_given_an_e_mail_address_gets_its_dead_letters_after_a_retry(
    sessions: sessionmaker[Session], mail
) -> None:
    url, mailbox = mail
    with sessions.begin() as session:
        session.add(
            OutboxMessage(
                topic="dossier-needs-routing",
                recipient_kind="office",
                recipient_id="ocmw-44021",
                payload={"reference": "r-1", "effective_date": "2026-12-01", "reason": "x"},
            )
        )
    assert run_once(sessions, transport(url), SENDER).dead == 1
    with sessions.begin() as session:
        with pytest.raises(ValueError, match="email"):
            set_office_email(session, "ocmw-44021", "OCMW Gent")
        set_office_email(session, "ocmw-44021", "ocmw@gent.example")
        (dead,) = review.dead_letters(session, ["ocmw-44021"])
        assert dead.dead_reason == DeadReason.OFFICE_WITHOUT_EMAIL
        review.retry(session, dead.id)
    assert run_once(sessions, transport(url), SENDER).sent == 1
    (message,) = mailbox.messages
    assert str(message["Subject"]) == "Dossier r-1 heeft een kantoor nodig"
