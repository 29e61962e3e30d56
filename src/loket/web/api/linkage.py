"""Double-claim conflicts for the staff who review them: the POD MI sees all, a welfare centre
those involving its own claims, and a case worker records what a conflict turned out to be.

Who sees what is decided by `loket.linkage.service.visible_conflicts`; a conflict the caller may
not see is answered 404, as if it did not exist.
"""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from loket.cases.model import StaffUser
from loket.linkage.model import (
    NOTE_MAX_LENGTH,
    ConflictStatus,
    DecisionOutcome,
    Finding,
    LinkageConflict,
    LinkageDecision,
)
from loket.linkage.service import (
    InvalidDecision,
    NotAllowedToDecide,
    UnknownConflict,
    decisions_of,
    filtered_conflicts,
    may_decide_on_conflicts,
    may_see_conflicts,
    resolve,
    visible_conflicts,
)
from loket.web.api.errors import api_error, responses
from loket.web.api.schemas import MAX_ID, LocalTimestamp
from loket.web.auth import StaffDep
from loket.web.db import SessionDep

router = APIRouter(tags=["linkage"])

MAX_LIMIT = 500
CONFLICT_ID = Path(pattern=r"^LC-[0-9a-f]{16}$", examples=["LC-3f2a9c0d1b7e4a65"])


class ConflictOut(BaseModel):
    conflict_id: str = Field(description="Stable id of the pair of claims, the same every run.")
    claim_id_a: str = Field(description="The first claim (the smaller claim id).")
    claim_id_b: str = Field(description="The second claim.")
    ocmw_a: str = Field(description="REFNIS code of the welfare centre of claim a.")
    ocmw_b: str = Field(description="REFNIS code of the welfare centre of claim b.")
    match_probability: float = Field(description="How likely both claims are of one person.")
    overlap_start: date = Field(description="First day both claims run.")
    overlap_end: date | None = Field(description="Last day both claims run; null while ongoing.")
    overlap_days: int = Field(description="Days both claims run (up to the run while ongoing).")
    evidence: str = Field(description="What made the two claims look like one person.")
    cluster_id: str = Field(description="Claims linked to one person share a cluster id.")
    status: ConflictStatus = Field(description="`open` until a person decides on it.")
    finding: Finding = Field(
        description="`conflict`, or `needs-check` when the detector could not tell the person "
        "from a namesake or linked the pair only through other claims."
    )
    first_seen_run: int = Field(description="The detector run that first raised it.")
    last_seen_run: int = Field(description="The last detector run that raised it.")


class DecisionOut(BaseModel):
    outcome: DecisionOutcome = Field(description="What the conflict turned out to be.")
    outcome_label: str = Field(description="The outcome in plain English.")
    note: str = Field(description="Why, in the words of the person who decided; plain text.")
    decided_by: str = Field(description="Username of the case worker who decided.")
    decided_at: LocalTimestamp


class ConflictWithDecisions(ConflictOut):
    decisions: list[DecisionOut] = Field(
        description="Every decision, oldest first; the last one holds."
    )


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: DecisionOutcome = Field(
        description="`same-person` (one claim must stop), `different-people` (the pair is not "
        "raised again) or `legitimate` (same person, both claims lawful)."
    )
    note: str = Field(
        min_length=1,
        max_length=NOTE_MAX_LENGTH,
        description="Why; required. Stored and returned as plain text.",
    )


def _conflict_out(row: LinkageConflict) -> ConflictOut:
    return ConflictOut(
        conflict_id=row.conflict_id,
        claim_id_a=row.claim_id_a,
        claim_id_b=row.claim_id_b,
        ocmw_a=row.ocmw_a,
        ocmw_b=row.ocmw_b,
        match_probability=row.match_probability,
        overlap_start=row.overlap_start,
        overlap_end=row.overlap_end,
        overlap_days=row.overlap_days,
        evidence=row.evidence,
        cluster_id=row.cluster_id,
        status=ConflictStatus(row.status),
        finding=Finding(row.finding),
        first_seen_run=row.first_seen_run_id,
        last_seen_run=row.last_seen_run_id,
    )


def _decision_out(row: LinkageDecision) -> DecisionOut:
    outcome = DecisionOutcome(row.outcome)
    return DecisionOut(
        outcome=outcome,
        outcome_label=outcome.label,
        note=row.note,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )


def _with_decisions(session: Session, row: LinkageConflict) -> ConflictWithDecisions:
    return ConflictWithDecisions(
        **_conflict_out(row).model_dump(),
        decisions=[_decision_out(d) for d in decisions_of(session, row.conflict_id)],
    )


def _may_see(user: StaffUser) -> None:
    if not may_see_conflicts(user):
        raise api_error(
            403,
            "role-not-allowed",
            "conflicts are shown to case workers, analysts, managers and administrators of the "
            "POD MI and of the welfare centres",
        )


def _visible(session: Session, user: StaffUser, conflict_id: str) -> LinkageConflict:
    row = session.scalar(visible_conflicts(user).where(LinkageConflict.conflict_id == conflict_id))
    if row is None:
        raise api_error(404, "unknown-conflict", str(UnknownConflict(conflict_id)), "conflict_id")
    return row


@router.get(
    "/linkage/conflicts", response_model=list[ConflictOut], responses=responses(401, 403, 422)
)
def list_conflicts(
    session: SessionDep,
    user: StaffDep,
    status: Annotated[ConflictStatus | None, Query(description="Only open or resolved.")] = None,
    finding: Annotated[
        Finding | None, Query(description="Only conflicts, or only those that need a check.")
    ] = None,
    ocmw: Annotated[
        str | None,
        Query(pattern=r"^[0-9]{5}$", description="Only those involving this REFNIS code."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[ConflictOut]:
    """The conflicts the caller may see, most likely first."""
    _may_see(user)
    query = filtered_conflicts(user, status=status, finding=finding, ocmw=ocmw)
    query = query.order_by(
        LinkageConflict.match_probability.desc(), LinkageConflict.conflict_id
    ).limit(limit)
    return [_conflict_out(row) for row in session.scalars(query.offset(offset))]


@router.get(
    "/linkage/conflicts/{conflict_id}",
    response_model=ConflictWithDecisions,
    responses=responses(401, 403, 404, 422),
)
def read_conflict(
    session: SessionDep, user: StaffDep, conflict_id: Annotated[str, CONFLICT_ID]
) -> ConflictWithDecisions:
    """One conflict with its decisions; 404 as well for a conflict the caller may not see."""
    _may_see(user)
    return _with_decisions(session, _visible(session, user, conflict_id))


@router.post(
    "/linkage/conflicts/{conflict_id}/decisions",
    response_model=ConflictWithDecisions,
    status_code=201,
    responses=responses(400, 401, 403, 404, 422),
)
def decide_conflict(
    session: SessionDep,
    user: StaffDep,
    conflict_id: Annotated[str, CONFLICT_ID],
    request: DecisionRequest,
) -> ConflictWithDecisions:
    """Record what the conflict turned out to be (case workers); the conflict is resolved."""
    if not may_decide_on_conflicts(user):
        raise api_error(403, "role-not-allowed", str(NotAllowedToDecide(user)))
    try:
        resolve(session, user, conflict_id, request.outcome.value, request.note)
    except UnknownConflict as error:
        raise api_error(404, "unknown-conflict", str(error), "conflict_id") from None
    except NotAllowedToDecide as error:
        raise api_error(403, "role-not-allowed", str(error)) from None
    except InvalidDecision as error:
        parameter = str(error).split(":", 1)[0]
        raise api_error(422, "invalid-parameter", str(error), parameter) from None
    return _with_decisions(session, _visible(session, user, conflict_id))
