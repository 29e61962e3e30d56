"""`loket insight staffing`, `norm`, `staff` and `population`: an office's projection as a
table, JSON and CSV, from its own norms, register and inhabitants."""

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from loket.cli.main import app
from loket.settings import get_settings


@pytest.fixture
def loket(database_url: str) -> Iterator[object]:
    def invoke(*args: str) -> Result:
        return CliRunner().invoke(app, list(args), env={"LOKET_DATABASE_URL": database_url})

    get_settings.cache_clear()
    yield invoke
    get_settings.cache_clear()


def test_an_office_projected_from_its_own_norm_register_and_inhabitants(
    loket: object, tmp_path: Path
) -> None:
    run = loket  # type: ignore[assignment]
    this_year = date.today().year
    register = tmp_path / "staff.csv"
    # Ten control posts: two holders retire next year, one the year after.
    rows = [f"fin-gent,control,1,{this_year + 1 - 67}"] * 2 + [
        f"fin-gent,control,1,{this_year + 2 - 67}"
    ]
    rows += ["fin-gent,control,1,1990"] * 7
    register.write_text("office_id,service,fte,birth_year\n" + "\n".join(rows) + "\n")
    assert run("insight", "staff", str(register)).exit_code == 0
    assert run("insight", "population", "--office", "fin-gent", "--inhabitants", "95000",
               "--on", "2024-01-01", "--source", "Statbel 2024").exit_code == 0  # fmt: skip
    norm = run("insight", "norm", "--agency", "fin", "--service", "control",
               "--per-10000", "1", "--source", "60 for 600,000 (issue 16)")  # fmt: skip
    assert norm.exit_code == 0, norm.output
    bad = run("insight", "norm", "--agency", "fin", "--service", "control", "--source", "x")
    assert bad.exit_code == 2 and "per-10000" in bad.output

    out = tmp_path / "projection.csv"
    result = run("insight", "staffing", "--office", "fin-gent", "--scenario", "control=1/5",
                 "--csv", str(out), "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (control,) = [s for s in data["services"] if s["service"] == "control"]
    # Norm 95,000 ÷ 10,000 × 1 = 9.5 FTE. Now 10; next year 10 − 2 + 0.4 = 8.4 < 9.5.
    assert control["required_fte"] == 9.5
    assert control["fte"][str(this_year)] == 10.0
    assert control["fte"][str(this_year + 1)] == 8.4
    assert control["first_year_below_norm"] == this_year + 1
    assert data["illustrative_norms"] is False
    with out.open(encoding="utf-8") as file:
        lines = list(csv.DictReader(file))
    assert [r["fte"] for r in lines if r["service"] == "control"][:3] == ["10.00", "8.40", "7.60"]

    assert run("insight", "staffing", "--office", "nowhere").exit_code == 2
    assert run("insight", "staffing", "--office", "fin-gent", "--scenario", "x=1").exit_code == 2
