"""`POST /api/v1/citizens/{insz}/address`: record a change of address; dossiers follow it."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from sqlalchemy.orm import Session

from loket.cases.access import may_record_address_change, visible_dossiers
from loket.cases.model import Dossier, StaffUser
from loket.people.import_moves import RowError, parse_move
from loket.people.moves import Move, MoveOutcome, change_address
from loket.people.service import UnknownCitizen
from loket.web.api.errors import api_error, responses
from loket.web.api.schemas import (
    AddressChange,
    AddressChangeOutcome,
    Queued,
    RecordedAddress,
    Transfer,
)
from loket.web.auth import StaffDep
from loket.web.db import SessionDep

router = APIRouter(tags=["citizens"])

DESCRIBED: dict[int | str, dict[str, Any]] = {
    201: {"description": "Recorded as the current address (`applied`) or an earlier one "
          "(`history`)."},
    200: {"model": AddressChangeOutcome, "description": "A replayed `event_id` (`duplicate`): "
          "nothing changed."},
    **responses(400, 401, 403, 404, 422),
}  # fmt: skip


def _move(insz: str, change: AddressChange) -> Move:
    """The move, checked by the same rules as a row of `loket import moves`; 422 naming the
    field when it breaks one."""
    row = {
        "event_id": change.event_id,
        "insz": insz,
        "effective_date": change.effective_date.isoformat(),
        "street": change.street,
        "house_number": change.house_number,
        "box": change.box or "",
        "postcode": change.postcode,
        "country": change.country,
    }
    try:
        return parse_move(0, row)
    except RowError as error:
        field = str(error).partition(":")[0]
        code = "invalid-insz" if field == "insz" else "invalid-field"
        raise api_error(422, code, str(error), field) from None


def _visible_references(session: Session, user: StaffUser, outcome: MoveOutcome) -> set[str]:
    """The dossiers of the answer the caller may see now, and those that just left the
    caller's own office (they saw them a moment ago and must learn where they went)."""
    references = [t.reference for t in outcome.transfers] + [q.reference for q in outcome.queued]
    if not references:
        return set()
    query = visible_dossiers(user).where(Dossier.reference.in_(references))
    left = {
        t.reference
        for t in outcome.transfers
        if user.office_id is not None and t.from_office == user.office_id
    }
    return {dossier.reference for dossier in session.scalars(query)} | left


def _answer(move: Move, outcome: MoveOutcome, visible: set[str]) -> AddressChangeOutcome:
    recorded = None
    if outcome.status != "duplicate":
        recorded = RecordedAddress(
            street=move.address.street,
            house_number=move.address.house_number,
            box=move.address.box,
            postcode=move.address.postcode,
            country=move.address.country,
            effective_date=move.effective_date,
        )
    return AddressChangeOutcome(
        event_id=outcome.event_id,
        status=outcome.status,  # type: ignore[arg-type]  # "rejected" raised UnknownCitizen
        address=recorded,
        transfers=[
            Transfer(reference=t.reference, from_office=t.from_office, to_office=t.to_office)
            for t in outcome.transfers
            if t.reference in visible
        ],
        queued=[
            Queued(reference=q.reference, office=q.office, reason=q.reason.value, detail=q.detail)
            for q in outcome.queued
            if q.reference in visible
        ],
    )


@router.post(
    "/citizens/{insz}/address",
    status_code=201,
    response_model=AddressChangeOutcome,
    responses=DESCRIBED,
)
def record_address_change(
    session: SessionDep,
    user: StaffDep,
    insz: Annotated[str, Path(max_length=20, description="INSZ or BIS number.")],
    change: AddressChange,
    response: Response,
) -> AddressChangeOutcome:
    """Record the citizen's address from `effective_date` on, in the same transaction as the
    transfer of every open dossier that follows residence. Replaying an `event_id` changes
    nothing. The answer lists only the dossiers of your own agency."""
    if not may_record_address_change(user):
        message = f"role {user.role} may not record a change of address"
        raise api_error(403, "forbidden", message, "role")
    move = _move(insz, change)
    try:
        outcome = change_address(
            session,
            move.event_id,
            move.insz,
            move.address,
            move.effective_date,
            change.source or "api",
        )
    except UnknownCitizen as error:
        raise api_error(404, "unknown-citizen", str(error), "insz") from None
    if outcome.status == "duplicate":
        response.status_code = 200
    return _answer(move, outcome, _visible_references(session, user, outcome))
