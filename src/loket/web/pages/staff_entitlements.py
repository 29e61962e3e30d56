"""The staff dossier page's entitlement forms: recompute a living wage from the situation a case
worker enters, decide on maintenance advances, and book an advance or a recovery in the ledger.

Access is that of the dossier page: a member of staff acts only on a dossier they may see.
"""

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from loket.cases.model import Dossier, StaffUser
from loket.entitlements.advances import (
    MAINTENANCE_CASE_TYPE,
    add_ledger_entry,
    decide_maintenance_advance,
)
from loket.entitlements.assessments import (
    LIVING_WAGE_CASE_TYPE,
    assess_living_wage,
    latest_assessment,
)
from loket.entitlements.errors import EntitlementError
from loket.entitlements.inputs import (
    read_ledger_form,
    read_living_wage_form,
    read_maintenance_form,
)
from loket.entitlements.situations import living_wage_situation
from loket.rules import RulesError
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep
from loket.web.pages.rendering import gettext_for, redirect
from loket.web.pages.staff import require_staff
from loket.web.pages.staff_dossier import _page, visible_dossier
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)

LIMIT = 40


class _Posting:
    """One entitlement form posted for a dossier the member of staff may see, of the right type
    (any other answers 404, as the dossier page does)."""

    def __init__(
        self,
        request: Request,
        session: SessionDep,
        viewer: Viewer,
        reference: str,
        form: FormDep,
        case_type: str,
    ) -> None:
        self.request, self.session, self.viewer, self.reference = (
            request,
            session,
            viewer,
            reference,
        )
        self.staff: StaffUser = require_staff(viewer)
        self.dossier: Dossier = visible_dossier(session, self.staff, reference)
        if self.dossier.case_type != case_type:
            raise HTTPException(status_code=404)
        self.posted = {
            name: value.strip()[:LIMIT] for name, value in form.items() if isinstance(value, str)
        }

    def refused(self, errors: dict[str, str]) -> Response:
        """The dossier page again, the errors named by field and what was typed kept."""
        _ = gettext_for(self.request)
        extra = {"errors": {name: _(text) for name, text in errors.items()}, "posted": self.posted}
        return _page(self.request, self.session, self.viewer, self.reference, extra, 400)

    def done(self, anchor: str) -> Response:
        return redirect(
            self.request, f"/staff/dossiers/{self.dossier.reference}?changed=1#{anchor}"
        )


@router.post("/staff/dossiers/{reference}/living-wage")
def recompute_living_wage(
    request: Request, reference: str, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Recompute the living wage from the situation entered; the result is kept as the dossier's
    newest assessment, the earlier ones stay in its history."""
    post = _Posting(request, session, viewer, reference, form, LIVING_WAGE_CASE_TYPE)
    latest = latest_assessment(session, post.dossier.id)
    previous = living_wage_situation(latest.assessment.situation) if latest else None
    situation, errors = read_living_wage_form(post.posted, previous)
    if situation is None:
        return post.refused(errors)
    try:
        assess_living_wage(
            session, post.dossier, situation, date.today(), computed_by=post.staff.username
        )
    except RulesError as error:
        return post.refused({error.field or "wage_category": str(error)})
    return post.done("living-wage")


@router.post("/staff/dossiers/{reference}/advance")
def decide_advance(
    request: Request, reference: str, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Decide on maintenance advances for the situation entered; a new decision replaces the
    previous one, which stays on record."""
    post = _Posting(request, session, viewer, reference, form, MAINTENANCE_CASE_TYPE)
    situation, errors = read_maintenance_form(post.posted)
    if situation is None:
        return post.refused(errors)
    try:
        decide_maintenance_advance(
            session, post.dossier, situation, date.today(), decided_by=post.staff.username
        )
    except RulesError as error:
        return post.refused({"requested_on": str(error)})
    return post.done("advance")


@router.post("/staff/dossiers/{reference}/ledger")
def book_ledger_entry(
    request: Request, reference: str, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Book an advance paid or an amount recovered; the balance is recomputed from all entries."""
    post = _Posting(request, session, viewer, reference, form, MAINTENANCE_CASE_TYPE)
    entry, errors = read_ledger_form(post.posted)
    if entry is None:
        return post.refused(errors)
    kind, amount, booked_on = entry
    try:
        add_ledger_entry(
            session, post.dossier, kind, amount, booked_on, recorded_by=post.staff.username
        )
    except EntitlementError as error:
        return post.refused({error.field or "kind": error.message})
    return post.done("ledger")
