"""One consultation at a time: what is released, each reason for a refusal, the log entry every
attempt leaves, and that nothing is released when the log cannot be written."""

import json
from datetime import date

import pytest
from factories import citizen_at, next_insz, open_dossiers
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.choices import DossierStatus
from loket.cases.dossiers import change_status
from loket.cases.model import StaffUser
from loket.exchange import consult as consult_module
from loket.exchange.authorisations import grant, revoke
from loket.exchange.catalogue import DataCategory
from loket.exchange.consult import Consultation, DenialReason, consult
from loket.exchange.model import (
    AccessLogEntry,
    EmploymentStatus,
    PropertyParcel,
    TaxAssessment,
)
from loket.people.model import Citizen

DAY = date(2025, 3, 10)
GENT_OCMW = "ocmw-44021"
ANTWERPEN_OCMW = "ocmw-11002"


def staff(
    session: Session, username: str, role: str, agency: str, office: str | None = None
) -> StaffUser:
    """A staff user without a usable token: consultations here do not go through HTTP."""
    user = StaffUser(
        username=username,
        role=role,
        agency_code=agency,
        office_id=office,
        token_id=username[:16],
        token_hash="not-a-token",
    )
    session.add(user)
    session.flush()
    return user


def authorise(session: Session, agency: str = "ocmw", category: str = "income-tax", **kw) -> int:
    options = {
        "purpose": "leefloon-eligibility",
        "legal_basis": "Art. 100 Wet Kruispuntbank Sociale Zekerheid; beraadslaging 24/123",
        "valid_from": date(2025, 1, 1),
        **kw,
    }
    return grant(session, agency, category, **options).id


def log_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0)


def last_body(session: Session) -> dict:
    entry = session.scalar(select(AccessLogEntry).order_by(AccessLogEntry.seq.desc()).limit(1))
    assert entry is not None
    return json.loads(entry.body)


class World:
    """An OCMW case worker in Gent, a citizen with an open leefloon dossier there, and an
    authorisation for OCMWs to read income tax to check leefloon eligibility."""

    def __init__(self, session: Session) -> None:
        self.session = session
        citizen = citizen_at(session, "9000")
        self.insz = citizen.insz
        self.citizen_id = citizen.id
        session.add(
            TaxAssessment(
                citizen_id=citizen.id,
                income_year=2024,
                taxable_income_eur=18000.0,
                tax_due_eur=2800.0,
                status="final",
            )
        )
        self.dossier = open_dossiers(session, citizen, ("leefloon",), office_id=GENT_OCMW)[
            "leefloon"
        ].reference
        self.worker = staff(session, "an.worker", "case-worker", "ocmw", GENT_OCMW)
        self.authorisation = authorise(session)

    def consult(self, **kw) -> Consultation:
        args = {
            "actor": self.worker,
            "insz": self.insz,
            "category": "income-tax",
            "purpose": "leefloon-eligibility",
            "dossier_reference": self.dossier,
            "on": DAY,
            **kw,
        }
        return consult(self.session, **args)


@pytest.fixture
def world(sessions: sessionmaker[Session]):
    with sessions.begin() as session:
        yield World(session)


def test_a_case_worker_with_authorisation_and_open_dossier_gets_exactly_the_fields(world):
    before = log_count(world.session)
    result = world.consult()
    assert result.granted and result.reason is None
    assert result.fields == {
        "assessments": [
            {
                "income_year": 2024,
                "taxable_income_eur": 18000.0,
                "tax_due_eur": 2800.0,
                "status": "final",
            }
        ]
    }
    assert log_count(world.session) == before + 1
    body = last_body(world.session)
    assert body == {
        **body,
        "kind": "consultation",
        "actor": "an.worker",
        "office": GENT_OCMW,
        "agency": "ocmw",
        "citizen": world.insz,
        "category": "income-tax",
        "purpose": "leefloon-eligibility",
        "authorisation": world.authorisation,
        "dossier": world.dossier,
        "outcome": "granted",
        "reason": None,
        "visible_from": DAY.isoformat(),
    }
    assert body["legal_basis"].startswith("Art. 100")


def test_without_a_dossier_reference_an_open_dossier_of_the_agency_is_found(world):
    result = world.consult(dossier_reference=None)
    assert result.granted
    assert result.dossier == world.dossier


def other_citizen_dossier(session: Session) -> str:
    other = citizen_at(session, "9000")
    return open_dossiers(session, other, ("leefloon",), office_id=GENT_OCMW)["leefloon"].reference


DENIALS = {
    "unknown-category": lambda w: w.consult(category="shoe-size"),
    "unknown-purpose": lambda w: w.consult(purpose="curiosity"),
    "role-not-allowed": lambda w: w.consult(
        actor=staff(w.session, "clerk", "counter-clerk", "ocmw", GENT_OCMW)
    ),
    "no-authorisation": lambda w: w.consult(category="property"),
    "authorisation-not-yet-valid": lambda w: w.consult(on=date(2024, 12, 31)),
    "unknown-citizen": lambda w: w.consult(insz=next_insz()),
    "no-open-dossier": lambda w: w.consult(dossier_reference="OCMW-44021-2024-999999"),
    "dossier-of-another-citizen": lambda w: w.consult(
        dossier_reference=other_citizen_dossier(w.session)
    ),
    "dossier-of-another-office": lambda w: w.consult(
        actor=staff(w.session, "antwerp", "case-worker", "ocmw", ANTWERPEN_OCMW)
    ),
}


@pytest.mark.parametrize("reason", list(DENIALS))
def test_each_refusal_names_its_reason_is_logged_and_releases_nothing(world, reason):
    attempt = DENIALS[reason]
    before = log_count(world.session)
    result = attempt(world)
    assert not result.granted
    assert result.reason == DenialReason(reason)
    assert result.message
    assert result.fields is None
    assert log_count(world.session) == before + 1
    body = last_body(world.session)
    assert (body["kind"], body["outcome"], body["reason"]) == ("consultation", "denied", reason)


def test_the_privacy_officer_sees_the_log_not_the_data(world):
    officer = staff(world.session, "privacy", "privacy-officer", "ocmw")
    result = world.consult(actor=officer, category="identity")
    assert result.reason is DenialReason.ROLE_NOT_ALLOWED


def test_a_counter_clerk_may_read_identity_and_address_only(world):
    clerk = staff(world.session, "clerk", "counter-clerk", "ocmw", GENT_OCMW)
    authorise(world.session, category="identity")
    assert world.consult(actor=clerk, category="identity").granted
    assert world.consult(actor=clerk).reason is DenialReason.ROLE_NOT_ALLOWED


def test_an_expired_authorisation_releases_nothing(world):
    authorise(world.session, category="property", valid_to=date(2025, 2, 28))
    result = world.consult(category="property")
    assert result.reason is DenialReason.AUTHORISATION_EXPIRED


def test_a_revoked_authorisation_releases_nothing_from_the_day_of_revocation(world):
    revoke(
        world.session, world.authorisation, date(2025, 3, 10), "privacy", "deliberation annulled"
    )
    assert world.consult(on=date(2025, 3, 9)).granted
    assert world.consult().reason is DenialReason.AUTHORISATION_REVOKED


def test_a_closed_dossier_releases_nothing(world):
    change_status(world.session, world.dossier, DossierStatus.CLOSED, on=date(2025, 2, 1))
    assert world.consult().reason is DenialReason.DOSSIER_CLOSED
    assert world.consult(dossier_reference=None).reason is DenialReason.NO_OPEN_DOSSIER


def test_a_dossier_of_a_type_the_authorisation_does_not_name_releases_nothing(world):
    citizen = world.session.get(Citizen, world.citizen_id)
    debt = open_dossiers(world.session, citizen, ("debt-mediation",), office_id=GENT_OCMW)
    authorise(world.session, category="employment", dossier_types=["leefloon"])
    reference = debt["debt-mediation"].reference
    result = world.consult(category="employment", dossier_reference=reference)
    assert result.reason is DenialReason.DOSSIER_TYPE_NOT_ALLOWED
    # Without a reference the leefloon dossier, of an allowed type, justifies it.
    assert world.consult(category="employment", dossier_reference=None).granted


def test_a_dossier_of_another_agency_is_answered_as_no_dossier(world):
    citizen = world.session.get(Citizen, world.citizen_id)
    tax = open_dossiers(world.session, citizen, ("tax-collection",))["tax-collection"]
    result = world.consult(dossier_reference=tax.reference)
    assert result.reason is DenialReason.NO_OPEN_DOSSIER
    assert "tax" not in result.message.lower()


def test_an_authorisation_without_dossier_requirement_needs_no_dossier(world):
    authorise(world.session, category="address", requires_open_dossier=False)
    no_dossier = citizen_at(world.session, "2000")
    result = world.consult(category="address", insz=no_dossier.insz, dossier_reference=None)
    assert result.granted
    assert result.fields is not None
    assert result.fields["postcode"] == "2000"
    assert result.fields["municipality"] == "11002"


def test_an_invalid_insz_is_refused_and_logged_without_the_number(world):
    result = world.consult(insz="12345678901234567890")
    assert result.reason is DenialReason.UNKNOWN_CITIZEN
    assert last_body(world.session)["citizen"] is None


@pytest.mark.parametrize("category", [c.value for c in DataCategory])
def test_every_category_releases_exactly_its_catalogue_fields(world, category):
    session = world.session
    session.add(
        PropertyParcel(
            citizen_id=world.citizen_id,
            capakey="44021A0012/00A000",
            municipality_refnis="44021",
            cadastral_income_eur=950.0,
            share_percent=100.0,
        )
    )
    session.add(
        EmploymentStatus(citizen_id=world.citizen_id, status="unemployed", since=date(2024, 5, 1))
    )
    if category != "income-tax":
        authorise(session, category=category)
    result = world.consult(category=category)
    assert result.granted, result.message
    assert result.fields is not None
    assert tuple(result.fields) == DataCategory(category).info.fields


def test_when_the_log_cannot_be_written_nothing_is_released(world, monkeypatch):
    released = []

    def broken_log(session, body, recorded_at=None):
        raise RuntimeError("disk full")

    def spy(session, citizen, category):
        released.append(category)
        return {}

    monkeypatch.setattr(consult_module, "append_entry", broken_log)
    monkeypatch.setattr(consult_module, "released_fields", spy)
    before = log_count(world.session)
    with pytest.raises(RuntimeError, match="disk full"):
        world.consult()
    assert released == []
    assert log_count(world.session) == before


def test_a_refusal_is_stored_even_though_no_data_leaves(sessions):
    with sessions.begin() as session:
        world = World(session)
        seq = world.consult(category="property").log_seq
    with sessions() as session:
        entry = session.get(AccessLogEntry, seq)
        assert entry is not None and entry.outcome == "denied"
