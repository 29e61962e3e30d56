"""The citizen's own pages: my dossiers, one dossier's history, and who consulted my data."""

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from loket.cases import explain
from loket.cases.choices import DossierStatus
from loket.cases.dossiers import dossier_history
from loket.cases.model import CaseType, Dossier, DossierEvent, Office
from loket.exchange.catalogue import DataCategory, Purpose
from loket.exchange.transparency import (
    TransparencyError,
    citizen_access_log,
    flag_entry,
    record_self_view,
)
from loket.people.model import Citizen
from loket.people.service import current_address
from loket.web.db import SessionDep
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import language_of, redirect, render
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)


def subject_of(viewer: Viewer) -> Citizen:
    """The citizen whose affairs the viewer may see: themself, or the grantor of a mandate.

    Staff never use these pages, not even in counter mode: what staff see of a citizen goes
    through the staff pages and their agency's rules.
    """
    if viewer.citizen is None or viewer.subject is None:
        raise HTTPException(status_code=401)
    return viewer.subject


@dataclass(frozen=True)
class DossierView:
    dossier: Dossier
    type_name: str
    office: Office
    status_label: str
    meaning: str
    next_step: str
    decision_due: date | None


def _views(session: SessionDep, citizen: Citizen, language: str) -> list[DossierView]:
    rows = session.execute(
        select(Dossier, CaseType, Office)
        .join(CaseType, CaseType.code == Dossier.case_type)
        .join(Office, Office.id == Dossier.office_id)
        .where(Dossier.citizen_id == citizen.id)
        .order_by(Dossier.opened_on.desc(), Dossier.id.desc())
    )
    views = []
    for dossier, kind, office in rows:
        status = DossierStatus(dossier.status)
        views.append(
            DossierView(
                dossier=dossier,
                type_name=getattr(kind, f"name_{language}"),
                office=office,
                status_label=status.labels[language],
                meaning=explain.status_meaning(status),
                next_step=explain.next_step(status),
                decision_due=explain.decision_due(dossier.case_type, dossier.opened_on)
                if status in (DossierStatus.REQUESTED, DossierStatus.IN_REVIEW)
                else None,
            )
        )
    return views


@router.get("/my/")
def my_dossiers(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    citizen = subject_of(viewer)
    views = _views(session, citizen, language_of(request))
    return render(
        request,
        "my/dossiers.html",
        {
            "citizen": citizen,
            "open_views": [v for v in views if DossierStatus(v.dossier.status).is_open],
            "closed_views": [v for v in views if not DossierStatus(v.dossier.status).is_open],
        },
    )


@router.get("/my/dossiers/{reference}")
def my_dossier(
    request: Request, reference: str, session: SessionDep, viewer: ViewerDep
) -> Response:
    citizen = subject_of(viewer)
    language = language_of(request)
    view = next(
        (v for v in _views(session, citizen, language) if v.dossier.reference == reference), None
    )
    if view is None:
        # Someone else's dossier looks exactly like one that does not exist.
        raise HTTPException(status_code=404)
    events = dossier_history(session, view.dossier.id)
    office_ids = {e.from_office_id for e in events} | {e.to_office_id for e in events}
    offices = {
        o.id: o.name
        for o in session.scalars(select(Office).where(Office.id.in_(office_ids - {None})))
    }
    return render(
        request,
        "my/dossier.html",
        {
            "view": view,
            "events": [_event_line(e, offices, language) for e in events],
            "address": current_address(session, citizen.id),
        },
    )


@dataclass(frozen=True)
class EventLine:
    day: date
    text: str
    detail: str
    channel: str | None


def _event_line(event: DossierEvent, offices: dict[str, str], language: str) -> EventLine:
    detail = ""
    if event.from_office_id and event.to_office_id:
        detail = f"{offices.get(event.from_office_id, '')} → {offices.get(event.to_office_id, '')}"
    elif event.to_status:
        detail = DossierStatus(event.to_status).labels[language]
    return EventLine(event.effective_date, explain.event_text(event.kind), detail, event.channel)


def _label(code: str, language: str, kind: type[DataCategory] | type[Purpose]) -> str:
    try:
        return kind(code).info.labels[language]
    except ValueError:
        return code


@router.get("/my/access-log")
def my_access_log(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    citizen = subject_of(viewer)
    language = language_of(request)
    today = date.today()
    lines = citizen_access_log(session, citizen.insz, today, language, log_view=False)
    page = render(
        request,
        "my/access_log.html",
        {
            "lines": list(reversed(lines)),
            "category_label": lambda code: _label(code, language, DataCategory),
            "purpose_label": lambda code: _label(code, language, Purpose),
            "flagged": request.query_params.get("flagged"),
        },
    )
    # Logged last, in the same transaction: the log's write lock is held only from here to the
    # commit, not while the page is rendered.
    record_self_view(session, citizen.insz, today)
    return page


@router.post("/my/access-log/{seq}/flag")
def flag_consultation(
    request: Request, seq: int, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """ "I do not recognise this": the privacy officer is asked to look into the entry."""
    citizen = subject_of(viewer)
    if not viewer.may("change"):
        raise HTTPException(status_code=403)
    try:
        flag_entry(session, citizen.insz, seq, field(form, "comment", 1000))
    except TransparencyError:
        raise HTTPException(status_code=404) from None
    return redirect(request, f"/my/access-log?flagged={seq}")
