"""`loket exchange grant | revoke | list | consult | log | anomalies`: authorisations,
consultations, and the privacy officer's search of the access log and its anomalies."""

from datetime import date, timedelta

import typer
from sqlalchemy.orm import Session

from loket.cases.model import StaffUser
from loket.cli.common import errors, fail, print_json, sessions
from loket.exchange.anomalies import AnomalyError, anomaly_report
from loket.exchange.authorisations import (
    AuthorisationError,
    authorisation_as_json,
    grant,
    list_authorisations,
    revoke,
)
from loket.exchange.consult import consult
from loket.exchange.search import SearchError, search_log

app = typer.Typer(help="Data exchange between agencies.", no_args_is_help=True)

# Exit code of a refused consultation, distinct from 2 (bad command-line input).
DENIED_EXIT = 3
# `loket exchange anomalies` without --since looks this many days back.
DEFAULT_REPORT_DAYS = 30


def _day(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: {value!r} is not a date (YYYY-MM-DD)")


@app.command("grant")
def grant_(
    agency: str = typer.Option(..., "--agency", help="The agency that may consult."),
    category: str = typer.Option(..., "--category"),
    purpose: str = typer.Option(..., "--purpose"),
    legal_basis: str = typer.Option(..., "--legal-basis"),
    valid_from: str = typer.Option(..., "--from", help="First valid day, YYYY-MM-DD."),
    valid_to: str = typer.Option(None, "--to", help="Last valid day, YYYY-MM-DD."),
    dossier_types: list[str] = typer.Option(  # noqa: B008 - Typer's way of declaring options
        [], "--dossier-type", help="Case type whose open dossier justifies it; repeatable."
    ),
    embargo_days: int = typer.Option(0, "--embargo-days", help="Days the citizen waits."),
    legal_reference: str = typer.Option(None, "--legal-reference"),
    no_dossier_required: bool = typer.Option(False, "--no-dossier-required"),
) -> None:
    """Record an authorisation; prints its id."""
    first = _day("from", valid_from)
    assert first is not None
    try:
        with sessions().begin() as session:
            authorisation = grant(
                session,
                agency,
                category,
                purpose,
                legal_basis,
                first,
                _day("to", valid_to),
                requires_open_dossier=not no_dossier_required,
                dossier_types=dossier_types,
                embargo_days=embargo_days,
                legal_reference=legal_reference,
                granted_by="cli",
            )
            authorisation_id = authorisation.id
    except AuthorisationError as error:
        fail(str(error))
    typer.echo(authorisation_id)


@app.command("revoke")
def revoke_(
    authorisation_id: int = typer.Argument(..., help="The authorisation's id."),
    reason: str = typer.Option(..., "--reason"),
    on: str = typer.Option(None, "--on", help="First day it no longer holds; today by default."),
) -> None:
    """End an authorisation."""
    try:
        with sessions().begin() as session:
            revoke(session, authorisation_id, _day("on", on) or date.today(), "cli", reason)
    except AuthorisationError as error:
        fail(str(error))
    typer.echo(f"revoked {authorisation_id}")


@app.command("list")
def list_(
    agency: str = typer.Option(None, "--agency"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The authorisations, in the order they were granted."""
    with sessions()() as session:
        rows = [authorisation_as_json(a) for a in list_authorisations(session, agency=agency)]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        ends = row["valid_to"] or "…"
        revoked = f" revoked {row['revoked_on']}" if row["revoked_on"] else ""
        typer.echo(
            f"{row['id']}\t{row['agency']}\t{row['category']}\t{row['purpose']}\t"
            f"{row['valid_from']}..{ends}{revoked}"
        )


def _user(session: Session, username: str) -> StaffUser:
    user = session.get(StaffUser, username)
    if user is None:
        fail(f"user: no staff user {username!r}")
    return user


@app.command("consult")
def consult_(
    username: str = typer.Option(..., "--user", help="The staff member consulting."),
    insz: str = typer.Option(..., "--insz"),
    category: str = typer.Option(..., "--category"),
    purpose: str = typer.Option(..., "--purpose"),
    dossier: str = typer.Option(None, "--dossier", help="The dossier that justifies it."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Consult a citizen's data; prints the released fields, or the reason and exits 3."""
    # The log entry is committed with the answer, a refusal included.
    with sessions().begin() as session:
        user = _user(session, username)
        result = consult(session, user, insz, category, purpose, dossier)
    if not result.granted:
        assert result.reason is not None
        if as_json:
            print_json({"error": result.reason.value, "message": result.message})
        errors.print(f"denied ({result.reason.value}): {result.message}", markup=False)
        raise typer.Exit(DENIED_EXIT)
    if as_json:
        print_json(result.fields)
        return
    for name, value in (result.fields or {}).items():
        typer.echo(f"{name}: {value}")


@app.command("log")
def log_(
    citizen: str = typer.Option(None, "--citizen", help="The citizen's INSZ."),
    agency: str = typer.Option(None, "--agency"),
    actor: str = typer.Option(None, "--actor", help="The staff member's username."),
    outcome: str = typer.Option(None, "--outcome", help="granted or denied."),
    category: str = typer.Option(None, "--category"),
    purpose: str = typer.Option(None, "--purpose"),
    since: str = typer.Option(None, "--since", help="First day, YYYY-MM-DD (UTC)."),
    until: str = typer.Option(None, "--until", help="Last day, YYYY-MM-DD (UTC)."),
    limit: int = typer.Option(100, "--limit"),
    offset: int = typer.Option(0, "--offset"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Search the access log, newest first (for the privacy officer)."""
    try:
        with sessions()() as session:
            found = search_log(
                session,
                citizen=citizen,
                agency=agency,
                actor=actor,
                outcome=outcome,
                category=category,
                purpose=purpose,
                since=_day("since", since),
                until=_day("until", until),
                limit=limit,
                offset=offset,
            )
    except SearchError as error:
        fail(str(error))
    if as_json:
        print_json([entry.as_json() for entry in found])
        return
    for entry in found:
        body = entry.body
        typer.echo(
            f"{entry.seq}\t{entry.recorded_at:%Y-%m-%d %H:%M:%S}\t{body.get('outcome')}\t"
            f"{body.get('actor')}\t{body.get('agency')}\t{body.get('citizen')}\t"
            f"{body.get('category')}\t{body.get('purpose')}\t{body.get('reason') or ''}"
        )


@app.command("anomalies")
def anomalies_(
    since: str = typer.Option(None, "--since", help="First day, YYYY-MM-DD; 30 days ago."),
    until: str = typer.Option(None, "--until", help="Last day, YYYY-MM-DD; today."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Consultation patterns worth a question (refusals, no follow-up, outliers, after hours)."""
    last = _day("until", until) or date.today()
    first = _day("since", since) or last - timedelta(days=DEFAULT_REPORT_DAYS)
    try:
        with sessions()() as session:
            report = anomaly_report(session, first, last)
    except AnomalyError as error:
        fail(str(error))
    if as_json:
        print_json([anomaly.as_json() for anomaly in report])
        return
    if not report:
        typer.echo(f"no anomalies from {first} to {last}")
    for anomaly in report:
        seqs = ", ".join(str(seq) for seq in anomaly.seqs)
        typer.echo(
            f"{anomaly.kind.value}\t{anomaly.actor}\t{anomaly.agency}\t{anomaly.office or '-'}\t"
            f"{anomaly.count}\t{anomaly.detail}\t(entries {seqs})"
        )
