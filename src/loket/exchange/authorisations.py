"""Authorisations to consult another agency's data: granting, revoking and listing them.

An authorisation names one grantee agency, one data category and one purpose, with its legal
basis and the days it is valid (both ends included). Revoking it ends it from a given day on; it
is never deleted, so the access log can always name the authorisation a release relied on.
"""

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Agency, CaseType
from loket.exchange.catalogue import category_codes, purpose_codes
from loket.exchange.model import Authorisation

MAX_EMBARGO_DAYS = 3650
LEGAL_BASIS_LIMIT = 2000
LEGAL_REFERENCE_LIMIT = 200
NAME_LIMIT = 64


class AuthorisationError(ValueError):
    """An authorisation request that cannot be carried out; the message names the parameter."""


class UnknownAuthorisation(AuthorisationError):
    def __init__(self, authorisation_id: int) -> None:
        super().__init__(f"id: no authorisation {authorisation_id}")


class AuthorisationState(StrEnum):
    VALID = "valid"
    NOT_YET_VALID = "not-yet-valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def state_on(authorisation: Authorisation, day: date) -> AuthorisationState:
    """An authorisation is valid from `valid_from` to `valid_to` included, unless it was revoked
    on or before that day."""
    if authorisation.revoked_on is not None and authorisation.revoked_on <= day:
        return AuthorisationState.REVOKED
    if day < authorisation.valid_from:
        return AuthorisationState.NOT_YET_VALID
    if authorisation.valid_to is not None and day > authorisation.valid_to:
        return AuthorisationState.EXPIRED
    return AuthorisationState.VALID


def _text(name: str, value: str | None, limit: int, *, required: bool) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise AuthorisationError(f"{name}: must not be empty")
        return None
    if len(cleaned) > limit:
        raise AuthorisationError(f"{name}: is longer than {limit} characters")
    return cleaned


def grant(
    session: Session,
    grantee_agency: str,
    category: str,
    purpose: str,
    legal_basis: str,
    valid_from: date,
    valid_to: date | None = None,
    requires_open_dossier: bool = True,
    dossier_types: Sequence[str] = (),
    embargo_days: int = 0,
    legal_reference: str | None = None,
    granted_by: str = "cli",
) -> Authorisation:
    """Record an authorisation and return it (flushed, so it has its id)."""
    if session.get(Agency, grantee_agency) is None:
        known = ", ".join(session.scalars(select(Agency.code).order_by(Agency.code)))
        raise AuthorisationError(f"agency: {grantee_agency!r} is unknown; known: {known}")
    if category not in category_codes():
        raise AuthorisationError(
            f"category: {category!r} is not one of {', '.join(category_codes())}"
        )
    if purpose not in purpose_codes():
        raise AuthorisationError(f"purpose: {purpose!r} is not one of {', '.join(purpose_codes())}")
    basis = _text("legal-basis", legal_basis, LEGAL_BASIS_LIMIT, required=True)
    reference = _text("legal-reference", legal_reference, LEGAL_REFERENCE_LIMIT, required=False)
    by = _text("granted-by", granted_by, NAME_LIMIT, required=True)
    if valid_to is not None and valid_to < valid_from:
        raise AuthorisationError(f"to: {valid_to} is before the first valid day {valid_from}")
    types = list(dict.fromkeys(dossier_types))
    if types and not requires_open_dossier:
        raise AuthorisationError("dossier-type: only applies when an open dossier is required")
    for code in types:
        kind = session.get(CaseType, code)
        if kind is None or kind.agency_code != grantee_agency:
            raise AuthorisationError(
                f"dossier-type: {code!r} is not a case type of {grantee_agency}"
            )
    if isinstance(embargo_days, bool) or not 0 <= embargo_days <= MAX_EMBARGO_DAYS:
        raise AuthorisationError(f"embargo-days: {embargo_days} is not in 0..{MAX_EMBARGO_DAYS}")
    assert basis is not None and by is not None
    authorisation = Authorisation(
        grantee_agency=grantee_agency,
        category=category,
        purpose=purpose,
        legal_basis=basis,
        legal_reference=reference,
        valid_from=valid_from,
        valid_to=valid_to,
        requires_open_dossier=requires_open_dossier,
        dossier_types=types,
        embargo_days=embargo_days,
        granted_by=by,
    )
    session.add(authorisation)
    session.flush()
    return authorisation


def revoke(
    session: Session, authorisation_id: int, on: date, by: str, reason: str
) -> Authorisation:
    """End an authorisation from day `on` (included); consultations before it stay lawful."""
    authorisation = session.get(Authorisation, authorisation_id, with_for_update=True)
    if authorisation is None:
        raise UnknownAuthorisation(authorisation_id)
    if authorisation.revoked_on is not None:
        raise AuthorisationError(
            f"id: authorisation {authorisation_id} was already revoked on "
            f"{authorisation.revoked_on}"
        )
    why = _text("reason", reason, LEGAL_BASIS_LIMIT, required=True)
    who = _text("by", by, NAME_LIMIT, required=True)
    authorisation.revoked_on = on
    authorisation.revoked_by = who
    authorisation.revocation_reason = why
    session.flush()
    return authorisation


def list_authorisations(
    session: Session,
    agency: str | None = None,
    category: str | None = None,
    purpose: str | None = None,
    valid_on: date | None = None,
) -> list[Authorisation]:
    """Authorisations in the order they were granted, optionally filtered; with `valid_on`,
    only those valid that day."""
    query = select(Authorisation).order_by(Authorisation.id)
    if agency is not None:
        query = query.where(Authorisation.grantee_agency == agency)
    if category is not None:
        query = query.where(Authorisation.category == category)
    if purpose is not None:
        query = query.where(Authorisation.purpose == purpose)
    found = list(session.scalars(query))
    if valid_on is not None:
        found = [a for a in found if state_on(a, valid_on) is AuthorisationState.VALID]
    return found


def authorisation_as_json(authorisation: Authorisation) -> dict[str, object]:
    return {
        "id": authorisation.id,
        "agency": authorisation.grantee_agency,
        "category": authorisation.category,
        "purpose": authorisation.purpose,
        "legal_basis": authorisation.legal_basis,
        "legal_reference": authorisation.legal_reference,
        "valid_from": authorisation.valid_from.isoformat(),
        "valid_to": authorisation.valid_to.isoformat() if authorisation.valid_to else None,
        "requires_open_dossier": authorisation.requires_open_dossier,
        "dossier_types": list(authorisation.dossier_types),
        "embargo_days": authorisation.embargo_days,
        "granted_by": authorisation.granted_by,
        "revoked_on": authorisation.revoked_on.isoformat() if authorisation.revoked_on else None,
        "revocation_reason": authorisation.revocation_reason,
    }
