"""Paper letters for citizens without e-mail, one daily PDF in each reader's language; and
appointment reminders, written once per appointment however often the writer runs."""

import re
from datetime import date, datetime
from io import BytesIO

from factories import citizen_at
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from loket.contact.appointments import book
from loket.notify.channels import Channel
from loket.notify.letters import print_batch
from loket.notify.reminders import write_reminders
from loket.notify.sender import utcnow
from loket.notify.worker import run_once
from loket.store.outbox import OutboxMessage

SENDER = "noreply@loket.example"
DAY = date(2026, 3, 2)


def pages(pdf: bytes) -> list[list[str]]:
    """The text lines of each page, read from the content streams as a PDF reader would."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    found = []
    for kid in reader.root["/Pages"]["/Kids"]:
        content = kid.get_object()["/Contents"].get_object().data
        strings = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", content)
        found.append([re.sub(rb"\\(.)", rb"\1", raw).decode("cp1252") for raw in strings])
    return found


def transferred_to_gent(session: Session, insz: str, reference: str) -> None:
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


def test_the_print_batch_has_one_letter_per_citizen_in_their_language(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        for n, language in enumerate(("nl", "fr", "de")):
            person = citizen_at(session, "9000", language=language)
            transferred_to_gent(session, person.insz, f"letter-{n}")
        with_email = citizen_at(session, "9000", language="en")
        with_email.email = "en@example.org"
        transferred_to_gent(session, with_email.insz, "mail-1")
    summary = run_once(sessions, None, SENDER)
    assert (summary.letters_pending, summary.emails_kept) == (3, 1)
    with sessions.begin() as session:
        batch = print_batch(session, utcnow().date(), utcnow())
    assert (batch.letters, batch.pages) == (3, 3)
    assert batch.languages == {"nl": 1, "fr": 1, "de": 1}
    letters = pages(batch.pdf)
    subjects = sorted(next(line for line in page if "letter-" in line) for page in letters)
    assert subjects == [
        "Ihr Dossier letter-2 wird jetzt von OCMW Gent bearbeitet",
        "Uw dossier letter-0 wordt nu behandeld door OCMW Gent",
        "Votre dossier letter-1 est désormais traité par OCMW Gent",
    ]
    for page in letters:
        # On the paper of the office the dossier moved to, to the citizen's address in Gent.
        assert page[0] == "OCMW Gent"
        assert "An Peeters" in page and "9000 Gent" in page
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        printed = [r for r in rows if r.channel == Channel.LETTER]
        assert len(printed) == 3 and all(r.sent_at is not None for r in printed)
    # Printed once: the next batch is empty.
    with sessions.begin() as session:
        assert print_batch(session, utcnow().date(), utcnow()).letters == 0


def test_each_appointment_gets_one_reminder(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", language="fr")
        citizen_id, insz = citizen.id, citizen.insz
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
        book(session, starts_at=datetime(2026, 3, 2, 9, 0), citizen_id=citizen_id, **common)
        book(session, starts_at=datetime(2026, 3, 2, 10, 0), citizen_id=None, **common)
        book(session, starts_at=datetime(2026, 3, 3, 9, 0), citizen_id=citizen_id, **common)
        # The booking confirmations went out when the appointments were booked.
        confirmed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.topic == "appointment-booked")
            .values(sent_at=utcnow())
        )
        assert confirmed.rowcount == 2
    for _ in range(3):
        with sessions.begin() as session:
            written = write_reminders(session, DAY)
    assert (written.appointments, written.written, written.without_citizen) == (2, 0, 1)
    with sessions() as session:
        reminders = session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic == "appointment-reminder")
        ).all()
        assert [(r.topic, r.recipient_id) for r in reminders] == [("appointment-reminder", insz)]
        assert reminders[0].payload["starts_at"] == "2026-03-02T09:00"
    run_once(sessions, None, SENDER)
    with sessions.begin() as session:
        batch = print_batch(session, utcnow().date(), utcnow())
    (page,) = pages(batch.pdf)
    assert "Rappel : votre rendez-vous le 2 mars 2026, 09:00:00" in page
    assert any(line.startswith("Nous vous attendons le 2 mars 2026") for line in page)
