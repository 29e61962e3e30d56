"""Human review of a control selection: loading a scoring run, the blind assessment, the final
decision, and the only list that may leave the system: the dossiers a person decided to control."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.cases.model import StaffUser
from loket.control.model import (
    NOTE_MAX_LENGTH,
    Assessment,
    ControlReview,
    ControlRun,
    ControlSelection,
    Decision,
    DecisionReason,
    ModelSelection,
    SelectionStatus,
)
from loket.control.review_access import (
    REVIEWING_AGENCY,
    REVIEWING_ROLES,
    InvalidReview,
    ModelProposal,
    NotAllowedToReview,
    ReviewError,
    ReviewOutOfOrder,
    SelectionView,
    UnknownRun,
    UnknownSelection,
    may_review,
    reviews_of,
    view_of,
    visible_selection,
    visible_selections,
)
from loket.control.selection_file import SelectionFileError, read_run_log, read_selected_rows

# Re-exported: callers need one module for the whole review.
__all__ = [
    "REVIEWING_AGENCY",
    "REVIEWING_ROLES",
    "DecidedControl",
    "InvalidReview",
    "LoadSummary",
    "ModelProposal",
    "NotAllowedToReview",
    "ReviewError",
    "ReviewOutOfOrder",
    "ReviewSummary",
    "SelectionFileError",
    "SelectionView",
    "UnknownRun",
    "UnknownSelection",
    "decided_controls",
    "is_override",
    "load_selection",
    "may_review",
    "record_assessment",
    "record_decision",
    "review_queue",
    "review_summary",
    "selection_for",
    "visible_selections",
]

_C = TypeVar("_C", Assessment, Decision, DecisionReason)


@dataclass(frozen=True)
class LoadSummary:
    run_id: str
    selected: int
    risk: int
    random_sample: int
    already_loaded: bool


@dataclass(frozen=True)
class DecidedControl:
    run_id: str
    dossier_id: str
    enterprise_number: str | None
    office_id: str
    reason: DecisionReason
    decided_by: str
    decided_at: datetime


@dataclass
class ReviewSummary:
    run_id: str
    selected: int
    by_status: dict[str, int]
    decisions: dict[str, int]
    reasons: dict[str, int]
    overrides: int
    assessments: dict[str, int]
    # Risk selections only: a random draw makes no risk claim to agree with.
    agreement: dict[str, int]

    @property
    def decided(self) -> int:
        return self.by_status[SelectionStatus.DECIDED.value]

    def as_json(self) -> dict[str, Any]:
        judged = self.agreement["agree"] + self.agreement["disagree"]
        return {
            "run_id": self.run_id,
            "selected": self.selected,
            "by_status": self.by_status,
            "decisions": self.decisions,
            "reasons": self.reasons,
            "overrides": {
                "count": self.overrides,
                "share": self.overrides / self.decided if self.decided else None,
            },
            "assessments": self.assessments,
            "agreement": {
                **self.agreement,
                "share": self.agreement["agree"] / judged if judged else None,
            },
        }


def load_selection(
    session: Session, scores_csv: Path, *, at: datetime | None = None
) -> LoadSummary:
    """Store the dossiers a scoring run selected, each awaiting a person's assessment.

    Loading the same run again changes nothing. A different file under a run id already
    loaded is refused, as is a file that does not match its run log."""
    log = read_run_log(scores_csv)
    rows = read_selected_rows(scores_csv)
    stored = session.get(ControlRun, log.run_id)
    if stored is not None:
        if stored.output_sha256 != log.output_sha256:
            raise SelectionFileError(
                f"{scores_csv.name}: run {log.run_id!r} was loaded before from a different "
                "scores file; a run's selection is never replaced"
            )
        return _load_summary(session, log.run_id, already_loaded=True)
    session.add(
        ControlRun(
            run_id=log.run_id,
            created_at=log.finished_at,
            loaded_at=at or datetime.now(),
            input_file=log.input_file,
            input_sha256=log.input_sha256,
            output_sha256=log.output_sha256,
            model_version=log.model_version,
            parameters=log.parameters,
            counts=log.counts,
        )
    )
    session.flush()
    session.add_all(
        ControlSelection(
            run_id=log.run_id,
            dossier_id=row.dossier_id,
            enterprise_number=row.enterprise_number,
            office_id=row.office_id,
            sector=row.sector,
            rank=row.rank,
            score=row.score,
            selection=row.selection.value,
            explanation=row.explanation,
            status=SelectionStatus.AWAITING_ASSESSMENT.value,
        )
        for row in rows
    )
    session.flush()
    return _load_summary(session, log.run_id, already_loaded=False)


def review_queue(
    session: Session,
    actor: StaffUser | None,
    run_id: str | None = None,
    status: SelectionStatus | None = None,
) -> list[SelectionView]:
    """The selected dossiers `actor` may review, blind where not yet assessed.

    Ordered by dossier id, not by rank: the order of the list must not give the score away."""
    if actor is not None and not may_review(actor):
        raise NotAllowedToReview(actor)
    query = visible_selections(actor)
    if run_id is not None:
        if session.get(ControlRun, run_id) is None:
            raise UnknownRun(run_id)
        query = query.where(ControlSelection.run_id == run_id)
    if status is not None:
        query = query.where(ControlSelection.status == status.value)
    query = query.order_by(ControlSelection.run_id, ControlSelection.dossier_id)
    selections = list(session.scalars(query))
    reviews = reviews_of(session, [s.id for s in selections])
    return [view_of(s, reviews.get(s.id)) for s in selections]


def selection_for(session: Session, actor: StaffUser, selection_id: int) -> SelectionView:
    """One selected dossier.

    Until someone has recorded their own risk judgement of it, nobody is shown its score, its
    rank, why it was selected or the explanation: a reviewer who saw them first would lean on
    them instead of judging the dossier."""
    selection = visible_selection(session, actor, selection_id)
    return view_of(selection, reviews_of(session, [selection.id]).get(selection.id))


def record_assessment(
    session: Session,
    actor: StaffUser,
    selection_id: int,
    assessment: str,
    note: str | None = None,
    *,
    at: datetime | None = None,
) -> SelectionView:
    """Record the reviewer's own risk judgement (high, medium or low), given blind.

    A dossier is assessed once; a second assessment is refused. The score is shown after."""
    selection = visible_selection(session, actor, selection_id)
    chosen = _choice(Assessment, assessment, "assessment")
    text = _note(note, "note")
    if selection.status != SelectionStatus.AWAITING_ASSESSMENT:
        raise ReviewOutOfOrder(f"assessment: selection {selection_id} was already assessed")
    session.add(
        ControlReview(
            selection_id=selection.id,
            assessed_by=actor.username,
            assessment=chosen.value,
            assessment_note=text,
            assessed_at=at or datetime.now(),
        )
    )
    selection.status = SelectionStatus.AWAITING_DECISION.value
    session.flush()
    return selection_for(session, actor, selection_id)


def record_decision(
    session: Session,
    actor: StaffUser,
    selection_id: int,
    decision: str,
    reason: str,
    text: str | None = None,
    *,
    at: datetime | None = None,
) -> SelectionView:
    """Decide whether a selected dossier is controlled.

    A decision needs an assessment first, and a reason that fits it: for a control, the
    indication is confirmed or the dossier was drawn in the random sample (only when it was);
    for no control, one of the reasons for not controlling. "Other" needs a text. The decision
    is final: a second one is refused. Deciding not to control a dossier the model selected
    is counted as an override."""
    selection = visible_selection(session, actor, selection_id)
    chosen = _choice(Decision, decision, "decision")
    why = _choice(DecisionReason, reason, "reason")
    if why.decision != chosen:
        fitting = ", ".join(r.value for r in DecisionReason if r.decision == chosen)
        raise InvalidReview(f"reason: {why.value!r} does not go with {chosen.value}; use {fitting}")
    if why == DecisionReason.RANDOM_SAMPLE and selection.selection != ModelSelection.RANDOM_SAMPLE:
        raise InvalidReview(f"reason: selection {selection_id} was not drawn in the random sample")
    written = _note(text, "text")
    if why == DecisionReason.OTHER and written is None:
        raise InvalidReview("text: say what the other reason is")
    if selection.status == SelectionStatus.AWAITING_ASSESSMENT:
        raise ReviewOutOfOrder(
            f"decision: selection {selection_id} has no assessment yet; assess it first"
        )
    if selection.status == SelectionStatus.DECIDED:
        raise ReviewOutOfOrder(f"decision: selection {selection_id} was decided; it is final")
    review = session.scalars(
        select(ControlReview).where(ControlReview.selection_id == selection.id)
    ).one()
    review.decided_by = actor.username
    review.decision = chosen.value
    review.reason = why.value
    review.reason_text = written
    review.decided_at = at or datetime.now()
    review.override = is_override(chosen)
    selection.status = SelectionStatus.DECIDED.value
    session.flush()
    return selection_for(session, actor, selection_id)


def is_override(decision: Decision) -> bool:
    """A decision overrides the model when it differs from what the model proposed. Every
    dossier on the list was proposed for control, picked by its score or drawn at random, so
    deciding "no control" is an override."""
    return decision != Decision.CONTROL


def review_summary(session: Session, run_id: str) -> ReviewSummary:
    """Counts of a run's review: where each dossier stands, the decisions and their reasons,
    the overrides, and how often the reviewers' blind judgement agreed with the model."""
    if session.get(ControlRun, run_id) is None:
        raise UnknownRun(run_id)
    rows = session.execute(
        select(
            ControlSelection.status,
            ControlSelection.selection,
            ControlReview.assessment,
            ControlReview.decision,
            ControlReview.reason,
            ControlReview.override,
        )
        .outerjoin(ControlReview, ControlReview.selection_id == ControlSelection.id)
        .where(ControlSelection.run_id == run_id)
    ).all()
    statuses = Counter(row.status for row in rows)
    decisions = Counter(row.decision for row in rows if row.decision)
    reasons = Counter(row.reason for row in rows if row.reason)
    assessments = Counter(row.assessment for row in rows if row.assessment)
    judged = [row for row in rows if row.assessment and row.selection == ModelSelection.RISK]
    disagree = sum(1 for row in judged if row.assessment == Assessment.LOW)
    return ReviewSummary(
        run_id=run_id,
        selected=len(rows),
        by_status={s.value: statuses[s.value] for s in SelectionStatus},
        decisions={d.value: decisions[d.value] for d in Decision},
        reasons={r.value: reasons[r.value] for r in DecisionReason},
        overrides=sum(1 for row in rows if row.override),
        assessments={a.value: assessments[a.value] for a in Assessment},
        agreement={"agree": len(judged) - disagree, "disagree": disagree},
    )


def decided_controls(
    session: Session, actor: StaffUser | None, run_id: str | None = None
) -> list[DecidedControl]:
    """The dossiers a person decided to control, oldest decision first.

    This is the only list of selected dossiers that may be handed on to control teams: a
    dossier the model selected but no person decided on never appears here."""
    if actor is not None and not may_review(actor):
        raise NotAllowedToReview(actor)
    query = (
        visible_selections(actor)
        .add_columns(ControlReview)
        .join(ControlReview, ControlReview.selection_id == ControlSelection.id)
        .where(ControlReview.decision == Decision.CONTROL.value)
        .order_by(ControlReview.decided_at, ControlSelection.id)
    )
    if run_id is not None:
        query = query.where(ControlSelection.run_id == run_id)
    controls = []
    for selection, review in session.execute(query):
        # The table's decision_complete check guarantees these once a decision is recorded.
        assert review.reason and review.decided_by and review.decided_at
        controls.append(
            DecidedControl(
                run_id=selection.run_id,
                dossier_id=selection.dossier_id,
                enterprise_number=selection.enterprise_number,
                office_id=selection.office_id,
                reason=DecisionReason(review.reason),
                decided_by=review.decided_by,
                decided_at=review.decided_at,
            )
        )
    return controls


def _load_summary(session: Session, run_id: str, *, already_loaded: bool) -> LoadSummary:
    query = (
        select(ControlSelection.selection, func.count())
        .where(ControlSelection.run_id == run_id)
        .group_by(ControlSelection.selection)
    )
    counts = {selection: number for selection, number in session.execute(query)}
    risk = counts.get(ModelSelection.RISK.value, 0)
    sample = counts.get(ModelSelection.RANDOM_SAMPLE.value, 0)
    return LoadSummary(run_id, risk + sample, risk, sample, already_loaded)


def _choice(kind: type[_C], value: str, name: str) -> _C:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(c.value for c in kind)
        raise InvalidReview(f"{name}: {value!r} is not one of {choices}") from None


def _note(value: str | None, name: str) -> str | None:
    text = (value or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise InvalidReview(
            f"{name}: {len(text)} characters is too long; keep it under {NOTE_MAX_LENGTH}"
        )
    return text or None
