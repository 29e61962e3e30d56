"""`GET /api/v1/dossiers/{reference}`: one dossier with its history, for staff of its agency."""

from typing import Annotated

from fastapi import APIRouter, Path

from loket.cases.access import visible_dossiers
from loket.cases.dossiers import UnknownDossier, dossier_history
from loket.cases.model import Dossier as DossierRow
from loket.cases.model import Office as OfficeRow
from loket.web.api.errors import api_error, responses
from loket.web.api.schemas import Dossier, HistoryLine, Office
from loket.web.auth import StaffDep
from loket.web.db import SessionDep

router = APIRouter(tags=["dossiers"])


@router.get("/dossiers/{reference}", response_model=Dossier, responses=responses(401, 404, 422))
def read_dossier(
    session: SessionDep,
    user: StaffDep,
    reference: Annotated[str, Path(max_length=40, examples=["OCMW-11002-2026-000001"])],
) -> Dossier:
    """The dossier and its history; 404 as well for a dossier of another agency."""
    dossier = session.scalar(visible_dossiers(user).where(DossierRow.reference == reference))
    if dossier is None:
        raise api_error(404, "unknown-dossier", str(UnknownDossier(reference)), "reference")
    office = session.get(OfficeRow, dossier.office_id)
    assert office is not None  # a foreign key guarantees it
    return Dossier(
        reference=dossier.reference,
        agency=dossier.agency_code,
        type=dossier.case_type,
        status=dossier.status,
        office=Office(id=office.id, name=office.name, municipality=office.municipality_refnis),
        opened_on=dossier.opened_on,
        closed_on=dossier.closed_on,
        assigned_worker=dossier.assigned_worker,
        history=[
            HistoryLine(
                kind=event.kind,
                effective_date=event.effective_date,
                recorded_at=event.recorded_at,
                from_office=event.from_office_id,
                to_office=event.to_office_id,
                from_status=event.from_status,
                to_status=event.to_status,
                reason=event.reason,
                note=event.note,
            )
            for event in dossier_history(session, dossier.id)
        ],
    )
