"""The one decision on releasing a citizen's data to a member of staff, and its log entry.

Every consultation, in the API, on the command line and on the staff pages, goes through
`consult`; nothing else calls the providers.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier, StaffUser
from loket.exchange.authorisations import AuthorisationState, state_on
from loket.exchange.catalogue import (
    TERRITORIAL_AGENCIES,
    DataCategory,
    Purpose,
    role_may_consult,
)
from loket.exchange.log import append_entry
from loket.exchange.model import Authorisation
from loket.exchange.providers import released_fields
from loket.people.identifiers import InvalidInsz, validate_insz
from loket.people.model import Citizen

# Free text from a caller is cut to this length before it goes into the log.
LOGGED_TEXT_LIMIT = 40


class DenialReason(StrEnum):
    UNKNOWN_CATEGORY = "unknown-category"
    UNKNOWN_PURPOSE = "unknown-purpose"
    ROLE_NOT_ALLOWED = "role-not-allowed"
    NO_AUTHORISATION = "no-authorisation"
    AUTHORISATION_NOT_YET_VALID = "authorisation-not-yet-valid"
    AUTHORISATION_EXPIRED = "authorisation-expired"
    AUTHORISATION_REVOKED = "authorisation-revoked"
    UNKNOWN_CITIZEN = "unknown-citizen"
    NO_OPEN_DOSSIER = "no-open-dossier"
    DOSSIER_OF_ANOTHER_CITIZEN = "dossier-of-another-citizen"
    DOSSIER_CLOSED = "dossier-closed"
    DOSSIER_TYPE_NOT_ALLOWED = "dossier-type-not-allowed"
    DOSSIER_OF_ANOTHER_OFFICE = "dossier-of-another-office"


_STATE_REASONS = {
    AuthorisationState.NOT_YET_VALID: DenialReason.AUTHORISATION_NOT_YET_VALID,
    AuthorisationState.EXPIRED: DenialReason.AUTHORISATION_EXPIRED,
    AuthorisationState.REVOKED: DenialReason.AUTHORISATION_REVOKED,
}


@dataclass(frozen=True)
class Consultation:
    """The answer to one consultation: the released fields, or why nothing was released."""

    granted: bool
    category: str
    purpose: str
    log_seq: int
    message: str
    reason: DenialReason | None = None
    authorisation_id: int | None = None
    legal_basis: str | None = None
    dossier: str | None = None
    visible_from: date | None = None
    fields: dict[str, Any] | None = field(default=None)

    def as_json(self) -> dict[str, Any]:
        return {
            "granted": self.granted,
            "category": self.category,
            "purpose": self.purpose,
            "authorisation": self.authorisation_id,
            "legal_basis": self.legal_basis,
            "dossier": self.dossier,
            "log_seq": self.log_seq,
            "reason": self.reason.value if self.reason else None,
            "message": self.message,
            "fields": self.fields,
        }


class _Denied(Exception):
    def __init__(self, reason: DenialReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class _Attempt:
    """What is known about an attempt so far; all of it goes into the log entry."""

    citizen: str | None = None
    citizen_id: int | None = None
    authorisation: Authorisation | None = None
    dossier: str | None = None


def _dossier_problem(
    session: Session, actor: StaffUser, dossier: Dossier, citizen_id: int, auth: Authorisation
) -> _Denied | None:
    if dossier.citizen_id != citizen_id:
        return _Denied(
            DenialReason.DOSSIER_OF_ANOTHER_CITIZEN,
            f"dossier: {dossier.reference} is a dossier of another citizen",
        )
    if dossier.status not in OPEN_STATUSES:
        return _Denied(
            DenialReason.DOSSIER_CLOSED, f"dossier: {dossier.reference} is {dossier.status}"
        )
    if auth.dossier_types and dossier.case_type not in auth.dossier_types:
        allowed = ", ".join(auth.dossier_types)
        return _Denied(
            DenialReason.DOSSIER_TYPE_NOT_ALLOWED,
            f"dossier: {dossier.reference} is a {dossier.case_type} dossier; authorisation "
            f"{auth.id} allows {allowed}",
        )
    if (
        actor.agency_code in TERRITORIAL_AGENCIES
        and actor.office_id is not None
        and dossier.office_id != actor.office_id
    ):
        return _Denied(
            DenialReason.DOSSIER_OF_ANOTHER_OFFICE,
            f"dossier: {dossier.reference} is handled by {dossier.office_id}, "
            f"not by your office {actor.office_id}",
        )
    return None


def _justifying_dossier(
    session: Session,
    actor: StaffUser,
    citizen_id: int,
    auth: Authorisation,
    reference: str | None,
) -> Dossier:
    """The dossier that justifies the consultation under `auth`, or _Denied saying why none."""
    if reference is not None:
        dossier = session.scalar(
            select(Dossier).where(
                Dossier.reference == reference, Dossier.agency_code == actor.agency_code
            )
        )
        if dossier is None:
            # A dossier of another agency is answered like a missing one: it is not theirs.
            raise _Denied(
                DenialReason.NO_OPEN_DOSSIER,
                f"dossier: {actor.agency_code} has no dossier {reference[:LOGGED_TEXT_LIMIT]!r}",
            )
        problem = _dossier_problem(session, actor, dossier, citizen_id, auth)
        if problem is not None:
            raise problem
        return dossier
    candidates = session.scalars(
        select(Dossier)
        .where(Dossier.citizen_id == citizen_id, Dossier.agency_code == actor.agency_code)
        .order_by(Dossier.reference)
    )
    for dossier in candidates:
        if _dossier_problem(session, actor, dossier, citizen_id, auth) is None:
            return dossier
    raise _Denied(
        DenialReason.NO_OPEN_DOSSIER,
        f"dossier: {actor.agency_code} has no open dossier for this citizen that allows it",
    )


def _decide(
    session: Session,
    actor: StaffUser,
    insz: str,
    category: str,
    purpose: str,
    reference: str | None,
    day: date,
    attempt: _Attempt,
) -> DataCategory:
    if category not in set(DataCategory):
        raise _Denied(DenialReason.UNKNOWN_CATEGORY, f"category: {category!r} is unknown")
    if purpose not in set(Purpose):
        raise _Denied(DenialReason.UNKNOWN_PURPOSE, f"purpose: {purpose!r} is unknown")
    wanted = DataCategory(category)
    if not role_may_consult(actor.role, wanted):
        raise _Denied(
            DenialReason.ROLE_NOT_ALLOWED, f"category: the role {actor.role} may not consult it"
        )
    try:
        attempt.citizen = validate_insz(insz)[0]
    except InvalidInsz:
        attempt.citizen = None
    authorisations = list(
        session.scalars(
            select(Authorisation)
            .where(
                Authorisation.grantee_agency == actor.agency_code,
                Authorisation.category == category,
                Authorisation.purpose == purpose,
            )
            .order_by(Authorisation.id.desc())
        )
    )
    if not authorisations:
        raise _Denied(
            DenialReason.NO_AUTHORISATION,
            f"{actor.agency_code} has no authorisation to consult {category} for {purpose}",
        )
    valid = [a for a in authorisations if state_on(a, day) is AuthorisationState.VALID]
    if not valid:
        latest = authorisations[0]
        attempt.authorisation = latest
        state = state_on(latest, day)
        raise _Denied(_STATE_REASONS[state], f"authorisation {latest.id} is {state} on {day}")
    attempt.authorisation = valid[0]
    citizen = (
        session.scalar(select(Citizen).where(Citizen.insz == attempt.citizen))
        if attempt.citizen
        else None
    )
    if citizen is None:
        raise _Denied(DenialReason.UNKNOWN_CITIZEN, "insz: no citizen is registered with it")
    attempt.citizen_id = citizen.id
    first_problem: _Denied | None = None
    for auth in valid:
        if not auth.requires_open_dossier:
            attempt.authorisation = auth
            attempt.dossier = reference[:LOGGED_TEXT_LIMIT] if reference else None
            return wanted
        try:
            dossier = _justifying_dossier(session, actor, citizen.id, auth, reference)
        except _Denied as denied:
            first_problem = first_problem or denied
            continue
        attempt.authorisation = auth
        attempt.dossier = dossier.reference
        return wanted
    assert first_problem is not None
    if reference is not None:
        attempt.dossier = reference[:LOGGED_TEXT_LIMIT]
    raise first_problem


def consult(
    session: Session,
    actor: StaffUser,
    insz: str,
    category: str,
    purpose: str,
    dossier_reference: str | None,
    on: date | None = None,
) -> Consultation:
    """Release one data category about one citizen to a member of staff, or refuse it.

    The data is released only when all of these hold on the day of the consultation:

    1. the data category and the purpose are ones the catalogue knows;
    2. the staff member's role may consult that category at all (case workers may consult every
       category, counter clerks only identity and address; privacy officers, analysts,
       managers and administrators may not consult personal data);
    3. the staff member's agency holds an authorisation for that category and that purpose
       which has started, has not ended and has not been revoked on that day;
    4. the citizen is registered;
    5. when the authorisation requires an open dossier: the agency has a dossier for that
       citizen (the one named, or else any that qualifies) that is open (not closed or
       refused), of a type the authorisation allows (any type when it names none), and, for
       agencies competent by territory (welfare centres, FPS Finance), handled by the staff
       member's own office when the staff member belongs to an office.

    Otherwise nothing is released and the answer gives the first condition that failed.

    Every attempt, released or refused, adds exactly one entry to the access log, in the
    caller's transaction and before any data is read for release: if the entry cannot be
    written, the error propagates and nothing is released. The citizen sees the entry from the
    day of the consultation, or later when the authorisation sets an embargo (so as not to
    warn someone under investigation).
    """
    day = on or date.today()
    attempt = _Attempt()
    denied: _Denied | None = None
    wanted: DataCategory | None = None
    try:
        wanted = _decide(session, actor, insz, category, purpose, dossier_reference, day, attempt)
    except _Denied as error:
        denied = error
    auth = attempt.authorisation
    embargo = auth.embargo_days if auth is not None else 0
    visible_from = day + timedelta(days=embargo)
    entry = append_entry(
        session,
        {
            "kind": "consultation",
            "actor": actor.username,
            "office": actor.office_id,
            "agency": actor.agency_code,
            "citizen": attempt.citizen,
            "category": category[:LOGGED_TEXT_LIMIT],
            "purpose": purpose[:LOGGED_TEXT_LIMIT],
            "authorisation": auth.id if auth is not None else None,
            "legal_basis": auth.legal_basis if auth is not None else None,
            "dossier": attempt.dossier,
            "outcome": "denied" if denied else "granted",
            "reason": denied.reason.value if denied else None,
            "visible_from": visible_from.isoformat(),
        },
    )
    common: dict[str, Any] = {
        "category": category,
        "purpose": purpose,
        "log_seq": entry.seq,
        "authorisation_id": auth.id if auth is not None else None,
        "legal_basis": auth.legal_basis if auth is not None else None,
        "dossier": attempt.dossier,
        "visible_from": visible_from,
    }
    if denied is not None:
        return Consultation(granted=False, reason=denied.reason, message=denied.message, **common)
    assert wanted is not None and attempt.citizen_id is not None
    citizen = session.get(Citizen, attempt.citizen_id)
    assert citizen is not None
    fields = released_fields(session, citizen, wanted)
    return Consultation(granted=True, message="released", fields=fields, **common)
