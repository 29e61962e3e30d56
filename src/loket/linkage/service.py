"""Stored conflicts: recording a detector run, who may see which conflict, and a person's
decision on one, of which "different people" keeps the pair from being raised again."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import Session

from loket.cases.choices import Role
from loket.cases.model import StaffUser
from loket.linkage.conflicts import Conflict
from loket.linkage.model import (
    NOTE_MAX_LENGTH,
    ConflictStatus,
    DecisionOutcome,
    Finding,
    LinkageConflict,
    LinkageDecision,
    LinkageMode,
    LinkageRun,
)

# The agency that oversees the living wage for the whole country.
OVERSEEING_AGENCY = "podmi"
WELFARE_AGENCY = "ocmw"
WELFARE_OFFICE_PREFIX = "ocmw-"
# Staff who work on claims or their oversight; counter clerks and privacy officers do not.
SEEING_ROLES = frozenset({Role.CASE_WORKER, Role.ANALYST, Role.MANAGER, Role.ADMIN})
DECIDING_ROLES = frozenset({Role.CASE_WORKER})


class LinkageError(ValueError):
    """A request about conflicts that cannot be carried out; the message says what to change."""


class UnknownConflict(LinkageError, LookupError):
    def __init__(self, conflict_id: str) -> None:
        super().__init__(
            f"conflict: {conflict_id!r} does not exist or does not involve your welfare centre"
        )


class InvalidDecision(LinkageError):
    """The outcome or the note of a decision is not acceptable."""


class NotAllowedToDecide(LinkageError, PermissionError):
    def __init__(self, user: StaffUser) -> None:
        super().__init__(
            f"role: a {user.role} may not decide on conflicts; ask a case worker of one of the "
            "two welfare centres or of the POD MI"
        )


@dataclass(frozen=True)
class RunMeta:
    """What the detector knows about its run, apart from the conflicts themselves.

    `already_suppressed` counts pairs the detector itself left out because a person decided
    they are different people (see `known_different_pairs`)."""

    started_at: datetime
    finished_at: datetime
    engine: str
    mode: LinkageMode
    claims_read: int
    claims_rejected: int
    threshold: float
    model: str | None = None
    already_suppressed: int = 0


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    found: int
    new: int
    seen_again: int
    suppressed: int


def may_see_conflicts(user: StaffUser) -> bool:
    """Whether the role and agency of `user` can ever see a conflict (see `visible_conflicts`)."""
    return user.role in SEEING_ROLES and user.agency_code in (OVERSEEING_AGENCY, WELFARE_AGENCY)


def may_decide_on_conflicts(user: StaffUser) -> bool:
    """Whether `user` may decide on the conflicts they can see: case workers only."""
    return user.role in DECIDING_ROLES and may_see_conflicts(user)


def welfare_centre_refnis(user: StaffUser) -> str | None:
    """The REFNIS code of the welfare centre a member of staff works at, if any."""
    office = user.office_id or ""
    if user.agency_code != WELFARE_AGENCY or not office.startswith(WELFARE_OFFICE_PREFIX):
        return None
    return office.removeprefix(WELFARE_OFFICE_PREFIX)


def visible_conflicts(user: StaffUser) -> Select[LinkageConflict]:
    """The conflicts a member of staff may see.

    A conflict names two living-wage claims at two welfare centres (OCMW/CPAS) that seem to be
    of one person. Case workers, analysts, managers and administrators of the POD
    Maatschappelijke Integratie, which oversees the living wage, see every conflict. Those of a
    welfare centre see a conflict only when one of its two claims is their own centre's; the
    other centre is then named, the claims of third centres are not shown. Counter clerks,
    privacy officers, staff of other agencies and welfare-centre staff without an office see no
    conflict, and the answer does not tell whether any exists.
    """
    query = select(LinkageConflict)
    if not may_see_conflicts(user):
        return query.where(false())
    if user.agency_code == OVERSEEING_AGENCY:
        return query
    refnis = welfare_centre_refnis(user)
    if refnis is None:
        return query.where(false())
    return query.where(or_(LinkageConflict.ocmw_a == refnis, LinkageConflict.ocmw_b == refnis))


def filtered_conflicts(
    user: StaffUser,
    *,
    status: ConflictStatus | None = None,
    finding: Finding | None = None,
    ocmw: str | None = None,
) -> Select[LinkageConflict]:
    """The conflicts `user` may see (`visible_conflicts`), narrowed to one status, one finding
    and those involving one welfare centre (REFNIS code) where given."""
    query = visible_conflicts(user)
    if status is not None:
        query = query.where(LinkageConflict.status == status.value)
    if finding is not None:
        query = query.where(LinkageConflict.finding == finding.value)
    if ocmw is not None:
        query = query.where(or_(LinkageConflict.ocmw_a == ocmw, LinkageConflict.ocmw_b == ocmw))
    return query


def latest_outcomes(session: Session, conflict_ids: Sequence[str]) -> dict[str, DecisionOutcome]:
    """The outcome of the decision that holds (the latest) for each of these conflicts that has
    one."""
    if not conflict_ids:
        return {}
    latest = (
        select(func.max(LinkageDecision.id))
        .where(LinkageDecision.conflict_id.in_(list(conflict_ids)))
        .group_by(LinkageDecision.conflict_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(LinkageDecision.conflict_id, LinkageDecision.outcome).where(
            LinkageDecision.id.in_(latest)
        )
    )
    return {conflict_id: DecisionOutcome(outcome) for conflict_id, outcome in rows}


def known_different_pairs(session: Session) -> frozenset[tuple[str, str]]:
    """The claim-id pairs (sorted) whose latest decision is "different people"; the detector
    leaves them out of its next runs."""
    latest = (
        select(func.max(LinkageDecision.id)).group_by(LinkageDecision.conflict_id).scalar_subquery()
    )
    rows = session.execute(
        select(LinkageDecision.claim_id_a, LinkageDecision.claim_id_b).where(
            LinkageDecision.id.in_(latest),
            LinkageDecision.outcome == DecisionOutcome.DIFFERENT_PEOPLE,
        )
    )
    return frozenset(_sorted_pair(a, b) for a, b in rows)


def record_run(session: Session, run_meta: RunMeta, conflicts: Sequence[Conflict]) -> RunSummary:
    """Store a run and its conflicts.

    A pair seen before keeps its id, its status and its decisions; its figures (probability,
    overlap, evidence) become this run's. A pair decided "different people" is not stored
    again and is counted as suppressed."""
    different = known_different_pairs(session)
    kept = [c for c in conflicts if _sorted_pair(c.claim_id_a, c.claim_id_b) not in different]
    suppressed = run_meta.already_suppressed + len(conflicts) - len(kept)
    run = LinkageRun(
        started_at=run_meta.started_at,
        finished_at=run_meta.finished_at,
        engine=run_meta.engine,
        mode=run_meta.mode.value,
        claims_read=run_meta.claims_read,
        claims_rejected=run_meta.claims_rejected,
        conflicts_found=0,
        conflicts_new=0,
        conflicts_seen_again=0,
        conflicts_suppressed=suppressed,
        model=run_meta.model,
        threshold=run_meta.threshold,
    )
    session.add(run)
    session.flush()
    stored = _stored_conflicts(session, [c.conflict_id for c in kept])
    new = 0
    for conflict in kept:
        row = stored.get(conflict.conflict_id)
        if row is None:
            row = LinkageConflict(
                conflict_id=conflict.conflict_id,
                first_seen_run_id=run.id,
                status=ConflictStatus.OPEN.value,
            )
            session.add(row)
            stored[conflict.conflict_id] = row
            new += 1
        _copy_figures(row, conflict, run.id)
    run.conflicts_found = len(stored)
    run.conflicts_new = new
    run.conflicts_seen_again = len(stored) - new
    session.flush()
    return RunSummary(run.id, run.conflicts_found, new, run.conflicts_seen_again, suppressed)


def resolve(
    session: Session,
    user: StaffUser,
    conflict_id: str,
    outcome: str,
    note: str,
    *,
    at: datetime | None = None,
) -> LinkageDecision:
    """Record a person's decision on a conflict they can see; the conflict becomes resolved.

    Only case workers decide, of the POD MI or of one of the two welfare centres. A note saying
    why is required. A later decision supersedes an earlier one; both stay in the history."""
    if not may_decide_on_conflicts(user):
        raise NotAllowedToDecide(user)
    chosen = _outcome(outcome)
    text = note.strip()
    if not text:
        raise InvalidDecision("note: say why you decided this; the note may not be empty")
    if len(text) > NOTE_MAX_LENGTH:
        raise InvalidDecision(
            f"note: {len(text)} characters is too long; keep it under {NOTE_MAX_LENGTH}"
        )
    conflict = session.scalar(
        visible_conflicts(user).where(LinkageConflict.conflict_id == conflict_id)
    )
    if conflict is None:
        raise UnknownConflict(conflict_id)
    decision = LinkageDecision(
        conflict_id=conflict.conflict_id,
        claim_id_a=conflict.claim_id_a,
        claim_id_b=conflict.claim_id_b,
        outcome=chosen.value,
        note=text,
        decided_by=user.username,
        decided_at=at or datetime.now(),
    )
    session.add(decision)
    conflict.status = ConflictStatus.RESOLVED.value
    session.flush()
    return decision


def decisions_of(session: Session, conflict_id: str) -> list[LinkageDecision]:
    """The decisions on a conflict, oldest first; the last one holds."""
    return list(
        session.scalars(
            select(LinkageDecision)
            .where(LinkageDecision.conflict_id == conflict_id)
            .order_by(LinkageDecision.id)
        )
    )


def _outcome(outcome: str) -> DecisionOutcome:
    try:
        return DecisionOutcome(outcome)
    except ValueError:
        choices = ", ".join(o.value for o in DecisionOutcome)
        raise InvalidDecision(f"outcome: {outcome!r} is not one of {choices}") from None


def _sorted_pair(claim_id_a: str, claim_id_b: str) -> tuple[str, str]:
    first, second = sorted((claim_id_a, claim_id_b))
    return first, second


def _stored_conflicts(session: Session, conflict_ids: list[str]) -> dict[str, LinkageConflict]:
    found: dict[str, LinkageConflict] = {}
    # In slices: a run can raise more conflicts than a database accepts parameters.
    for start in range(0, len(conflict_ids), 1000):
        chunk = conflict_ids[start : start + 1000]
        for row in session.scalars(
            select(LinkageConflict).where(LinkageConflict.conflict_id.in_(chunk))
        ):
            found[row.conflict_id] = row
    return found


def _copy_figures(row: LinkageConflict, conflict: Conflict, run_id: int) -> None:
    row.claim_id_a = conflict.claim_id_a
    row.claim_id_b = conflict.claim_id_b
    row.ocmw_a = conflict.ocmw_a
    row.ocmw_b = conflict.ocmw_b
    row.match_probability = conflict.match_probability
    row.overlap_start = conflict.overlap_start
    row.overlap_end = conflict.overlap_end
    row.overlap_days = conflict.overlap_days
    row.evidence = conflict.evidence
    row.cluster_id = conflict.cluster_id
    row.finding = conflict.status
    row.last_seen_run_id = run_id
