"""`loket insight`: staffing projections per office, legal terms, and the monthly caseload
summary rebuilt from the dossiers."""

from datetime import date, datetime
from pathlib import Path

import typer
from rich.table import Table

from loket.cases.model import Office
from loket.cli.common import console, fail, print_json, sessions
from loket.insight.caseload import refresh_open_load
from loket.insight.caseload_refresh import rebuild_office_months
from loket.insight.deadlines import CASE_TERMS
from loket.insight.staffing import ScenarioError, parse_scenario, ratio_label
from loket.insight.staffing_import import import_staff
from loket.insight.staffing_model import OfficePopulation
from loket.insight.staffing_norms import NormError, ensure_default_norms, set_norm
from loket.insight.staffing_service import UnknownOffice, office_staffing, staffing_csv
from loket.store.csvio import CsvFormatError

app = typer.Typer(help="Caseload, legal terms and staffing against norms.", no_args_is_help=True)


@app.command()
def staffing(
    office: str = typer.Option(..., "--office", help="Office id, e.g. ocmw-44021 or fin-gent."),
    scenario: str = typer.Option(
        "",
        "--scenario",
        help="Replacement of retiring staff per service, e.g. collection=3/5,control=1/5 "
        "(services: critical, collection, contact-centre, control; default 1/1).",
    ),
    start: int = typer.Option(None, "--start", help="First year (default this year)."),
    csv_file: Path = typer.Option(None, "--csv", dir_okay=False, help="Also write a CSV."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """FTE per service for five years as staff retire, against the norm, and the first year
    each service falls below it."""
    try:
        ratios = parse_scenario(scenario)
    except ScenarioError as error:
        fail(str(error))
    with sessions()() as session:
        try:
            result = office_staffing(session, office, ratios, start or date.today().year)
        except UnknownOffice as error:
            fail(str(error))
    if csv_file is not None:
        csv_file.write_text(staffing_csv(result), encoding="utf-8")
    if as_json:
        print_json(result.as_json())
        return
    table = Table(title=f"{result.office_name} ({result.office_id})")
    years = result.projections[0].years if result.projections else ()
    for column in ("service", "replaced", "norm FTE", *map(str, years), "below from"):
        table.add_column(column)
    for p in result.projections:
        need = "-" if p.required_fte is None else f"{p.required_fte:.1f}"
        table.add_row(
            p.service,
            ratio_label(p.ratio),
            need,
            *(f"{f:.1f}" for f in p.fte),
            str(p.first_year_below or "-"),
        )
    console.print(table)
    if result.illustrative_norms:
        console.print("The norms are illustrative defaults: set the office's own.")


@app.command("staff")
def staff_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Staff register CSV."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Replace the staff register of the offices named in FILE (columns office_id, service,
    fte, birth_year[, retirement_age]); bad rows go to FILE.rejects.csv."""
    try:
        with sessions().begin() as session:
            summary = import_staff(session, file)
    except CsvFormatError as error:
        fail(str(error))
    if as_json:
        print_json(summary.as_json())
    else:
        console.print(
            f"{summary.posts} posts at {summary.offices} offices; {summary.rejected} rows rejected"
        )


@app.command()
def population(
    office: str = typer.Option(..., "--office"),
    inhabitants: int = typer.Option(..., "--inhabitants", min=0),
    counted_on: str = typer.Option(..., "--on", help="Day of the count, YYYY-MM-DD."),
    source: str = typer.Option(..., "--source", help="Where the figure comes from."),
) -> None:
    """Set the inhabitants an office serves (for norms per 10,000 inhabitants)."""
    try:
        day = date.fromisoformat(counted_on)
    except ValueError:
        fail(f"--on: {counted_on!r} is not a date as YYYY-MM-DD")
    with sessions().begin() as session:
        if session.get(Office, office) is None:
            fail(f"--office: no office {office!r}")
        session.merge(
            OfficePopulation(
                office_id=office, inhabitants=inhabitants, counted_on=day, source=source
            )
        )
    console.print(f"{office}: {inhabitants} inhabitants on {day} ({source})")


@app.command()
def refresh(
    months: bool = typer.Option(
        False, "--months", help="Also rebuild the monthly summary (after a bulk load)."
    ),
) -> None:
    """Count every office's open load again for the managers' page; run it on a schedule
    (every 15 minutes, say). The monthly summary is kept current as dossiers are opened and
    decided; --months rebuilds it from the dossiers and their history."""
    with sessions().begin() as session:
        rows = refresh_open_load(session, datetime.now())
        if months:
            rows += rebuild_office_months(session)
    console.print(f"{rows} summary rows written")


@app.command()
def norms() -> None:
    """Load the illustrative default norms for agencies that have none yet."""
    with sessions().begin() as session:
        added = ensure_default_norms(session)
    console.print(f"{added} default norm lines added")


@app.command()
def norm(
    agency: str = typer.Option(..., "--agency"),
    service: str = typer.Option(..., "--service", help="critical, collection, …"),
    source: str = typer.Option(..., "--source", help="Where the figure comes from."),
    case_type: str = typer.Option(None, "--case-type", help="Weigh open dossiers of a type."),
    per_fte: float = typer.Option(None, "--per-fte", help="Weighted dossiers one FTE carries."),
    weight: float = typer.Option(1.0, "--weight", help="Effort of one dossier of the type."),
    per_10000: float = typer.Option(None, "--per-10000", help="FTE per 10,000 inhabitants."),
) -> None:
    """Set the agency's own norm line for a service (replacing the line it had): either
    --case-type with --per-fte [--weight], or --per-10000."""
    try:
        with sessions().begin() as session:
            set_norm(
                session,
                agency=agency,
                service=service,
                source=source,
                case_type=case_type,
                dossiers_per_fte=per_fte,
                effort_weight=weight,
                fte_per_10000_inhabitants=per_10000,
            )
    except NormError as error:
        fail(str(error))
    console.print(f"norm set for {agency} {service}{' ' + case_type if case_type else ''}")


@app.command()
def terms(as_json: bool = typer.Option(False, "--json")) -> None:
    """The legal terms per case type, with their references."""
    rows = [
        {
            "case_type": t.case_type,
            **{
                step: None if term is None else {"days": term.days, "reference": term.reference}
                for step, term in (
                    ("decision", t.decision),
                    ("notification", t.notification),
                    ("forwarding", t.forwarding),
                )
            },
            "note": t.note,
        }
        for t in CASE_TERMS.values()
    ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        console.print(row, highlight=False)
