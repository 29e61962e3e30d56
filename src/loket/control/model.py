"""Tables of the human review of tax-control selections: each scoring run loaded for review, the
dossiers it selected, and the reviewer's blind assessment and final decision on each."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base
from loket.texts import N_

# A note says why; long enough for a paragraph, short enough to stay a note.
NOTE_MAX_LENGTH = 2000


class _Choice(StrEnum):
    """A choice with a short label and a description, both marked for translation."""

    @property
    def label(self) -> str:
        return _TEXTS[self][0]

    @property
    def description(self) -> str:
        return _TEXTS[self][1]


class ModelSelection(_Choice):
    """Why the scoring put a dossier on the list."""

    RISK = "risk"
    RANDOM_SAMPLE = "random-sample"


class SelectionStatus(_Choice):
    """Where a selected dossier stands in its review; it moves forward only, one step a time."""

    AWAITING_ASSESSMENT = "awaiting-assessment"
    AWAITING_DECISION = "awaiting-decision"
    DECIDED = "decided"


class Assessment(_Choice):
    """The reviewer's own risk judgement, given before the score is shown."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Decision(_Choice):
    """What a person decided about a selected dossier; only `control` leaves the system."""

    CONTROL = "control"
    NO_CONTROL = "no-control"


class DecisionReason(_Choice):
    """Why a person decided as they did; each reason belongs to one decision."""

    INDICATION_CONFIRMED = "indication-confirmed"
    RANDOM_SAMPLE = "random-sample"
    EXPLAINED_BY_CIRCUMSTANCES = "explained-by-circumstances"
    ALREADY_CONTROLLED = "already-controlled"
    INSUFFICIENT_INDICATION = "insufficient-indication"
    CAPACITY = "capacity"
    OTHER = "other"

    @property
    def decision(self) -> Decision:
        """The decision this reason can be given for."""
        if self in (DecisionReason.INDICATION_CONFIRMED, DecisionReason.RANDOM_SAMPLE):
            return Decision.CONTROL
        return Decision.NO_CONTROL


_TEXTS: dict[StrEnum, tuple[str, str]] = {
    ModelSelection.RISK: (
        N_("Risk score"),
        N_("Selected because its risk score is among the highest."),
    ),
    ModelSelection.RANDOM_SAMPLE: (
        N_("Random sample"),
        N_("Drawn at random, so that the score can be checked against dossiers it did not pick."),
    ),
    SelectionStatus.AWAITING_ASSESSMENT: (
        N_("Awaiting assessment"),
        N_("Nobody has given their own risk judgement yet; the score stays hidden."),
    ),
    SelectionStatus.AWAITING_DECISION: (
        N_("Awaiting decision"),
        N_("Assessed; a person must now decide whether to control."),
    ),
    SelectionStatus.DECIDED: (
        N_("Decided"),
        N_("A person decided; the decision is final."),
    ),
    Assessment.HIGH: (
        N_("High risk"),
        N_("From the dossier alone, under-declaration seems likely."),
    ),
    Assessment.MEDIUM: (
        N_("Medium risk"),
        N_("Some signs of under-declaration, nothing conclusive."),
    ),
    Assessment.LOW: (
        N_("Low risk"),
        N_("From the dossier alone, nothing points to under-declaration."),
    ),
    Decision.CONTROL: (
        N_("Control"),
        N_("The dossier is controlled; it goes on the list handed to the control teams."),
    ),
    Decision.NO_CONTROL: (
        N_("No control"),
        N_("The dossier is not controlled in this round."),
    ),
    DecisionReason.INDICATION_CONFIRMED: (
        N_("Indication confirmed"),
        N_("The reviewer finds the indications of under-declaration convincing."),
    ),
    DecisionReason.RANDOM_SAMPLE: (
        N_("Random sample"),
        N_("Controlled because it was drawn in the random sample."),
    ),
    DecisionReason.EXPLAINED_BY_CIRCUMSTANCES: (
        N_("Explained by circumstances"),
        N_("The deviating figures have a known, lawful explanation."),
    ),
    DecisionReason.ALREADY_CONTROLLED: (
        N_("Already controlled"),
        N_("The enterprise was controlled recently or a control is under way."),
    ),
    DecisionReason.INSUFFICIENT_INDICATION: (
        N_("Insufficient indication"),
        N_("The indications do not justify a control."),
    ),
    DecisionReason.CAPACITY: (
        N_("No capacity"),
        N_("The office cannot take on this control in this round."),
    ),
    DecisionReason.OTHER: (
        N_("Other reason"),
        N_("Another reason, written out in the text."),
    ),
}


class ControlRun(Base):
    """One scoring run whose selection was loaded for review, with its run log."""

    __tablename__ = "control_run"

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # When the scoring run finished, from its run log.
    created_at: Mapped[datetime] = mapped_column(DateTime)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    input_file: Mapped[str] = mapped_column(String(255))
    input_sha256: Mapped[str] = mapped_column(String(64))
    output_sha256: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class ControlSelection(Base):
    """A dossier the run selected; nothing happens to it until a person decided on it."""

    __tablename__ = "control_selection"
    __table_args__ = (
        UniqueConstraint("run_id", "dossier_id"),
        CheckConstraint("selection IN ('risk', 'random-sample')", name="selection"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("control_run.run_id"), index=True)
    dossier_id: Mapped[str] = mapped_column(String(64))
    enterprise_number: Mapped[str | None] = mapped_column(String(10))
    office_id: Mapped[str] = mapped_column(String(64), index=True)
    sector: Mapped[str | None] = mapped_column(String(8))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    selection: Mapped[str] = mapped_column(String(16))
    explanation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24), index=True)


# A decision is recorded whole (who, what, why, when, override) or not at all.
_DECISION_COLUMNS = ("decided_by", "decision", "reason", "decided_at", "override")
_DECISION_COMPLETE = "({}) OR ({})".format(
    " AND ".join(f"{c} IS NULL" for c in _DECISION_COLUMNS),
    " AND ".join(f"{c} IS NOT NULL" for c in _DECISION_COLUMNS),
)


class ControlReview(Base):
    """The review of one selected dossier: first the blind assessment, then the decision.

    Both halves are written once; the decision columns stay empty until a person decides."""

    __tablename__ = "control_review"
    __table_args__ = (
        CheckConstraint(
            f"assessment_note IS NULL OR length(assessment_note) <= {NOTE_MAX_LENGTH}",
            name="assessment_note_length",
        ),
        CheckConstraint(
            f"reason_text IS NULL OR length(reason_text) <= {NOTE_MAX_LENGTH}",
            name="reason_text_length",
        ),
        CheckConstraint(_DECISION_COMPLETE, name="decision_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("control_selection.id"), unique=True)
    assessed_by: Mapped[str] = mapped_column(ForeignKey("staff_user.username"))
    assessment: Mapped[str] = mapped_column(String(8))
    assessment_note: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("staff_user.username"))
    decision: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    reason_text: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The decision differs from what the model proposed (see `loket.control.review`).
    override: Mapped[bool | None] = mapped_column(Boolean)


class ReviewIsFinal(RuntimeError):
    def __init__(self) -> None:
        super().__init__("a control review's assessment and decision are never changed or deleted")


_WRITTEN_ONCE = ("assessed_by", "assessment", "assessment_note", "assessed_at", "decision")


@event.listens_for(ControlReview, "before_update")
def _refuse_rewriting(_mapper: Any, _connection: Any, review: ControlReview) -> None:
    state = inspect(review)
    for name in _WRITTEN_ONCE:
        # Filling in the empty decision is the one change allowed; replacing a value is not.
        if any(old is not None for old in state.attrs[name].history.deleted):
            raise ReviewIsFinal()


@event.listens_for(ControlReview, "before_delete")
def _refuse_deleting(*_: Any) -> None:
    raise ReviewIsFinal()
