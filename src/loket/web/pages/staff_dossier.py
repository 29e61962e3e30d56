"""One dossier for staff: its citizen, its history with transfers, its status, its documents
with their verdicts, and consulting another agency's data for it, where the member of staff
chooses the purpose and the exchange rule decides."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.datastructures import FormData

from loket.cases.access import can_see, may_settle_routing, visible_dossiers
from loket.cases.choices import DossierStatus
from loket.cases.dossiers import DossierError, change_status, dossier_history
from loket.cases.model import Dossier, DossierEvent, Office, StaffUser
from loket.cases.queue import transfer_dossier, waiting_dossiers
from loket.documents.model import UploaderKind
from loket.documents.sniff import UploadRefused
from loket.documents.storage import default_blob_store, store_and_verify
from loket.exchange.catalogue import DataCategory, Purpose, role_may_consult
from loket.exchange.consult import Consultation, DenialReason, consult
from loket.people.model import Citizen
from loket.people.scheduled import waiting_moves
from loket.people.service import current_address
from loket.texts import N_
from loket.web.db import SessionDep
from loket.web.pages.entitlement_views import entitlement_context
from loket.web.pages.forms import FormDep, field
from loket.web.pages.rendering import gettext_for, language_of, redirect, render
from loket.web.pages.staff import CHANNEL_LABELS, require_staff, status_label, type_names
from loket.web.pages.staff_documents import document_lines, upload_channels
from loket.web.pages.uploads import checked_upload_form, read_file
from loket.web.pages.viewer import Viewer, ViewerDep

router = APIRouter(include_in_schema=False)

# Who settles the routing queue by moving a dossier by hand.

# Why a consultation was refused, in words a member of staff can act on.
DENIAL_TEXTS = {
    DenialReason.UNKNOWN_CATEGORY: N_("This kind of data does not exist."),
    DenialReason.UNKNOWN_PURPOSE: N_("This purpose does not exist."),
    DenialReason.ROLE_NOT_ALLOWED: N_("Your role may not consult this kind of data."),
    DenialReason.NO_AUTHORISATION: N_(
        "Your agency has no authorisation to consult this data for this purpose."
    ),
    DenialReason.AUTHORISATION_NOT_YET_VALID: N_(
        "The authorisation for this data and purpose has not started yet."
    ),
    DenialReason.AUTHORISATION_EXPIRED: N_(
        "The authorisation for this data and purpose has ended."
    ),
    DenialReason.AUTHORISATION_REVOKED: N_(
        "The authorisation for this data and purpose was withdrawn."
    ),
    DenialReason.UNKNOWN_CITIZEN: N_("This citizen is not in the national register."),
    DenialReason.NO_OPEN_DOSSIER: N_(
        "Your agency has no open dossier for this citizen that allows this consultation."
    ),
    DenialReason.DOSSIER_OF_ANOTHER_CITIZEN: N_("This dossier belongs to another citizen."),
    DenialReason.DOSSIER_CLOSED: N_("This dossier is closed, so it cannot justify a consultation."),
    DenialReason.DOSSIER_TYPE_NOT_ALLOWED: N_(
        "The authorisation does not cover dossiers of this type."
    ),
    DenialReason.DOSSIER_OF_ANOTHER_OFFICE: N_(
        "This dossier is handled by another office; only that office may consult for it."
    ),
}

# The released fields, named for people (the catalogue names them for programs).
FIELD_LABELS = {
    "insz": N_("National register number"),
    "family_name": N_("Family name"),
    "given_names": N_("Given names"),
    "birth_date": N_("Birth date"),
    "language": N_("Language"),
    "street": N_("Street"),
    "house_number": N_("House number"),
    "box": N_("Box"),
    "postcode": N_("Postal code"),
    "country": N_("Country"),
    "municipality": N_("Municipality"),
    "dossiers": N_("Dossiers"),
    "assessments": N_("Tax assessments"),
    "parcels": N_("Parcels"),
    "status": N_("Status"),
    "employer_enterprise_number": N_("Employer's enterprise number"),
    "since": N_("Since"),
}

EVENT_LABELS = {
    "created": N_("Dossier opened"),
    "status-changed": N_("Status changed"),
    "transferred": N_("Moved to another office"),
    "routing-needed": N_("Needs routing by hand"),
    "note": N_("Note"),
    "assigned": N_("Assigned to a worker"),
}


@dataclass(frozen=True)
class HistoryLine:
    event: DossierEvent
    what: str
    # Offices and statuses before and after, the reason and the note, as lines of text.
    details: list[str]
    channel: str | None


def visible_dossier(session: SessionDep, staff: StaffUser, reference: str) -> Dossier:
    """The dossier, read through the staff member's visibility filter; 404 when it is not
    theirs to see, exactly as when it does not exist."""
    dossier = session.scalar(visible_dossiers(staff).where(Dossier.reference == reference[:40]))
    if dossier is None:
        raise HTTPException(status_code=404)
    return dossier


def _history(session: SessionDep, dossier: Dossier, request: Request) -> list[HistoryLine]:
    _ = gettext_for(request)
    language = language_of(request)
    events = dossier_history(session, dossier.id)
    ids = {i for e in events for i in (e.from_office_id, e.to_office_id) if i}
    names = dict(session.execute(select(Office.id, Office.name).where(Office.id.in_(ids))).all())

    def details(event: DossierEvent) -> list[str]:
        lines = []
        old = names.get(event.from_office_id or "", event.from_office_id)
        new = names.get(event.to_office_id or "", event.to_office_id)
        if old and new:
            lines.append(_("From %(old)s to %(new)s") % {"old": old, "new": new})
        elif new:
            lines.append(_("At %(office)s") % {"office": new})
        before = status_label(event.from_status, language) if event.from_status else None
        after = status_label(event.to_status, language) if event.to_status else None
        if before and after:
            lines.append(_("From %(old)s to %(new)s") % {"old": before, "new": after})
        elif after:
            lines.append(after)
        lines.extend(text for text in (event.reason, event.note) if text)
        return lines

    return [
        HistoryLine(
            e,
            EVENT_LABELS.get(e.kind, e.kind),
            details(e),
            CHANNEL_LABELS.get(e.channel) if e.channel else None,
        )
        for e in events
    ]


def _routing(session: SessionDep, staff: StaffUser, dossier: Dossier) -> dict[str, Any]:
    """Why the dossier waits in the routing queue, and the offices it may move to."""
    waiting = [
        w for w in waiting_dossiers(session, dossier.office_id) if w.reference == dossier.reference
    ]
    if not waiting or not may_settle_routing(staff):
        return {"waiting": waiting, "offices": []}
    offices = session.execute(
        select(Office.id, Office.name)
        .where(Office.agency_code == dossier.agency_code)
        .order_by(Office.name)
    ).all()
    return {"waiting": waiting, "offices": [(i, n) for i, n in offices]}


def _choices(language: str) -> dict[str, Any]:
    return {
        "categories": [(c.value, c.info.labels.get(language, c.value)) for c in DataCategory],
        "purposes": [(p.value, p.info.labels.get(language, p.value)) for p in Purpose],
        "statuses": [(s.value, s.labels.get(language, s.value)) for s in DossierStatus],
    }


def _page(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    reference: str,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    staff = require_staff(viewer)
    language = language_of(request)
    dossier = visible_dossier(session, staff, reference)
    citizen = session.get(Citizen, dossier.citizen_id)
    context: dict[str, Any] = {
        "dossier": dossier,
        "type_name": type_names(session, language).get(dossier.case_type, dossier.case_type),
        "status": status_label(dossier.status, language),
        "office": session.get(Office, dossier.office_id),
        "citizen": citizen,
        "address": current_address(session, dossier.citizen_id),
        # Announced moves that wait for their day: the dossier may leave the office then.
        "moves_waiting": waiting_moves(session, dossier.citizen_id),
        "history": _history(session, dossier, request),
        "may_consult": any(role_may_consult(staff.role, c) for c in DataCategory),
        "documents": document_lines(session, dossier.id),
        "upload_channels": upload_channels(),
        **_routing(session, staff, dossier),
        **_choices(language),
        **entitlement_context(request, session, dossier, date.today()),
        **(extra or {}),
    }
    return render(request, "staff/dossier.html", context, status)


def counter_channel(viewer: Viewer) -> str | None:
    """In counter mode, the channel the clerk serves the citizen through."""
    return viewer.login.counter_channel if viewer.login is not None else None


@router.get("/staff/dossiers/{reference}")
def dossier_page(
    request: Request,
    reference: str,
    session: SessionDep,
    viewer: ViewerDep,
    changed: str = "",
    uploaded: str = "",
) -> Response:
    return _page(
        request, session, viewer, reference, {"changed": changed == "1", "uploaded": uploaded}
    )


@router.post("/staff/dossiers/{reference}/status")
def set_status(
    request: Request, reference: str, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Change the status; the history line names who did it and, in counter mode, the channel."""
    staff = require_staff(viewer)
    dossier = visible_dossier(session, staff, reference)
    _ = gettext_for(request)
    wanted = field(form, "status", 20)
    if wanted not in {s.value for s in DossierStatus}:
        errors = {"status": _("Choose the new status.")}
        return _page(request, session, viewer, reference, {"errors": errors}, 400)
    change_status(
        session,
        dossier.reference,
        DossierStatus(wanted),
        date.today(),
        field(form, "note", 2000),
        actor=staff.username,
        channel=counter_channel(viewer),
    )
    return redirect(request, f"/staff/dossiers/{dossier.reference}?changed=1")


@router.post("/staff/dossiers/{reference}/consult")
def consult_data(
    request: Request, reference: str, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Ask for one kind of data about the dossier's citizen for a chosen purpose. The exchange
    rule decides; every attempt, released or refused, is logged by `consult` itself."""
    staff = require_staff(viewer)
    dossier = visible_dossier(session, staff, reference)
    _ = gettext_for(request)
    category = field(form, "category", 40)
    purpose = field(form, "purpose", 40)
    errors: dict[str, str] = {}
    if category not in {c.value for c in DataCategory}:
        errors["category"] = _("Choose the data you need.")
    if purpose not in {p.value for p in Purpose}:
        errors["purpose"] = _("Choose why you need it.")
    chosen = {"chosen_category": category, "chosen_purpose": purpose}
    if errors:
        return _page(request, session, viewer, reference, {"errors": errors, **chosen}, 400)
    citizen = session.get(Citizen, dossier.citizen_id)
    assert citizen is not None
    result: Consultation = consult(
        session, staff, citizen.insz, category, purpose, dossier.reference, date.today()
    )
    language = language_of(request)
    answer = {
        "result": result,
        "result_category": DataCategory(category).info.labels.get(language, category),
        "denial": DENIAL_TEXTS.get(result.reason) if result.reason else None,
        "consulted_at": datetime.now(),
        "field_labels": FIELD_LABELS,
        **chosen,
    }
    return _page(request, session, viewer, reference, answer)


@router.post("/staff/dossiers/{reference}/transfer")
def transfer(
    request: Request, reference: str, session: SessionDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Settle the routing queue: move a waiting dossier by hand to an office of its agency."""
    staff = require_staff(viewer)
    dossier = visible_dossier(session, staff, reference)
    if not may_settle_routing(staff):
        raise HTTPException(status_code=404)
    _ = gettext_for(request)
    errors: dict[str, str] = {}
    office = field(form, "office", 40)
    reason = field(form, "reason", 200)
    if not reason:
        errors["reason"] = _("Say why the dossier moves.")
    if not errors:
        try:
            transfer_dossier(
                session,
                dossier.reference,
                office,
                reason,
                date.today(),
                actor=staff.username,
                channel=counter_channel(viewer),
            )
        except DossierError:
            errors["office"] = _("Choose an office of the same agency.")
        else:
            if can_see(staff, dossier):
                return redirect(request, f"/staff/dossiers/{dossier.reference}?changed=1")
            # It went to another welfare centre, which is not ours to look into any more.
            return redirect(request, "/staff/")
    return _page(request, session, viewer, reference, {"errors": errors}, 400)


@router.post("/staff/dossiers/{reference}/documents")
def upload_document(
    request: Request,
    reference: str,
    session: SessionDep,
    viewer: ViewerDep,
    form: FormData = Depends(checked_upload_form),  # noqa: B008
) -> Response:
    """Keep a document the citizen brought with the dossier; a signed PDF is checked at once and
    the page then shows whether it is accepted as original, or why not."""
    staff = require_staff(viewer)
    dossier = visible_dossier(session, staff, reference)
    _ = gettext_for(request)
    errors: dict[str, str] = {}
    channel = field(form, "channel", 20)
    if channel not in {code for code, _label in upload_channels()}:
        errors["channel"] = _("Choose how the citizen brought the document.")
    upload = read_file(form, "file")
    if upload is None:
        errors["file"] = _("Choose the file to upload.")
    if not errors and upload is not None:
        data, name = upload
        try:
            document = store_and_verify(
                session,
                default_blob_store(),
                data,
                name=name,
                uploaded_by=staff.username,
                uploader_kind=str(UploaderKind.STAFF),
                channel=channel,
                dossier_id=dossier.id,
            )
        except UploadRefused as error:
            errors["file"] = error.text(_)
        else:
            return redirect(request, f"/staff/dossiers/{dossier.reference}?uploaded={document.id}")
    extra = {"errors": errors, "chosen_channel": channel}
    return _page(request, session, viewer, reference, extra, 400)
