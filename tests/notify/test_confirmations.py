"""A known citizen hears from the outbox when they ask for a call-back, book an appointment or
get a decision on a dossier: one message each, in their own language."""

from datetime import date, datetime, timedelta

from factories import citizen_at
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.choices import DossierStatus
from loket.cases.dossiers import change_status, open_dossier
from loket.cases.model import CaseType
from loket.contact.appointments import book
from loket.contact.callbacks import request_callback
from loket.notify.recipients import offices
from loket.notify.texts import Rendered, render
from loket.store.outbox import OutboxMessage

TODAY = date(2026, 3, 2)


def messages(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def rendered(session: Session, message: OutboxMessage, language: str) -> Rendered:
    cards = offices(session, [v for k, v in message.payload.items() if "office" in k])
    return render(message.topic, message.payload, language, cards)


def ask(session: Session, citizen_id: int | None, language: str) -> None:
    request_callback(
        session,
        postcode="9000",
        topic="leefloon",
        name="An Peeters",
        phone="0470 12 34 56",
        language=language,
        preferred_day=TODAY + timedelta(days=1),
        time_window="afternoon",
        with_expert=False,
        note=None,
        channel="online",
        citizen_id=citizen_id,
        today=TODAY,
    )


def test_a_call_back_request_is_confirmed_to_the_citizen_in_their_language(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", language="de")
        ask(session, citizen.id, "de")
        ask(session, None, "nl")  # a name and a phone number only: nobody to write to
        (message,) = messages(session)
        assert (message.topic, message.recipient_kind, message.recipient_id) == (
            "callback-requested",
            "citizen",
            citizen.insz,
        )
        assert message.payload["reference"] == "CB-2026-000001"
        text = rendered(session, message, citizen.language)
    assert text.subject == "Wir rufen Sie am 3. März 2026 zurück"
    assert text.body.startswith(
        "OCMW Gent ruft Sie am 3. März 2026 zwischen 13:00 und 17:00 an. "
        "Die Nummer Ihrer Anfrage ist CB-2026-000001."
    )


def test_a_booked_appointment_is_confirmed_to_the_citizen_in_their_language(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", language="fr")
        common = dict(
            office_id="ocmw-44021",
            name="An Peeters",
            phone="0470123456",
            language="fr",
            topic="leefloon",
            with_expert=False,
            needs_step_free=False,
            channel="online",
            note=None,
            now=datetime(2026, 3, 1, 8, 0),
        )
        book(session, starts_at=datetime(2026, 3, 2, 9, 0), citizen_id=citizen.id, **common)
        book(session, starts_at=datetime(2026, 3, 2, 10, 0), citizen_id=None, **common)
        (message,) = messages(session)
        assert (message.topic, message.recipient_id) == ("appointment-booked", citizen.insz)
        assert message.payload["starts_at"] == "2026-03-02T09:00"
        text = rendered(session, message, citizen.language)
        card = offices(session, ["ocmw-44021"])["ocmw-44021"]
    assert text.subject == "Votre rendez-vous du 2 mars 2026, 09:00:00 est réservé"
    assert text.body.startswith(
        f"Nous vous attendons le 2 mars 2026, 09:00:00 à OCMW Gent, {', '.join(card.address)}."
    )


def test_a_decision_on_a_dossier_is_told_to_the_citizen_once_in_their_language(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", language="nl")
        dossier = open_dossier(
            session, insz=citizen.insz, agency="ocmw", case_type="leefloon", on=TODAY
        )
        change_status(session, dossier.reference, DossierStatus.IN_REVIEW, TODAY)
        assert messages(session) == []  # not a decision yet
        change_status(session, dossier.reference, DossierStatus.ACTIVE, date(2026, 3, 20))
        change_status(session, dossier.reference, DossierStatus.ACTIVE, date(2026, 3, 21))
        change_status(session, dossier.reference, DossierStatus.SUSPENDED, date(2026, 4, 1))
        change_status(session, dossier.reference, DossierStatus.ACTIVE, date(2026, 4, 8))
        (message,) = messages(session)
        assert (message.topic, message.recipient_id) == ("dossier-decided", citizen.insz)
        assert message.payload["status"] == "active"
        text = rendered(session, message, citizen.language)
    assert text.subject == f"Beslissing over uw dossier {dossier.reference}"
    assert f"OCMW Gent heeft beslist over uw dossier {dossier.reference} (" in text.body
    assert "De beslissing: toegekend, vanaf 20 maart 2026." in text.body


def test_a_refusal_reads_as_a_refusal(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", language="en")
        dossier = open_dossier(
            session, insz=citizen.insz, agency="ocmw", case_type="leefloon", on=TODAY
        )
        change_status(session, dossier.reference, DossierStatus.REFUSED, TODAY)
        (message,) = messages(session)
        text = rendered(session, message, citizen.language)
        kind = session.get(CaseType, "leefloon")
        assert kind is not None
    assert f"on your dossier {dossier.reference} ({kind.name_en})." in text.body
    assert "The decision: refused, from 2 March 2026." in text.body
