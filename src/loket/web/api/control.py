"""Review of tax-control selections for FPS Finance staff: the queue of a run, one selected
dossier (blind until assessed), the assessment, the decision and the run's review counts.

Who sees what is decided by `loket.control.review.visible_selections`; a selection the caller
may not see is answered 404, as if it did not exist.
"""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from loket.cases.model import StaffUser
from loket.control.model import (
    NOTE_MAX_LENGTH,
    Assessment,
    Decision,
    DecisionReason,
    ModelSelection,
    SelectionStatus,
)
from loket.control.review import (
    DecidedControl,
    InvalidReview,
    NotAllowedToReview,
    ReviewError,
    ReviewOutOfOrder,
    SelectionView,
    UnknownRun,
    UnknownSelection,
    decided_controls,
    may_review,
    record_assessment,
    record_decision,
    review_queue,
    review_summary,
    selection_for,
)
from loket.web.api.errors import api_error, responses
from loket.web.api.schemas import MAX_ID, LocalTimestamp
from loket.web.auth import StaffDep
from loket.web.db import SessionDep

router = APIRouter(prefix="/control", tags=["control"])

RUN_ID = Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", examples=["2026-11-29T0200-a1b2"])
SELECTION_ID = Path(ge=1, le=MAX_ID, examples=[17])


class ModelProposalOut(BaseModel):
    score: float = Field(description="Risk score of the run; higher means more risk.")
    rank: int = Field(description="Place in the run, 1 = highest score.")
    selection: ModelSelection = Field(description="`risk` (by score) or `random-sample`.")
    selection_label: str = Field(description="Why it was selected, in plain English.")
    explanation: str = Field(description="Why the score is what it is; plain text.")


class SelectionOut(BaseModel):
    selection_id: int = Field(description="Id of the selected dossier in this review.")
    run_id: str = Field(description="The scoring run that selected it.")
    dossier_id: str = Field(description="The tax dossier, as in the scored file.")
    enterprise_number: str | None = Field(description="Enterprise number (10 digits), if known.")
    office_id: str = Field(description="The tax office competent for the enterprise.")
    sector: str | None = Field(description="NACE class of the enterprise, e.g. 10.71.")
    status: SelectionStatus = Field(description="Where the review stands.")
    blind: bool = Field(description="True until the dossier is assessed: `model` is then null.")
    model: ModelProposalOut | None = Field(
        description="Score, rank, reason for selection and explanation; null while blind."
    )
    assessment: Assessment | None = Field(description="The reviewer's own risk judgement.")
    assessment_note: str | None = Field(description="Note with the assessment; plain text.")
    assessed_by: str | None = Field(description="Username of the assessor.")
    assessed_at: LocalTimestamp | None = Field(description="When the assessment was recorded.")
    decision: Decision | None = Field(description="`control` or `no-control`; final.")
    reason: DecisionReason | None = Field(description="Why the decision was taken.")
    reason_text: str | None = Field(description="The reason in the decider's words; plain text.")
    decided_by: str | None = Field(description="Username of the decider.")
    decided_at: LocalTimestamp | None = Field(description="When the decision was recorded.")
    override: bool | None = Field(description="True when the decision differs from the model.")


class AssessmentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assessment: Assessment = Field(description="Own risk judgement: `high`, `medium` or `low`.")
    note: str | None = Field(
        default=None,
        max_length=NOTE_MAX_LENGTH,
        description="Optional; stored and returned as plain text.",
    )


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Decision = Field(description="`control` or `no-control`; final once recorded.")
    reason: DecisionReason = Field(
        description="For control: `indication-confirmed` or `random-sample`; for no control: "
        "`explained-by-circumstances`, `already-controlled`, `insufficient-indication`, "
        "`capacity` or `other` (then `text` is required)."
    )
    text: str | None = Field(
        default=None,
        max_length=NOTE_MAX_LENGTH,
        description="The reason in your own words; stored and returned as plain text.",
    )


class SummaryOut(BaseModel):
    run_id: str
    selected: int = Field(description="Dossiers the run selected.")
    by_status: dict[str, int] = Field(description="Dossiers per review status.")
    decisions: dict[str, int] = Field(description="Decisions taken, per decision.")
    reasons: dict[str, int] = Field(description="Decisions taken, per reason.")
    overrides: dict[str, Any] = Field(
        description="`count` of decisions that differ from the model and their `share` of the "
        "decisions (null before the first decision)."
    )
    assessments: dict[str, int] = Field(description="Blind assessments, per judgement.")
    agreement: dict[str, Any] = Field(
        description="On risk selections: assessments that `agree` with the model (high or "
        "medium), that `disagree` (low), and the `share` that agrees."
    )


def _out(view: SelectionView) -> SelectionOut:
    model = None
    if view.model is not None:
        model = ModelProposalOut(
            score=view.model.score,
            rank=view.model.rank,
            selection=view.model.selection,
            selection_label=view.model.selection.label,
            explanation=view.model.explanation,
        )
    return SelectionOut(
        selection_id=view.selection_id,
        run_id=view.run_id,
        dossier_id=view.dossier_id,
        enterprise_number=view.enterprise_number,
        office_id=view.office_id,
        sector=view.sector,
        status=view.status,
        blind=model is None,
        model=model,
        assessment=view.assessment,
        assessment_note=view.assessment_note,
        assessed_by=view.assessed_by,
        assessed_at=view.assessed_at,
        decision=view.decision,
        reason=view.reason,
        reason_text=view.reason_text,
        decided_by=view.decided_by,
        decided_at=view.decided_at,
        override=view.override,
    )


def _may_review(user: StaffUser) -> None:
    if not may_review(user):
        raise api_error(403, "role-not-allowed", str(NotAllowedToReview(user)))


def _answer(error: ReviewError) -> HTTPException:
    """The HTTP answer to a refused review step."""
    parameter = str(error).split(":", 1)[0]
    if isinstance(error, NotAllowedToReview):
        return api_error(403, "role-not-allowed", str(error))
    if isinstance(error, UnknownSelection):
        return api_error(404, "unknown-selection", str(error), "selection")
    if isinstance(error, UnknownRun):
        return api_error(404, "unknown-run", str(error), "run")
    if isinstance(error, ReviewOutOfOrder):
        return api_error(409, "out-of-order", str(error), parameter)
    assert isinstance(error, InvalidReview)
    return api_error(422, "invalid-parameter", str(error), parameter)


@router.get(
    "/runs/{run_id}/queue",
    response_model=list[SelectionOut],
    responses=responses(401, 403, 404, 422),
)
def queue(
    session: SessionDep,
    user: StaffDep,
    run_id: Annotated[str, RUN_ID],
    status: Annotated[SelectionStatus | None, Query(description="Only this status.")] = None,
) -> list[SelectionOut]:
    """The run's selected dossiers the caller may review, by dossier id (not by rank, which
    would give the score away); blind where not yet assessed."""
    _may_review(user)
    try:
        return [_out(view) for view in review_queue(session, user, run_id, status)]
    except ReviewError as error:
        raise _answer(error) from None


@router.get(
    "/selections/{selection_id}",
    response_model=SelectionOut,
    responses=responses(401, 403, 404, 422),
)
def read_selection(
    session: SessionDep, user: StaffDep, selection_id: Annotated[int, SELECTION_ID]
) -> SelectionOut:
    """One selected dossier; its score, rank, reason for selection and explanation are left
    out until someone has recorded their own assessment of it."""
    try:
        return _out(selection_for(session, user, selection_id))
    except ReviewError as error:
        raise _answer(error) from None


@router.post(
    "/selections/{selection_id}/assessment",
    response_model=SelectionOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409, 422),
)
def assess(
    session: SessionDep,
    user: StaffDep,
    selection_id: Annotated[int, SELECTION_ID],
    request: AssessmentRequest,
) -> SelectionOut:
    """Record your own risk judgement, once; the answer shows the model's proposal."""
    try:
        view = record_assessment(
            session, user, selection_id, request.assessment.value, request.note
        )
    except ReviewError as error:
        raise _answer(error) from None
    return _out(view)


@router.post(
    "/selections/{selection_id}/decision",
    response_model=SelectionOut,
    status_code=201,
    responses=responses(400, 401, 403, 404, 409, 422),
)
def decide(
    session: SessionDep,
    user: StaffDep,
    selection_id: Annotated[int, SELECTION_ID],
    request: DecisionRequest,
) -> SelectionOut:
    """Decide whether the dossier is controlled: after the assessment, with a reason; final."""
    try:
        view = record_decision(
            session,
            user,
            selection_id,
            request.decision.value,
            request.reason.value,
            request.text,
        )
    except ReviewError as error:
        raise _answer(error) from None
    return _out(view)


@router.get(
    "/runs/{run_id}/summary",
    response_model=SummaryOut,
    responses=responses(401, 403, 404, 422),
)
def summary(session: SessionDep, user: StaffDep, run_id: Annotated[str, RUN_ID]) -> SummaryOut:
    """Counts of the run's review: statuses, decisions, overrides and agreement."""
    _may_review(user)
    try:
        return SummaryOut(**review_summary(session, run_id).as_json())
    except ReviewError as error:
        raise _answer(error) from None


class DecidedControlOut(BaseModel):
    run_id: str = Field(description="The scoring run that selected the dossier.")
    dossier_id: str = Field(description="The tax dossier, as in the scored file.")
    enterprise_number: str | None = Field(description="Enterprise number (10 digits), if known.")
    office_id: str = Field(description="The tax office that will control it.")
    reason: DecisionReason = Field(description="Why a person decided to control it.")
    decided_by: str = Field(description="Username of the decider.")
    decided_at: LocalTimestamp = Field(description="When the decision was recorded.")


@router.get(
    "/runs/{run_id}/controls",
    response_model=list[DecidedControlOut],
    responses=responses(401, 403, 404, 422),
)
def controls(
    session: SessionDep, user: StaffDep, run_id: Annotated[str, RUN_ID]
) -> list[DecidedControlOut]:
    """The run's dossiers a person decided to control, oldest decision first: the only list
    that may go to the control teams. A dossier nobody decided on never appears here."""
    _may_review(user)
    try:
        review_summary(session, run_id)  # an unknown run is a 404, not an empty list
        found: list[DecidedControl] = decided_controls(session, user, run_id)
    except ReviewError as error:
        raise _answer(error) from None
    return [
        DecidedControlOut(
            run_id=item.run_id,
            dossier_id=item.dossier_id,
            enterprise_number=item.enterprise_number,
            office_id=item.office_id,
            reason=item.reason,
            decided_by=item.decided_by,
            decided_at=item.decided_at,
        )
        for item in found
    ]
