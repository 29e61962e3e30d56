"""`loket rules explain --case FILE.yaml`: the table, the JSON, and the refusals (exit 2)."""

import json
from pathlib import Path

from typer.testing import CliRunner

from loket.cli.main import app

runner = CliRunner()


def case(tmp_path: Path, text: str) -> str:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_living_wage_table_names_each_step_and_article(tmp_path: Path) -> None:
    path = case(tmp_path, "category: single\nmonthly_net_resources_eur: 500\non: 2025-03-01\n")
    result = runner.invoke(app, ["rules", "explain", "--case", path])
    assert result.exit_code == 0, result.output
    assert "835.03" in result.output and "art. 22, § 1, b)" in result.output


def test_json_and_on_overrides_the_cases_day(tmp_path: Path) -> None:
    path = case(tmp_path, "category: cohabitant\non: 2025-03-01\n")
    result = runner.invoke(
        app, ["rules", "explain", "--case", path, "--on", "2024-05-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["on"] == "2024-05-01" and body["monthly_amount_eur"] == "858.97"
    assert body["steps"][0]["reference"]["gazette_date"] == "2002-07-31"


def test_maintenance_case(tmp_path: Path) -> None:
    text = (
        "creditor_domiciled_in_belgium: true\nenforceable_title: true\n"
        "missed_payments_last_12_months: 3\ncreditor_monthly_net_income_eur: 1900\n"
        "requested_on: 2025-01-10\nchildren:\n  - monthly_title_amount_eur: 250\n"
        "  - monthly_title_amount_eur: 90\n    disabled: true\n"
    )
    result = runner.invoke(
        app, ["rules", "explain", "--case", case(tmp_path, text), "--on", "2025-02-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["per_child_eur"] == ["175.00", "90.00"] and body["monthly_advance_eur"] == "265.00"


def test_bad_field_exits_2_naming_it(tmp_path: Path) -> None:
    path = case(tmp_path, "category: single\nmonthly_net_resources_eur: lots\n")
    result = runner.invoke(app, ["rules", "explain", "--case", path])
    assert result.exit_code == 2
    assert "monthly_net_resources_eur" in result.output


def test_unknown_field_and_unknown_category_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rules", "explain", "--case", case(tmp_path, "category: rich\n")])
    assert result.exit_code == 2 and "category" in result.output
    path = case(tmp_path, "category: single\nsalary: 10\n")
    result = runner.invoke(app, ["rules", "explain", "--case", path])
    assert result.exit_code == 2 and "salary" in result.output


def test_date_before_the_first_amount_exits_2(tmp_path: Path) -> None:
    path = case(tmp_path, "category: single\n")
    result = runner.invoke(app, ["rules", "explain", "--case", path, "--on", "2022-12-31"])
    assert result.exit_code == 2
    assert "no living-wage amount is known before 2023-01-01" in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rules", "explain", "--case", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "nope.yaml" in result.output
