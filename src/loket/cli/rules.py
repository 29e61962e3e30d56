"""`loket rules explain --case FILE.yaml`: a living wage or a DAVO advance, step by step."""

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from loket.cli.common import console, fail, print_json
from loket.rules import (
    MaintenanceSituation,
    RulesError,
    decide_advance,
    estimate_living_wage,
    read_case,
)
from loket.rules.model import ComputationStep
from loket.rules.report import advance_json, living_wage_json

app = typer.Typer(help="Rules as code: the living wage and DAVO advances, from the law.")


def _table(title: str, steps: tuple[ComputationStep, ...]) -> Table:
    table = Table(title=title)
    table.add_column("Step")
    table.add_column("EUR", justify="right")
    table.add_column("Reference")
    for step in steps:
        reference = step.reference
        where = ""
        if reference is not None:
            where = f"{reference.article} — {reference.title}"
            if reference.uncertain:
                where += " (to confirm)"
        amount = "" if step.amount_eur is None else f"{step.amount_eur:,.2f}"
        table.add_row(step.label.format(**step.label_args), amount, where)
    return table


@app.command()
def explain(
    case: Path = typer.Option(..., "--case", help="A YAML case file (see docs/rules.md)."),
    on: str = typer.Option(None, "--on", help="Day as YYYY-MM-DD (default: the case's, or today)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Compute the case on a day and print every step with its amount and article."""
    try:
        situation, case_day = read_case(case)
        day = date.fromisoformat(on) if on else case_day or date.today()
    except ValueError as error:
        if isinstance(error, RulesError):
            fail(str(error))
        fail(f"--on: {on!r} is not a date as YYYY-MM-DD")
    try:
        if isinstance(situation, MaintenanceSituation):
            decision = decide_advance(situation, day)
            data = advance_json(decision)
            title = f"DAVO advance on {day.isoformat()}: {decision.monthly_advance_eur} EUR"
            steps = decision.steps
        else:
            result = estimate_living_wage(situation, day)
            data = living_wage_json(result)
            title = f"Living wage on {day.isoformat()}: {result.monthly_amount_eur} EUR a month"
            steps = result.steps
    except RulesError as error:
        fail(str(error))
    if as_json:
        print_json(data)
        return
    console.print(_table(title, steps))
