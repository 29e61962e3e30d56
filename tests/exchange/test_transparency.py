"""What the citizen sees of the access log: who consulted what, why and on which basis, never the
civil servant's name; entries under embargo only from their day; flags for the privacy officer."""

import json
from datetime import date, timedelta

import pytest
from factories import citizen_at, open_dossiers
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import StaffUser
from loket.exchange.authorisations import grant
from loket.exchange.consult import consult
from loket.exchange.model import AccessLogEntry
from loket.exchange.transparency import (
    UnknownEntry,
    citizen_access_log,
    flag_entry,
    open_flags,
)

DAY = date(2025, 5, 5)
BASIS = "Art. 19 Wet 26 mei 2002 betreffende het recht op maatschappelijke integratie"
OFFICE = "ocmw-44021"


@pytest.fixture
def session(sessions: sessionmaker[Session]):
    with sessions.begin() as session:
        yield session


def scene(session: Session, embargo_days: int = 0) -> tuple[str, StaffUser]:
    citizen = citizen_at(session, "9000")
    open_dossiers(session, citizen, ("leefloon",), office_id=OFFICE)
    worker = StaffUser(
        username="jan.janssens",
        role="case-worker",
        agency_code="ocmw",
        office_id=OFFICE,
        token_id="jan",
        token_hash="not-a-token",
    )
    session.add(worker)
    grant(
        session,
        "ocmw",
        "income-tax",
        "leefloon-eligibility",
        BASIS,
        date(2025, 1, 1),
        embargo_days=embargo_days,
    )
    return citizen.insz, worker


def lines(session: Session, insz: str, today: date) -> list[dict]:
    return [line.as_json() for line in citizen_access_log(session, insz, today)]


def test_the_citizen_sees_agency_office_purpose_and_basis_but_no_name(session):
    insz, worker = scene(session)
    result = consult(session, worker, insz, "income-tax", "leefloon-eligibility", None, on=DAY)
    [line] = lines(session, insz, DAY)
    assert line["seq"] == result.log_seq
    assert line["agency"]["code"] == "ocmw"
    assert line["office"]["id"] == OFFICE and line["office"]["name"]
    assert (line["category"], line["purpose"], line["outcome"]) == (
        "income-tax",
        "leefloon-eligibility",
        "granted",
    )
    assert line["legal_basis"] == BASIS
    assert line["authorisation"] == result.authorisation_id
    assert "jan" not in json.dumps(line).lower()


def test_a_refused_attempt_is_shown_too(session):
    insz, worker = scene(session)
    consult(session, worker, insz, "property", "leefloon-eligibility", None, on=DAY)
    [line] = lines(session, insz, DAY)
    assert (line["category"], line["outcome"]) == ("property", "denied")


def test_under_an_embargo_the_entry_appears_only_from_its_day(session):
    insz, worker = scene(session, embargo_days=30)
    consult(session, worker, insz, "income-tax", "leefloon-eligibility", None, on=DAY)
    assert lines(session, insz, DAY) == []
    assert lines(session, insz, DAY + timedelta(days=29)) == []
    assert len(lines(session, insz, DAY + timedelta(days=30))) == 1


def test_reading_the_log_is_itself_logged(session):
    insz, _ = scene(session)
    count = (
        select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.kind == "self-view")
    )
    assert session.scalar(count) == 0
    lines(session, insz, DAY)
    lines(session, insz, DAY)
    assert session.scalar(count) == 2
    # A self-view is not shown back as a consultation.
    assert lines(session, insz, DAY) == []


def test_a_citizen_flags_their_own_entry_for_the_privacy_officer(session):
    insz, worker = scene(session)
    seq = consult(session, worker, insz, "income-tax", "leefloon-eligibility", None, on=DAY).log_seq
    flag = flag_entry(session, insz, seq, "I never asked for help from the OCMW", today=DAY)
    assert flag_entry(session, insz, seq, "again", today=DAY).id == flag.id
    [open_flag] = open_flags(session)
    assert (open_flag.seq, open_flag.citizen) == (seq, insz)
    # The privacy officer sees who consulted, to investigate.
    assert open_flag.entry["actor"] == "jan.janssens"


def test_nobody_flags_an_entry_about_someone_else_or_one_not_yet_visible(session):
    insz, worker = scene(session, embargo_days=10)
    seq = consult(session, worker, insz, "income-tax", "leefloon-eligibility", None, on=DAY).log_seq
    stranger = citizen_at(session, "2000").insz
    with pytest.raises(UnknownEntry):
        flag_entry(session, stranger, seq, "not mine", today=DAY + timedelta(days=10))
    with pytest.raises(UnknownEntry):
        flag_entry(session, insz, seq, "too early", today=DAY)
    with pytest.raises(UnknownEntry):
        flag_entry(session, insz, 9999, "no such entry", today=DAY)
    assert open_flags(session) == []
