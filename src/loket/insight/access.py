"""Who may see an office's caseload and staffing."""

from loket.cases.access import ONE_BODY_PER_OFFICE
from loket.cases.choices import Role
from loket.cases.model import Office, StaffUser

INSIGHT_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


def may_see_insight(user: StaffUser, office: Office) -> bool:
    """A manager sees the figures of their own office; an administrator those of every office of
    their agency, except at the welfare centres, each a body of its own, where it is their own
    office only. Everyone else sees none."""
    if user.role not in INSIGHT_ROLES or office.agency_code != user.agency_code:
        return False
    if user.role == Role.MANAGER or user.agency_code in ONE_BODY_PER_OFFICE:
        return office.id == user.office_id
    return True
