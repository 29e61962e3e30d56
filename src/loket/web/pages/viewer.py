"""Who is looking at a page: nobody, a citizen (maybe acting for another under a mandate), or a
staff user (maybe serving a citizen at the counter)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from loket.cases.model import StaffUser
from loket.contact.mandates import mandate_allows
from loket.contact.model import Mandate
from loket.control.review_access import may_review
from loket.insight.divide import may_see_divide
from loket.linkage.service import may_see_conflicts
from loket.logins.model import LoginSession
from loket.logins.service import citizen_of, find_session, staff_user_of
from loket.people.model import Citizen
from loket.web.db import SessionDep

SESSION_COOKIE = "loket_session"


@dataclass
class Viewer:
    login: LoginSession | None = None
    citizen: Citizen | None = None
    staff: StaffUser | None = None
    # The citizen whose affairs are shown: the citizen themself, the grantor of a mandate the
    # citizen acts under, or the citizen a clerk serves in counter mode.
    subject: Citizen | None = None
    # The mandate a citizen acts under, checked to be active and unexpired today.
    mandate: Mandate | None = None

    def may(self, action: str) -> bool:
        """Whether the viewer may do `action` (read, request, change) for the subject: always
        for themself, under a mandate only within its scope."""
        if self.mandate is None:
            return True
        return mandate_allows(self.mandate, action)

    @property
    def is_citizen(self) -> bool:
        return self.citizen is not None

    @property
    def is_staff(self) -> bool:
        return self.staff is not None

    @property
    def counter_mode(self) -> bool:
        return self.staff is not None and self.subject is not None

    @property
    def reviews_controls(self) -> bool:
        """Whether the staff menu offers the control review (`loket.control.review`)."""
        return self.staff is not None and may_review(self.staff)

    @property
    def sees_conflicts(self) -> bool:
        """Whether the staff menu offers the double-claim conflicts (`loket.linkage.service`)."""
        return self.staff is not None and may_see_conflicts(self.staff)

    @property
    def sees_divide(self) -> bool:
        """Whether the staff menu offers the digital-divide map (`loket.insight.divide`)."""
        return self.staff is not None and may_see_divide(self.staff)

    @property
    def acting_under_mandate(self) -> bool:
        return self.login is not None and self.login.mandate_id is not None


def load_viewer(session: Session, token: str | None, now: datetime) -> Viewer:
    login = find_session(session, token or "", now)
    if login is None:
        return Viewer()
    viewer = Viewer(
        login=login, citizen=citizen_of(session, login), staff=staff_user_of(session, login)
    )
    if login.mandate_id is not None:
        mandate = session.get(Mandate, login.mandate_id)
        if mandate is None or not mandate_allows(mandate, "read", now.date()):
            # The mandate ended (revoked or past its end date): the proxy is themself again.
            login.acting_for_id = login.mandate_id = None
        else:
            viewer.mandate = mandate
    if login.acting_for_id is not None:
        viewer.subject = session.get(Citizen, login.acting_for_id)
    elif viewer.citizen is not None:
        viewer.subject = viewer.citizen
    return viewer


def current_viewer(request: Request, session: SessionDep) -> Viewer:
    """The viewer of this request, remembered on `request.state` for the templates."""
    viewer = load_viewer(session, request.cookies.get(SESSION_COOKIE), datetime.now())
    request.state.viewer = viewer
    return viewer


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
