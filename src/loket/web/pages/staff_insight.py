"""Managers' pages at /staff/insight/: caseload per worker and per FTE, backlog age, decisions
within the legal term per month, and the staffing projection with its chart and CSV exports."""

from datetime import date, datetime
from fractions import Fraction
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Office, StaffUser
from loket.insight.access import may_see_insight
from loket.insight.caseload import AGE_BAND_CODES, office_load
from loket.insight.staffing import STANDARD_RATIOS, Service, ratio_label
from loket.insight.staffing_chart import staffing_chart
from loket.insight.staffing_service import office_staffing, staffing_csv
from loket.texts import N_
from loket.web.db import SessionDep
from loket.web.pages.rendering import csv_download, gettext_for, language_of, render
from loket.web.pages.staff import forbidden, require_staff, type_names
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)

SERVICE_LABELS = {
    Service.CRITICAL.value: N_("Critical services"),
    Service.COLLECTION.value: N_("Collection"),
    Service.CONTACT_CENTRE.value: N_("Contact centre"),
    Service.CONTROL.value: N_("Control"),
}
AGE_BAND_LABELS = dict(
    zip(
        AGE_BAND_CODES,
        (
            N_("Less than 30 days"),
            N_("30 to 89 days"),
            N_("90 to 364 days"),
            N_("A year or more"),
        ),
        strict=True,
    )
)
RATIO_CHOICES = {ratio_label(r): r for r in STANDARD_RATIOS}
DEFAULT_RATIO = "1/1"


def _office_for(
    request: Request, session: Session, viewer: Viewer, office_id: str
) -> Office | Response:
    """The office asked for (the manager's own by default), or the page refusing it."""
    staff = require_staff(viewer)
    office_id = office_id[:40]
    _ = gettext_for(request)
    office = session.get(Office, office_id or staff.office_id or "")
    if office is None and not office_id:
        return forbidden(
            request, _("Caseload and staffing"), _("Choose an office: add ?office= to the address.")
        )
    if office is None or not may_see_insight(staff, office):
        return forbidden(
            request,
            _("Caseload and staffing"),
            _("Only the manager of this office or an administrator may see its figures."),
        )
    return office


def _scenario(request: Request) -> dict[str, Fraction]:
    """The replacement ratio per service from the form (one for one where not chosen)."""
    chosen = {}
    for service in Service:
        value = request.query_params.get(service.value, DEFAULT_RATIO)
        chosen[service.value] = RATIO_CHOICES.get(value, RATIO_CHOICES[DEFAULT_RATIO])
    return chosen


@router.get("/staff/insight/")
def insight_page(
    request: Request, session: SessionDep, viewer: ViewerDep, office: str = ""
) -> Response:
    found = _office_for(request, session, viewer, office)
    if isinstance(found, Response):
        return found
    now = datetime.now()
    today = now.date()
    scenario = _scenario(request)
    load = office_load(session, found, now)
    chosen = office_staffing(
        session, found.id, scenario, today.year, ratios=STANDARD_RATIOS, caseload=load.per_type
    )
    charts = []
    for projection in chosen.projections:
        lines = [p for p in chosen.by_ratio if p.service == projection.service]
        charts.append((projection, staffing_chart(projection.service, lines), lines))
    query = "&".join(f"{s}={ratio_label(r)}" for s, r in scenario.items())
    context: dict[str, Any] = {
        "office": found,
        "load": load,
        "staffing": chosen,
        "charts": charts,
        "scenario": {s: ratio_label(r) for s, r in scenario.items()},
        "ratio_choices": list(RATIO_CHOICES),
        "service_labels": SERVICE_LABELS,
        "age_band_labels": AGE_BAND_LABELS,
        "type_names": type_names(session, language_of(request)),
        "csv_query": f"office={found.id}&{query}",
        "offices": _offices_for(session, require_staff(viewer)),
    }
    return render(request, "staff/insight.html", context)


def _offices_for(session: Session, staff: StaffUser) -> list[Office]:
    """The offices an administrator may switch between (empty for a manager)."""
    if staff.role != "admin":
        return []
    offices = session.scalars(
        select(Office).where(Office.agency_code == staff.agency_code).order_by(Office.name)
    )
    return [o for o in offices if may_see_insight(staff, o)]


@router.get("/staff/insight/staffing.csv")
def staffing_export(
    request: Request, session: SessionDep, viewer: ViewerDep, office: str = ""
) -> Response:
    found = _office_for(request, session, viewer, office)
    if isinstance(found, Response):
        return found
    staffing = office_staffing(session, found.id, _scenario(request), date.today().year)
    return csv_download(request, staffing_csv(staffing), f"staffing-{found.id}.csv")


@router.get("/staff/insight/caseload.csv")
def caseload_export(
    request: Request, session: SessionDep, viewer: ViewerDep, office: str = ""
) -> Response:
    found = _office_for(request, session, viewer, office)
    if isinstance(found, Response):
        return found
    load = office_load(session, found, datetime.now())
    lines = ["office_id,month,opened,decided,decided_with_term,decided_in_term"]
    lines += [
        f"{found.id},{m.month:%Y-%m},{m.opened},{m.decided},{m.decided_with_term},"
        f"{m.decided_in_term}"
        for m in load.months
    ]
    return csv_download(request, "\n".join(lines) + "\n", f"caseload-{found.id}.csv")
