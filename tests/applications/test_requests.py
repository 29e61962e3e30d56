"""Requests end to end in the service layer: start, save, resume, submit, and the dossier."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.applications.forms import IDENTITY, SERVICES
from loket.applications.model import RequestDraft
from loket.applications.service import (
    ResumeCodeExpired,
    UnknownResumeCode,
    find_step,
    may_open,
    resume,
    save_step,
    start_request,
    steps_for,
    summary_rows,
)
from loket.applications.submission import IdentityMismatch, IncompleteRequest, submit
from loket.applications.validation import check_field
from loket.cases.dossiers import dossier_history
from loket.cases.model import Dossier
from loket.logins.ratelimit import TooManyAttempts
from loket.people.identifiers import InvalidInsz, validate_insz
from loket.people.model import Address, Citizen
from loket.people.service import NewAddress, add_citizen

NOW = datetime(2026, 3, 2, 10, 0)
INSZ = "85073003328"  # a valid national register number (born 30 July 1985)

NEWCOMER = {
    "insz": "85.07.30-033.28",
    "family_name": "Janssens",
    "given_names": "Lies",
    "birth_date": "30-07-1985",
    "street": "Veldstraat",
    "house_number": "12",
    "box": "",
    "postcode": "9000",
}
LEEFLOON = {
    "household": "alone",
    "children": "0",
    "has_work": "no",
    "monthly_income": "350,00",
    "phone": "",
    "situation": "",
}


def fill(session: Session, draft: RequestDraft, answers: dict[str, str]) -> None:
    """Answer every step in order, as the pages would."""
    for step in steps_for(session, draft):
        errors = save_step(session, draft, step, answers, NOW)
        assert errors == {}, (step.name, errors)


def test_insz_fixture_is_valid() -> None:
    assert validate_insz(INSZ)[0] == INSZ


def test_newcomer_leefloon_opens_dossier_at_competent_ocmw(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        draft, code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        assert [s.name for s in steps_for(session, draft)][:2] == ["identity", "address"]
        fill(session, draft, NEWCOMER | LEEFLOON)
        sent = submit(session, draft, NOW)
        assert sent.office.id == "ocmw-44021"  # Gent
        assert sent.decide_by == date(2026, 4, 1)  # 30 days, by law
        dossier = session.get(Dossier, sent.dossier_id)
        assert dossier is not None and dossier.case_type == "leefloon"
        created = dossier_history(session, dossier.id)[0]
        assert (created.channel, created.actor, created.mandate_id) == ("online", "citizen", None)
        citizen = session.scalar(select(Citizen).where(Citizen.insz == INSZ))
        assert citizen is not None and citizen.family_name == "Janssens"
        address = session.scalar(select(Address).where(Address.citizen_id == citizen.id))
        assert address is not None and address.source == "request"
        assert draft.submitted_at == NOW and draft.dossier_id == dossier.id


def test_submitting_twice_is_refused(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        draft, _code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        fill(session, draft, NEWCOMER | LEEFLOON)
        submit(session, draft, NOW)
        with pytest.raises(ValueError):
            submit(session, draft, NOW)


def test_incomplete_draft_sends_back_to_the_missing_step(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        draft, _code = start_request(session, "tax-question", "fr", "online", today=NOW.date())
        with pytest.raises(IncompleteRequest) as raised:
            submit(session, draft, NOW)
        assert raised.value.step == "identity"


def _register(session: Session) -> Citizen:
    return add_citizen(
        session,
        insz=INSZ,
        family_name="Janssens",
        given_names="Lies",
        birth_date=date(1985, 7, 30),
        address=NewAddress("Kerkstraat", "5", "2000"),
    )


def test_known_insz_with_other_name_is_refused_without_leaking(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        _register(session)
        draft, _code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        fill(session, draft, NEWCOMER | LEEFLOON | {"family_name": "Impostor"})
        with pytest.raises(IdentityMismatch) as raised:
            submit(session, draft, NOW)
        assert "Janssens" not in raised.value.message and "Kerkstraat" not in raised.value.message
        assert draft.dossier_id is None


def test_known_insz_with_matching_identity_uses_registered_address(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        _register(session)
        draft, _code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        # Accents and capitals do not count.
        fill(
            session, draft, NEWCOMER | LEEFLOON | {"family_name": "JANSSENS", "given_names": "Liés"}
        )
        sent = submit(session, draft, NOW)
        assert sent.office.id == "ocmw-11002"  # Antwerpen, where the register says she lives


def test_signed_in_citizen_skips_identity_and_counter_channel_is_recorded(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        citizen = _register(session)
        draft, _code = start_request(
            session,
            "situation-change",
            "nl",
            "counter",
            citizen_id=citizen.id,
            staff_username="clerk-1",
            today=NOW.date(),
        )
        assert [s.name for s in steps_for(session, draft)] == ["change"]
        fill(
            session,
            draft,
            {"change_kind": "work", "change_date": "01-02-2026", "description": "New job"},
        )
        sent = submit(session, draft, NOW)
        created = dossier_history(session, sent.dossier_id)[0]
        assert (created.channel, created.actor) == ("counter", "clerk-1")


def test_ambiguous_postcode_asks_the_municipality(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        draft, _code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        answers = NEWCOMER | LEEFLOON | {"postcode": "1040"}
        for name in ("identity", "address"):
            step = find_step(session, draft, name)
            assert step is not None
            assert save_step(session, draft, step, answers, NOW) == {}
        assert draft.step == "municipality"
        step = find_step(session, draft, "municipality")
        assert step is not None
        assert save_step(session, draft, step, {"municipality": "99999"}, NOW) == {
            "municipality": "Choose your municipality"
        }
        assert save_step(session, draft, step, {"municipality": "21005"}, NOW) == {}
        fill(session, draft, answers | {"municipality": "21005"})
        sent = submit(session, draft, NOW)
        assert sent.office.id == "ocmw-21005"  # Etterbeek


def test_resume_finds_the_draft_and_counts_wrong_codes(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        draft, code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        assert resume(session, code.lower().replace("-", " "), "1.2.3.4", NOW).id == draft.id
        for _ in range(10):
            with pytest.raises(UnknownResumeCode):
                resume(session, "AAAA-BBBB-CCCC", "1.2.3.4", NOW)
        with pytest.raises(TooManyAttempts):
            resume(session, code, "1.2.3.4", NOW)
        # Another client is not blocked, and after a quarter of an hour the client is welcome.
        assert resume(session, code, "5.6.7.8", NOW).id == draft.id
        assert resume(session, code, "1.2.3.4", NOW + timedelta(minutes=16)).id == draft.id


def test_expired_code_is_refused(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        _draft, code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        with pytest.raises(ResumeCodeExpired):
            resume(session, code, "1.2.3.4", NOW + timedelta(days=31))


def test_who_may_open_a_draft(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        newcomer, code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        assert may_open(newcomer, None, None, code)
        assert not may_open(newcomer, None, None, None)
        assert not may_open(newcomer, None, None, "AAAA-BBBB-CCCC")
        citizen = _register(session)
        own, own_code = start_request(
            session, "leefloon", "nl", "online", citizen_id=citizen.id, today=NOW.date()
        )
        assert may_open(own, citizen.id, None, None)
        # A signed-in citizen's draft is not opened by its code alone.
        assert not may_open(own, None, None, own_code)
        assert not may_open(own, citizen.id + 1, None, None)


def test_check_your_answers_shows_labels_of_choices(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        draft, _code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        fill(session, draft, NEWCOMER | LEEFLOON)
        rows = {row.name: row for row in summary_rows(session, draft)}
        assert rows["household"].value == "I live alone" and rows["household"].translate
        assert rows["family_name"].value == "Janssens" and not rows["family_name"].translate
        assert rows["has_work"].value == "No"


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=100
).filter(lambda s: s.strip() == s and s != "")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(family=texts, given_names=texts, situation=texts)
def test_answers_round_trip_through_save_and_resume(
    sessions: sessionmaker[Session], family: str, given_names: str, situation: str
) -> None:
    """Whatever is typed comes back exactly as typed after saving and resuming elsewhere."""
    with sessions.begin() as session:
        draft, code = start_request(session, "leefloon", "nl", "online", today=NOW.date())
        step = find_step(session, draft, "identity")
        assert step is not None
        typed = {"family_name": family, "given_names": given_names, "insz": situation[:20]}
        save_step(session, draft, step, typed, NOW, check=False)
        details = find_step(session, draft, "details")
        assert details is not None
        save_step(session, draft, details, {"situation": situation}, NOW, check=False)
        draft_id = draft.id
    with sessions.begin() as session:
        again = resume(session, code, f"client-{draft_id}", NOW)
        assert again.answers["family_name"] == family
        assert again.answers["given_names"] == given_names
        assert again.answers["situation"] == situation


@given(st.text(max_size=20))
def test_validation_never_accepts_an_invalid_insz(value: str) -> None:
    spec = IDENTITY.fields[0]
    message = check_field(spec, value, NOW.date())
    try:
        validate_insz(value)
    except InvalidInsz:
        assert message is not None
    else:
        assert message is None or len(value) > spec.limit


def test_every_service_names_its_agency_and_case_type() -> None:
    assert {s.kind: (s.agency, s.case_type) for s in SERVICES.values()} == {
        "leefloon": ("ocmw", "leefloon"),
        "tax-question": ("fin", "tax-question"),
        "situation-change": ("ocmw", "situation-change"),
    }
