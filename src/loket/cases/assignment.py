"""Giving a dossier to a worker of its office, with a line in its history.

Rule: a dossier may be given only to a case worker of the office that holds it, and only by
staff of that office (or an administrator of its agency) who may see it.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.access import can_see
from loket.cases.choices import EventKind, Role
from loket.cases.dossiers import DossierError, get_dossier
from loket.cases.model import Dossier, DossierEvent, StaffUser

ASSIGNING_ROLES = frozenset({Role.CASE_WORKER, Role.MANAGER, Role.ADMIN})
ASSIGNABLE_ROLES = frozenset({Role.CASE_WORKER, Role.MANAGER})


class AssignmentRefused(DossierError):
    """The dossier cannot be given to that worker; the message says why."""


class DossierOutOfReach(AssignmentRefused):
    """The dossier is not one this member of staff may share out (another office, or a role
    that does not assign)."""


def may_assign(user: StaffUser) -> bool:
    """Case workers, managers and administrators share out their office's dossiers."""
    return user.role in ASSIGNING_ROLES


def assignable_workers(session: Session, office_id: str) -> list[str]:
    """Usernames of the staff of `office_id` who can take dossiers, alphabetically."""
    return list(
        session.scalars(
            select(StaffUser.username)
            .where(
                StaffUser.office_id == office_id,
                StaffUser.role.in_([r.value for r in ASSIGNABLE_ROLES]),
            )
            .order_by(StaffUser.username)
        )
    )


def assign_dossier(
    session: Session,
    reference: str,
    worker: str | None,
    *,
    by: StaffUser,
    on: date | None = None,
    channel: str | None = None,
) -> Dossier:
    """Give the dossier to `worker` (None: back to the office, unassigned)."""
    dossier = get_dossier(session, reference)
    if not can_see(by, dossier) or not may_assign(by):
        raise DossierOutOfReach("reference: you may not share out this dossier")
    if by.role != Role.ADMIN and by.office_id != dossier.office_id:
        raise DossierOutOfReach("reference: the dossier is at another office")
    if worker is not None and worker not in assignable_workers(session, dossier.office_id):
        raise AssignmentRefused(f"worker: {worker!r} is not a case worker of this office")
    if dossier.assigned_worker == worker:
        return dossier
    session.add(
        DossierEvent(
            dossier_id=dossier.id,
            kind=EventKind.ASSIGNED.value,
            effective_date=on or date.today(),
            reason=worker or "-",
            note=f"was {dossier.assigned_worker}" if dossier.assigned_worker else None,
            actor=by.username,
            channel=channel,
        )
    )
    dossier.assigned_worker = worker
    session.flush()
    return dossier
