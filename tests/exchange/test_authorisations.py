"""Granting, revoking and listing authorisations; every wrong parameter is named."""

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from loket.exchange.authorisations import (
    AuthorisationError,
    AuthorisationState,
    UnknownAuthorisation,
    grant,
    list_authorisations,
    revoke,
    state_on,
)

BASIS = "Art. 11bis Organieke wet OCMW; beraadslaging IVC 22/045"
GOOD = {
    "grantee_agency": "ocmw",
    "category": "income-tax",
    "purpose": "leefloon-eligibility",
    "legal_basis": BASIS,
    "valid_from": date(2025, 1, 1),
}


@pytest.fixture
def session(sessions: sessionmaker[Session]):
    with sessions.begin() as session:
        yield session


def test_a_grant_is_stored_with_everything_it_says(session):
    made = grant(
        session,
        **GOOD,
        valid_to=date(2025, 12, 31),
        dossier_types=["leefloon"],
        embargo_days=30,
        legal_reference="BS 2022-03-01",
        granted_by="privacy",
    )
    assert made.id
    assert (made.dossier_types, made.embargo_days, made.requires_open_dossier) == (
        ["leefloon"],
        30,
        True,
    )
    assert list_authorisations(session, agency="ocmw") == [made]
    assert list_authorisations(session, agency="fin") == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"grantee_agency": "nasa"}, "agency:"),
        ({"category": "shoe-size"}, "category:"),
        ({"purpose": "curiosity"}, "purpose:"),
        ({"legal_basis": "  "}, "legal-basis:"),
        ({"legal_basis": "x" * 2001}, "legal-basis:"),
        ({"valid_to": date(2024, 12, 31)}, "to:"),
        ({"dossier_types": ["tax-collection"]}, "dossier-type:"),
        ({"dossier_types": ["leefloon"], "requires_open_dossier": False}, "dossier-type:"),
        ({"embargo_days": -1}, "embargo-days:"),
        ({"embargo_days": 100_000}, "embargo-days:"),
        ({"legal_reference": "r" * 201}, "legal-reference:"),
        ({"granted_by": ""}, "granted-by:"),
    ],
)
def test_a_wrong_parameter_is_refused_naming_it(session, change, named):
    with pytest.raises(AuthorisationError) as error:
        grant(session, **{**GOOD, **change})
    assert str(error.value).startswith(named)


def test_validity_runs_from_the_first_to_the_last_day_included(session):
    made = grant(session, **{**GOOD, "valid_to": date(2025, 6, 30)})
    assert state_on(made, date(2024, 12, 31)) is AuthorisationState.NOT_YET_VALID
    assert state_on(made, date(2025, 1, 1)) is AuthorisationState.VALID
    assert state_on(made, date(2025, 6, 30)) is AuthorisationState.VALID
    assert state_on(made, date(2025, 7, 1)) is AuthorisationState.EXPIRED


def test_revocation_ends_it_from_its_day_and_only_once(session):
    made = grant(session, **GOOD)
    revoke(session, made.id, date(2025, 3, 1), "privacy", "the deliberation was annulled")
    assert state_on(made, date(2025, 2, 28)) is AuthorisationState.VALID
    assert state_on(made, date(2025, 3, 1)) is AuthorisationState.REVOKED
    assert made.revocation_reason == "the deliberation was annulled"
    assert list_authorisations(session, valid_on=date(2025, 3, 1)) == []
    with pytest.raises(AuthorisationError, match="^id: .* already revoked"):
        revoke(session, made.id, date(2025, 4, 1), "privacy", "again")


def test_revoking_needs_a_known_id_and_a_reason(session):
    with pytest.raises(UnknownAuthorisation, match="^id:"):
        revoke(session, 999, date(2025, 3, 1), "privacy", "why")
    made = grant(session, **GOOD)
    with pytest.raises(AuthorisationError, match="^reason:"):
        revoke(session, made.id, date(2025, 3, 1), "privacy", "")
