"""`loket control review load | queue | show | assess | decide | summary | controls`: the human
review of a control selection at the command line, acting as a named member of staff."""

from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

import typer
from sqlalchemy.orm import Session

from loket.cases.model import StaffUser
from loket.cli.common import fail, print_json, sessions
from loket.control.model import Assessment, Decision, DecisionReason, SelectionStatus
from loket.control.review import (
    NotAllowedToReview,
    ReviewError,
    SelectionFileError,
    SelectionView,
    decided_controls,
    load_selection,
    record_assessment,
    record_decision,
    review_queue,
    review_summary,
    selection_for,
)

review_app = typer.Typer(
    help="Review a control selection: assess blind, then decide.", no_args_is_help=True
)

# Exit code of a refused step, distinct from 2 (bad input), as for a refused consultation.
REFUSED_EXIT = 3
ASSESSMENTS = "|".join(a.value for a in Assessment)
DECISIONS = "|".join(d.value for d in Decision)
REASONS = ", ".join(f"{r.value} ({r.decision.value})" for r in DecisionReason)
STATUSES = ", ".join(s.value for s in SelectionStatus)


def register(app: typer.Typer) -> None:
    """Add the `review` commands to `app` (mounted under `loket control`)."""
    app.add_typer(review_app, name="review")


def _acting(session: Session, username: str) -> StaffUser:
    user = session.get(StaffUser, username)
    if user is None:
        fail(f"--as: no staff user {username!r}")
    return user


def _as_json(view: SelectionView) -> dict[str, Any]:
    data = asdict(view)
    data["blind"] = view.model is None
    return data


def _print_view(view: SelectionView) -> None:
    typer.echo(f"selection {view.selection_id}\t{view.status.value}\trun {view.run_id}")
    typer.echo(f"dossier {view.dossier_id}\t{view.enterprise_number or ''}\t{view.office_id}")
    if view.model is None:
        typer.echo("score hidden until you record your own assessment")
    else:
        model = view.model
        typer.echo(f"score {model.score:.4f}\trank {model.rank}\t{model.selection.value}")
        typer.echo(f"explanation: {model.explanation}")
    if view.assessment is not None:
        typer.echo(f"assessment {view.assessment.value} by {view.assessed_by}")
    if view.decision is not None and view.reason is not None:
        override = " (override)" if view.override else ""
        typer.echo(f"decision {view.decision.value}{override}: {view.reason.value}")


def _step_failed(error: ReviewError) -> NoReturn:
    if isinstance(error, NotAllowedToReview | LookupError):
        fail(str(error), REFUSED_EXIT)
    fail(str(error))


@review_app.command("load")
def load(
    scores: Path = typer.Option(
        ..., "--scores", exists=True, dir_okay=False, help="scores CSV; its .run.json beside it"
    ),
) -> None:
    """Store a run's selected dossiers for review; loading the same run again changes nothing."""
    try:
        with sessions().begin() as session:
            summary = load_selection(session, scores)
    except SelectionFileError as error:
        fail(str(error))
    print_json(asdict(summary))


@review_app.command("queue")
def queue(
    run_id: str = typer.Option(..., "--run", help="The run id from the run log."),
    username: str = typer.Option(
        None, "--as", help="Show what this staff member may review; all when not given."
    ),
    status: str = typer.Option(None, "--status", help=f"Only these: {STATUSES}."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The run's selected dossiers, by dossier id; score hidden where not yet assessed."""
    if status is not None and status not in {s.value for s in SelectionStatus}:
        fail(f"--status: {status!r} is not one of {STATUSES}")
    chosen = SelectionStatus(status) if status else None
    with sessions()() as session:
        # Without --as the command runs with the database's own rights: every selection.
        actor = _acting(session, username) if username is not None else None
        try:
            views = review_queue(session, actor, run_id, chosen)
        except ReviewError as error:
            _step_failed(error)
    if as_json:
        print_json([_as_json(view) for view in views])
        return
    for view in views:
        typer.echo(f"{view.selection_id}\t{view.dossier_id}\t{view.office_id}\t{view.status.value}")


@review_app.command("show")
def show(
    selection_id: int = typer.Argument(..., help="The selection id from the queue."),
    username: str = typer.Option(..., "--as", help="The member of staff asking."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One selected dossier; blind until it has been assessed."""
    with sessions()() as session:
        try:
            view = selection_for(session, _acting(session, username), selection_id)
        except ReviewError as error:
            _step_failed(error)
    if as_json:
        print_json(_as_json(view))
    else:
        _print_view(view)


@review_app.command("assess")
def assess(
    selection_id: int = typer.Argument(..., help="The selection id from the queue."),
    username: str = typer.Option(..., "--as", help="The reviewer."),
    assessment: str = typer.Option(..., "--assessment", help=ASSESSMENTS),
    note: str = typer.Option(None, "--note", help="Why, in your own words."),
) -> None:
    """Record your own risk judgement before seeing the score; once only."""
    try:
        with sessions().begin() as session:
            view = record_assessment(
                session, _acting(session, username), selection_id, assessment, note
            )
    except ReviewError as error:
        _step_failed(error)
    _print_view(view)


@review_app.command("decide")
def decide(
    selection_id: int = typer.Argument(..., help="The selection id from the queue."),
    username: str = typer.Option(..., "--as", help="The member of staff deciding."),
    decision: str = typer.Option(..., "--decision", help=DECISIONS),
    reason: str = typer.Option(..., "--reason", help=REASONS),
    text: str = typer.Option(None, "--text", help="The reason in your words; needed for other."),
) -> None:
    """Decide whether the dossier is controlled; after the assessment, final."""
    try:
        with sessions().begin() as session:
            view = record_decision(
                session, _acting(session, username), selection_id, decision, reason, text
            )
    except ReviewError as error:
        _step_failed(error)
    _print_view(view)


@review_app.command("summary")
def summary(
    run_id: str = typer.Option(..., "--run", help="The run id from the run log."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Counts of the run's review: statuses, decisions, overrides and agreement."""
    with sessions()() as session:
        try:
            counts = review_summary(session, run_id).as_json()
        except ReviewError as error:
            _step_failed(error)
    if as_json:
        print_json(counts)
        return
    overrides, agreement = counts["overrides"], counts["agreement"]
    typer.echo(f"run {run_id}: {counts['selected']} selected")
    for name, number in counts["by_status"].items():
        typer.echo(f"  {name}: {number}")
    typer.echo(f"  decisions: {counts['decisions']}")
    typer.echo(f"  overrides: {overrides['count']} (share {overrides['share']})")
    typer.echo(
        f"  blind assessment agrees with the model on {agreement['agree']} risk selection(s), "
        f"disagrees on {agreement['disagree']}"
    )


@review_app.command("controls")
def controls(
    run_id: str = typer.Option(None, "--run", help="Only this run."),
    username: str = typer.Option(
        None, "--as", help="Only what this staff member may review; all when not given."
    ),
) -> None:
    """The dossiers a person decided to control, as JSON: the only list to hand on."""
    with sessions()() as session:
        actor = _acting(session, username) if username is not None else None
        try:
            rows = decided_controls(session, actor, run_id)
        except ReviewError as error:
            _step_failed(error)
    print_json([asdict(row) for row in rows])
