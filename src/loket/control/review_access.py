"""Who may review control selections and what they are shown: the access rule, the errors of a
review, and the view of a selected dossier that stays blind until it has been assessed."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from loket.cases.choices import Role
from loket.cases.model import StaffUser
from loket.control.model import (
    Assessment,
    ControlReview,
    ControlSelection,
    Decision,
    DecisionReason,
    ModelSelection,
    SelectionStatus,
)

REVIEWING_AGENCY = "fin"
REVIEWING_ROLES = frozenset({Role.ANALYST, Role.CASE_WORKER})


class ReviewError(ValueError):
    """A review request that cannot be carried out; the message says what to change."""


class InvalidReview(ReviewError):
    """A value of an assessment or decision is not acceptable; the message starts with its name."""


class ReviewOutOfOrder(ReviewError):
    """The step asked for does not fit where the review stands (assessed twice, decided early)."""


class NotAllowedToReview(ReviewError, PermissionError):
    def __init__(self, user: StaffUser) -> None:
        super().__init__(
            f"role: a {user.role} of agency {user.agency_code!r} may not review control "
            "selections; ask an analyst or case worker of the FPS Finance"
        )


class UnknownSelection(ReviewError, LookupError):
    def __init__(self, selection_id: int) -> None:
        super().__init__(f"selection: {selection_id} does not exist or is not yours to review")


class UnknownRun(ReviewError, LookupError):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"run: no control run {run_id!r} was loaded for review")


@dataclass(frozen=True)
class ModelProposal:
    """What the scoring said; shown only once the dossier has been assessed."""

    score: float
    rank: int
    selection: ModelSelection
    explanation: str


@dataclass(frozen=True)
class SelectionView:
    """A selected dossier as a reviewer sees it; `model` is None while the review is blind."""

    selection_id: int
    run_id: str
    dossier_id: str
    enterprise_number: str | None
    office_id: str
    sector: str | None
    status: SelectionStatus
    model: ModelProposal | None
    assessment: Assessment | None = None
    assessment_note: str | None = None
    assessed_by: str | None = None
    assessed_at: datetime | None = None
    decision: Decision | None = None
    reason: DecisionReason | None = None
    reason_text: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    override: bool | None = None


def may_review(user: StaffUser) -> bool:
    """Analysts and case workers of the FPS Finance review control selections; nobody else."""
    return user.agency_code == REVIEWING_AGENCY and user.role in REVIEWING_ROLES


def visible_selections(user: StaffUser | None) -> Select[ControlSelection]:
    """The selected dossiers a member of staff may review.

    Analysts of the FPS Finance see every selection. A case worker of the FPS Finance sees the
    dossiers of their own tax office only, and none without an office. Staff of other
    agencies and other roles see none, and are not told whether any exist. `None` stands for
    the operator at the command line, who holds the database's own rights and sees all."""
    query = select(ControlSelection)
    if user is None:
        return query
    if not may_review(user):
        return query.where(false())
    if user.role == Role.ANALYST:
        return query
    if user.office_id is None:
        return query.where(false())
    return query.where(ControlSelection.office_id == user.office_id)


def visible_selection(session: Session, actor: StaffUser, selection_id: int) -> ControlSelection:
    if not may_review(actor):
        raise NotAllowedToReview(actor)
    selection = session.scalar(visible_selections(actor).where(ControlSelection.id == selection_id))
    if selection is None:
        raise UnknownSelection(selection_id)
    return selection


def reviews_of(session: Session, selection_ids: list[int]) -> dict[int, ControlReview]:
    found: dict[int, ControlReview] = {}
    # In slices: a queue can hold more dossiers than a database accepts parameters.
    for start in range(0, len(selection_ids), 1000):
        chunk = selection_ids[start : start + 1000]
        for review in session.scalars(
            select(ControlReview).where(ControlReview.selection_id.in_(chunk))
        ):
            found[review.selection_id] = review
    return found


def view_of(selection: ControlSelection, review: ControlReview | None) -> SelectionView:
    model = None
    if review is not None:
        model = ModelProposal(
            score=selection.score,
            rank=selection.rank,
            selection=ModelSelection(selection.selection),
            explanation=selection.explanation,
        )
    return SelectionView(
        selection_id=selection.id,
        run_id=selection.run_id,
        dossier_id=selection.dossier_id,
        enterprise_number=selection.enterprise_number,
        office_id=selection.office_id,
        sector=selection.sector,
        status=SelectionStatus(selection.status),
        model=model,
        assessment=Assessment(review.assessment) if review else None,
        assessment_note=review.assessment_note if review else None,
        assessed_by=review.assessed_by if review else None,
        assessed_at=review.assessed_at if review else None,
        decision=Decision(review.decision) if review and review.decision else None,
        reason=DecisionReason(review.reason) if review and review.reason else None,
        reason_text=review.reason_text if review else None,
        decided_by=review.decided_by if review else None,
        decided_at=review.decided_at if review else None,
        override=review.override if review else None,
    )
