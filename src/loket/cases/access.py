"""Who may see which dossier, and who may record a change of address.

Every read of dossiers for a member of staff goes through `visible_dossiers`, in the API and
on the staff pages alike.
"""

from sqlalchemy import Select, select

from loket.cases.choices import Role
from loket.cases.model import Dossier, StaffUser

ADDRESS_CHANGE_ROLES = frozenset({Role.CASE_WORKER, Role.COUNTER_CLERK, Role.ADMIN})
ROUTING_ROLES = frozenset({Role.CASE_WORKER, Role.ADMIN})


# Each OCMW/CPAS is a public body of its own municipality: its staff see only its dossiers. The
# federal agencies are one body each, whatever office a dossier is at.
ONE_BODY_PER_OFFICE = frozenset({"ocmw"})


def visible_dossiers(user: StaffUser) -> Select[Dossier]:
    """The dossiers a staff user may see.

    A member of staff may see a dossier only when it belongs to their own agency and, for the
    welfare centres (each a body of its own), only when it is at their own office; welfare
    centre staff without an office see none. Other dossiers are not shown, and the answer does
    not tell whether they exist.
    """
    query = select(Dossier).where(Dossier.agency_code == user.agency_code)
    if user.agency_code in ONE_BODY_PER_OFFICE:
        query = query.where(Dossier.office_id == user.office_id)
    return query


def can_see(user: StaffUser, dossier: Dossier) -> bool:
    """The rule of `visible_dossiers` for one dossier already read."""
    if dossier.agency_code != user.agency_code:
        return False
    return user.agency_code not in ONE_BODY_PER_OFFICE or dossier.office_id == user.office_id


def may_settle_routing(user: StaffUser) -> bool:
    """Case workers and administrators may move a waiting dossier by hand to another office;
    counter clerks see the routing queue but leave the choice to them."""
    return user.role in ROUTING_ROLES


def may_oversee_privacy(user: StaffUser) -> bool:
    """Only the privacy officer manages authorisations and reads the whole access log."""
    return user.role == Role.PRIVACY_OFFICER


def may_record_address_change(user: StaffUser) -> bool:
    """Case workers, counter clerks and administrators may record a citizen's change of address
    (the counter acts on the citizen's behalf); analysts, managers and privacy officers may not."""
    return user.role in ADDRESS_CHANGE_ROLES
