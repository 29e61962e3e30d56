"""`loket linkage conflicts | resolve`: the stored double-claim conflicts and a case worker's
decision on one."""

import typer
from sqlalchemy import Select, or_, select

from loket.cases.model import StaffUser
from loket.cli.common import fail, print_json, sessions
from loket.linkage.model import ConflictStatus, DecisionOutcome, Finding, LinkageConflict
from loket.linkage.service import (
    LinkageError,
    NotAllowedToDecide,
    decisions_of,
    resolve,
    visible_conflicts,
)

app = typer.Typer(help="Review double-claim conflicts.", no_args_is_help=True)

# Exit code of a refused decision, distinct from 2 (bad input), as for a refused consultation.
REFUSED_EXIT = 3
STATUSES = ", ".join(s.value for s in ConflictStatus)
OUTCOMES = "|".join(o.value for o in DecisionOutcome)
FINDINGS = ", ".join(f.value for f in Finding)


def _as_json(conflict: LinkageConflict) -> dict[str, object]:
    return {
        "conflict_id": conflict.conflict_id,
        "claim_id_a": conflict.claim_id_a,
        "claim_id_b": conflict.claim_id_b,
        "ocmw_a": conflict.ocmw_a,
        "ocmw_b": conflict.ocmw_b,
        "match_probability": conflict.match_probability,
        "overlap_start": conflict.overlap_start.isoformat(),
        "overlap_end": conflict.overlap_end.isoformat() if conflict.overlap_end else None,
        "overlap_days": conflict.overlap_days,
        "evidence": conflict.evidence,
        "cluster_id": conflict.cluster_id,
        "status": conflict.status,
        "finding": conflict.finding,
        "first_seen_run": conflict.first_seen_run_id,
        "last_seen_run": conflict.last_seen_run_id,
    }


@app.command("conflicts")
def conflicts_(
    status: str = typer.Option(None, "--status", help=f"Only these: {STATUSES}."),
    finding: str = typer.Option(None, "--finding", help=f"Only these: {FINDINGS}."),
    ocmw: str = typer.Option(None, "--ocmw", help="Only those involving this REFNIS code."),
    username: str = typer.Option(
        None, "--user", help="Show only what this staff member may see; all when not given."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The stored conflicts, most likely first, each with its latest decision."""
    if status is not None and status not in {s.value for s in ConflictStatus}:
        fail(f"status: {status!r} is not one of {STATUSES}")
    if finding is not None and finding not in {f.value for f in Finding}:
        fail(f"finding: {finding!r} is not one of {FINDINGS}")
    with sessions()() as session:
        # Without --user the command runs with the database's own rights: every conflict.
        query: Select[LinkageConflict] = select(LinkageConflict)
        if username is not None:
            user = session.get(StaffUser, username)
            if user is None:
                fail(f"user: no staff user {username!r}")
            query = visible_conflicts(user)
        if status is not None:
            query = query.where(LinkageConflict.status == status)
        if finding is not None:
            query = query.where(LinkageConflict.finding == finding)
        if ocmw is not None:
            query = query.where(or_(LinkageConflict.ocmw_a == ocmw, LinkageConflict.ocmw_b == ocmw))
        query = query.order_by(
            LinkageConflict.match_probability.desc(), LinkageConflict.conflict_id
        )
        rows = []
        for conflict in session.scalars(query):
            row = _as_json(conflict)
            decisions = decisions_of(session, conflict.conflict_id)
            row["outcome"] = decisions[-1].outcome if decisions else None
            rows.append(row)
    if as_json:
        print_json(rows)
        return
    for kind in Finding:
        listed = [row for row in rows if row["finding"] == kind.value]
        if not listed:
            continue
        typer.echo(f"# {kind.value}: {kind.label}")
        for row in listed:
            ends = row["overlap_end"] or "…"
            typer.echo(
                f"{row['conflict_id']}\t{row['status']}\t{row['outcome'] or ''}\t"
                f"{row['ocmw_a']}:{row['claim_id_a']}\t{row['ocmw_b']}:{row['claim_id_b']}\t"
                f"{row['match_probability']:.4f}\t{row['overlap_start']}..{ends}"
            )


@app.command("resolve")
def resolve_(
    conflict_id: str = typer.Argument(..., help="The conflict's id, LC-…"),
    username: str = typer.Option(..., "--user", help="The case worker deciding."),
    outcome: str = typer.Option(..., "--outcome", help=OUTCOMES),
    note: str = typer.Option(..., "--note", help="Why; required."),
) -> None:
    """Record a decision on a conflict; it is resolved, and a different-people pair is not
    raised again."""
    try:
        with sessions().begin() as session:
            user = session.get(StaffUser, username)
            if user is None:
                fail(f"user: no staff user {username!r}")
            resolve(session, user, conflict_id, outcome, note)
    except NotAllowedToDecide as error:
        fail(str(error), REFUSED_EXIT)
    except LinkageError as error:
        fail(str(error))
    typer.echo(f"{conflict_id} resolved: {outcome}")
