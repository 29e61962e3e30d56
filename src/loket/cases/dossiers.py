"""Opening dossiers, changing their status and reading them with their history."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loket.cases.choices import DossierStatus, EventKind
from loket.cases.decisions import notify_decision
from loket.cases.model import CaseType, Dossier, DossierEvent, Office, ReferenceCounter
from loket.cases.routing import Router
from loket.insight.caseload_refresh import count_decision, count_opened
from loket.insight.deadlines import decision_due_on
from loket.people.service import current_address, get_citizen


class DossierError(ValueError):
    """A dossier request that cannot be carried out; the message names the field."""


class UnknownDossier(DossierError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"reference: no dossier {reference!r}")


def next_reference(session: Session, office_id: str, year: int) -> str:
    """A readable reference such as OCMW-11002-2026-000123, numbered per office and year."""
    prefix = office_id.upper()
    counter = session.get(ReferenceCounter, (prefix, year), with_for_update=True)
    if counter is None:
        # Two clerks may open the first dossier of the year at once: one insert wins, the other
        # reads the winner's row under lock.
        try:
            with session.begin_nested():
                session.add(ReferenceCounter(prefix=prefix, year=year, last=0))
        except IntegrityError:
            pass
        counter = session.get(
            ReferenceCounter, (prefix, year), with_for_update=True, populate_existing=True
        )
        assert counter is not None
    counter.last += 1
    session.flush()
    return f"{prefix}-{year}-{counter.last:06d}"


def open_dossier(
    session: Session,
    *,
    insz: str,
    agency: str,
    case_type: str,
    on: date | None = None,
    office_id: str | None = None,
    municipality: str | None = None,
    status: DossierStatus = DossierStatus.REQUESTED,
    router: Router | None = None,
) -> Dossier:
    """Open a dossier at the office competent for the citizen's current address.

    `municipality` (REFNIS) settles an ambiguous postal code; `office_id` overrides routing.
    """
    day = on or date.today()
    citizen = get_citizen(session, insz)
    kind = session.get(CaseType, case_type)
    if kind is None:
        known = ", ".join(session.scalars(select(CaseType.code).order_by(CaseType.code)))
        raise DossierError(f"type: {case_type!r} is unknown; known types: {known}")
    if kind.agency_code != agency:
        raise DossierError(f"type: {case_type} belongs to agency {kind.agency_code}, not {agency}")
    if office_id is None:
        address = current_address(session, citizen.id)
        if address is None or address.country != "BE":
            raise DossierError("insz: the citizen has no address in Belgium; give --office")
        office_id = (
            (router or Router.load(session))
            .route(address.postcode, agency, day, municipality=municipality)
            .id
        )
    office = session.get(Office, office_id)
    if office is None or office.agency_code != agency:
        raise DossierError(f"office: {office_id!r} is not an office of {agency}")
    dossier = Dossier(
        reference=next_reference(session, office_id, day.year),
        agency_code=agency,
        office_id=office_id,
        citizen_id=citizen.id,
        case_type=case_type,
        status=status.value,
        opened_on=day,
        decision_due_on=decision_due_on(case_type, day, status.value),
    )
    session.add(dossier)
    session.flush()
    count_opened(session, office_id, case_type, day)
    session.add(
        DossierEvent(
            dossier_id=dossier.id,
            kind=EventKind.CREATED.value,
            effective_date=day,
            to_office_id=office_id,
            to_status=status.value,
        )
    )
    session.flush()
    return dossier


def change_status(
    session: Session,
    reference: str,
    status: DossierStatus,
    on: date | None = None,
    note: str = "",
    *,
    actor: str | None = None,
    channel: str | None = None,
) -> Dossier:
    """Record a new status; the history line names `actor` and `channel` when given.

    The decision due date follows the status, and a decision is counted for the managers' page
    and told to the citizen (granted or refused) in the same transaction."""
    dossier = get_dossier(session, reference)
    day = on or date.today()
    count_decision(session, dossier, dossier.status, status.value, day)
    dossier.decision_due_on = decision_due_on(dossier.case_type, dossier.opened_on, status.value)
    session.add(
        DossierEvent(
            dossier_id=dossier.id,
            kind=EventKind.STATUS_CHANGED.value,
            effective_date=day,
            from_status=dossier.status,
            to_status=status.value,
            note=note or None,
            actor=actor,
            channel=channel,
        )
    )
    notify_decision(session, dossier, dossier.status, status, day)
    dossier.status = status.value
    dossier.closed_on = None if status.is_open else day
    session.flush()
    return dossier


def get_dossier(session: Session, reference: str) -> Dossier:
    dossier = session.scalar(select(Dossier).where(Dossier.reference == reference))
    if dossier is None:
        raise UnknownDossier(reference)
    return dossier


def dossier_history(session: Session, dossier_id: int) -> list[DossierEvent]:
    return list(
        session.scalars(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier_id)
            .order_by(DossierEvent.id)
        )
    )


@dataclass(frozen=True)
class DossierRow:
    reference: str
    agency: str
    type: str
    status: str
    office_id: str
    office_name: str
    office_municipality: str

    def as_json(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "agency": self.agency,
            "type": self.type,
            "status": self.status,
            "office": {
                "id": self.office_id,
                "name": self.office_name,
                "municipality": self.office_municipality,
            },
        }


def list_dossiers(session: Session, insz: str) -> list[DossierRow]:
    citizen = get_citizen(session, insz)
    rows = session.execute(
        select(Dossier, Office)
        .join(Office, Office.id == Dossier.office_id)
        .where(Dossier.citizen_id == citizen.id)
        .order_by(Dossier.reference)
    )
    return [
        DossierRow(
            d.reference, d.agency_code, d.case_type, d.status, o.id, o.name, o.municipality_refnis
        )
        for d, o in rows
    ]
