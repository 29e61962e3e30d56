"""Tables of the double-claim detection: each run, the conflicts it raised and the decisions
people took on them; a decision is appended, never changed, so the history stays."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base
from loket.texts import N_

# A decision's note says why; long enough for a paragraph, short enough to stay a note.
NOTE_MAX_LENGTH = 2000


class LinkageMode(StrEnum):
    """Whether the claims carried names and INSZ in clear or pseudonymised (keyed hashes)."""

    CLEAR = "clear"
    PSEUDONYMISED = "pseudonymised"


class ConflictStatus(StrEnum):
    """A conflict is open until a person decides on it."""

    OPEN = "open"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ConflictStatus.OPEN: N_("Waiting for a decision"),
    ConflictStatus.RESOLVED: N_("Decided"),
}


class Finding(StrEnum):
    """What the detector made of a pair: a `conflict`, or `needs-check` when the evidence
    cannot tell the person from a namesake or links the pair only through other claims
    (see `loket.linkage.outcomes`)."""

    CONFLICT = "conflict"
    NEEDS_CHECK = "needs-check"

    @property
    def label(self) -> str:
        return _FINDING_LABELS[self]


_FINDING_LABELS = {
    Finding.CONFLICT: N_("Conflict"),
    Finding.NEEDS_CHECK: N_("Needs a check: the same person is not certain"),
}


class DecisionOutcome(StrEnum):
    """What a person decided about two claims flagged as one person at two welfare centres."""

    SAME_PERSON = "same-person"
    DIFFERENT_PEOPLE = "different-people"
    LEGITIMATE = "legitimate"

    @property
    def label(self) -> str:
        """Short name for lists and buttons (translated where shown)."""
        return _OUTCOME_LABELS[self][0]

    @property
    def description(self) -> str:
        """What the outcome means and what follows from it (translated where shown)."""
        return _OUTCOME_LABELS[self][1]


_OUTCOME_LABELS = {
    DecisionOutcome.SAME_PERSON: (
        N_("Same person"),
        N_("One person draws the living wage at both centres; one of the claims must stop."),
    ),
    DecisionOutcome.DIFFERENT_PEOPLE: (
        N_("Different people"),
        N_("The two claims belong to two people; this pair is not raised again."),
    ),
    DecisionOutcome.LEGITIMATE: (
        N_("Legitimate"),
        N_("Same person, but both claims are lawful for the period (e.g. a move between centres)."),
    ),
}


class LinkageRun(Base):
    """One run of the detector over a claims file."""

    __tablename__ = "linkage_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime] = mapped_column(DateTime)
    engine: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    claims_read: Mapped[int] = mapped_column(Integer)
    claims_rejected: Mapped[int] = mapped_column(Integer)
    # Conflicts stored by this run, after the pairs decided "different people" were left out.
    conflicts_found: Mapped[int] = mapped_column(Integer)
    conflicts_new: Mapped[int] = mapped_column(Integer)
    conflicts_seen_again: Mapped[int] = mapped_column(Integer)
    conflicts_suppressed: Mapped[int] = mapped_column(Integer)
    # The trained Splink model as JSON, or where it was saved.
    model: Mapped[str | None] = mapped_column(Text)
    threshold: Mapped[float] = mapped_column(Float)


class LinkageConflict(Base):
    """Two claims of one person at two welfare centres whose periods overlap.

    The id comes from the two claim ids (`loket.linkage.conflicts.conflict_id_of`), so a pair
    found again by a later run is the same row and keeps its decisions. The figures are those of
    the last run that found it."""

    __tablename__ = "linkage_conflict"
    __table_args__ = (UniqueConstraint("claim_id_a", "claim_id_b"),)

    conflict_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    claim_id_a: Mapped[str] = mapped_column(String(64))
    claim_id_b: Mapped[str] = mapped_column(String(64))
    ocmw_a: Mapped[str] = mapped_column(String(5), index=True)
    ocmw_b: Mapped[str] = mapped_column(String(5), index=True)
    match_probability: Mapped[float] = mapped_column(Float)
    overlap_start: Mapped[date] = mapped_column(Date)
    overlap_end: Mapped[date | None] = mapped_column(Date)
    overlap_days: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text)
    cluster_id: Mapped[str] = mapped_column(String(64))
    first_seen_run_id: Mapped[int] = mapped_column(ForeignKey("linkage_run.id"))
    last_seen_run_id: Mapped[int] = mapped_column(ForeignKey("linkage_run.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    finding: Mapped[str] = mapped_column(
        String(16), index=True, default=Finding.CONFLICT.value, server_default="conflict"
    )


class LinkageDecision(Base):
    """A person's decision on a conflict; a later decision on the same conflict supersedes an
    earlier one, which stays as history."""

    __tablename__ = "linkage_decision"
    __table_args__ = (
        CheckConstraint(f"length(note) BETWEEN 1 AND {NOTE_MAX_LENGTH}", name="note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conflict_id: Mapped[str] = mapped_column(ForeignKey("linkage_conflict.conflict_id"), index=True)
    claim_id_a: Mapped[str] = mapped_column(String(64))
    claim_id_b: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(ForeignKey("staff_user.username"))
    decided_at: Mapped[datetime] = mapped_column(DateTime)


class DecisionIsHistory(RuntimeError):
    def __init__(self) -> None:
        super().__init__("a linkage decision is never changed or deleted; record a new decision")


@event.listens_for(LinkageDecision, "before_update")
@event.listens_for(LinkageDecision, "before_delete")
def _refuse_rewriting(*_: Any) -> None:
    raise DecisionIsHistory()
