"""The routing queue: dossiers that could not follow their citizen, and how a clerk settles them.

Rule: a dossier waits at its current office until a clerk transfers it to an office of its own
agency, or until a later address change makes it routable again.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from loket.cases.choices import EventKind
from loket.cases.dossiers import DossierError, get_dossier
from loket.cases.model import Dossier, DossierEvent, Office, RoutingQueueItem
from loket.cases.transfers import transfer_notifications
from loket.people.model import Citizen
from loket.store.outbox import OutboxMessage


@dataclass(frozen=True)
class WaitingDossier:
    reference: str
    office_id: str
    reason: str
    detail: str
    since: date


def waiting_dossiers(session: Session, office_id: str | None = None) -> list[WaitingDossier]:
    """Unresolved routing-queue items, oldest first, for one office or all."""
    query = (
        select(RoutingQueueItem, Dossier.reference)
        .join(Dossier, Dossier.id == RoutingQueueItem.dossier_id)
        .where(RoutingQueueItem.resolved_on.is_(None))
        .order_by(RoutingQueueItem.created_on, RoutingQueueItem.id)
    )
    if office_id is not None:
        query = query.where(RoutingQueueItem.office_id == office_id)
    return [
        WaitingDossier(reference, item.office_id, item.reason, item.detail, item.created_on)
        for item, reference in session.execute(query).all()
    ]


def transfer_dossier(
    session: Session,
    reference: str,
    to_office_id: str,
    reason: str,
    on: date | None = None,
    *,
    actor: str | None = None,
    channel: str | None = None,
) -> Dossier:
    """Move a dossier by hand to another office of its agency, settling its routing queue.

    `actor` (a staff username) and `channel` are written on the history line."""
    day = on or date.today()
    dossier = get_dossier(session, reference)
    office = session.get(Office, to_office_id)
    if office is None or office.agency_code != dossier.agency_code:
        raise DossierError(f"office: {to_office_id!r} is not an office of {dossier.agency_code}")
    if not reason.strip():
        raise DossierError("reason: say why the dossier moves")
    for item in session.scalars(
        select(RoutingQueueItem).where(
            RoutingQueueItem.dossier_id == dossier.id, RoutingQueueItem.resolved_on.is_(None)
        )
    ):
        item.resolved_on = day
    if office.id == dossier.office_id:
        session.flush()
        return dossier
    old = dossier.office_id
    session.add(
        DossierEvent(
            dossier_id=dossier.id,
            kind=EventKind.TRANSFERRED.value,
            effective_date=day,
            from_office_id=old,
            to_office_id=office.id,
            reason=reason.strip()[:200],
            actor=actor,
            channel=channel,
        )
    )
    dossier.office_id = office.id
    insz = session.scalar(select(Citizen.insz).where(Citizen.id == dossier.citizen_id))
    about = {"reference": reference, "effective_date": day.isoformat()}
    session.execute(
        insert(OutboxMessage), transfer_notifications(about, old, office.id, insz or "")
    )
    session.flush()
    return dossier
