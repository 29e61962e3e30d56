"""Reading a control-dossiers file as issue 6 asks: a missing column or a protected attribute
refuses the file, every bad row lands in the rejects file with its line and field, the rest is kept.
"""

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from loket.cli.main import app
from loket.control.dossiers import DOSSIER_COLUMNS, read_dossiers
from loket.control.register import ProtectedFeature
from loket.control.score import ScoreOptions, score_dossiers
from loket.demo.enterprises import generate_dossiers, write_dossiers_csv
from loket.store.csvio import CsvFormatError

VALID_NUMBER = "0403.170.701"
GOOD = {
    "dossier_id": "D1",
    "enterprise_number": VALID_NUMBER,
    "nace_code": "10.71",
    "postcode": "9000",
    "employees": "2",
    "turnover_eur": "250000",
    "purchases_eur": "120000",
    "wage_bill_eur": "60000",
    "floor_area_m2": "80",
    "founded_year": "2010",
}
# (field, bad value, what the reason must say about it); each row is otherwise good.
BAD_VALUES = [
    ("nace_code", "99.99", "'99.99'"),
    ("nace_code", "", "nace_code"),
    ("postcode", "9999", "'9999'"),
    ("postcode", "B-9000", "'B-9000'"),
    ("enterprise_number", "0403.170.702", "'0403.170.702'"),
    ("enterprise_number", "12345", "'12345'"),
    ("enterprise_number", "", "(empty)"),
    ("turnover_eur", "0", "more than zero"),
    ("turnover_eur", "-5", "more than zero"),
    ("turnover_eur", "abc", "'abc'"),
    ("purchases_eur", "0", "more than zero"),
    ("purchases_eur", "-120000", "more than zero"),
    ("purchases_eur", "veel", "'veel'"),
    ("wage_bill_eur", "-1", "negative"),
    ("wage_bill_eur", "", "2 employees"),
    ("wage_bill_eur", "n/a", "'n/a'"),
    ("employees", "two", "'two'"),
    ("employees", "-1", "negative"),
    ("floor_area_m2", "0", "more than zero"),
    ("floor_area_m2", "groot", "'groot'"),
    ("founded_year", "1799", "1799"),
    ("founded_year", "2999", "2999"),
    ("founded_year", "ancient", "'ancient'"),
]


def row(**changes: str) -> dict[str, str]:
    return GOOD | changes


def test_an_empty_dossier_id_is_rejected(tmp_path: Path) -> None:
    read = read_dossiers(write(tmp_path / "d.csv", [row(dossier_id="")]), this_year=2025)
    assert read.table.num_rows == 0
    [reject] = rejects_of(tmp_path / "d.csv")
    assert (reject["line"], reject["reason"][:11]) == ("2", "dossier_id:")


def write(
    path: Path,
    rows: list[dict[str, str]],
    *,
    columns: list[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    names = columns or list(rows[0])
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.DictWriter(file, names, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def rejects_of(path: Path) -> list[dict[str, str]]:
    with path.with_suffix(".rejects.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_a_clean_file_is_read_whole_and_leaves_no_rejects_file(tmp_path: Path) -> None:
    source = write(tmp_path / "d.csv", [row(dossier_id="D1"), row(dossier_id="D2")])
    read = read_dossiers(source, this_year=2025)
    assert read.table.column("dossier_id").to_pylist() == ["D1", "D2"]
    assert (read.rows, read.rejected, read.rejects_file) == (2, 0, None)
    assert not source.with_suffix(".rejects.csv").exists()


def test_missing_columns_are_named_and_nothing_is_written(tmp_path: Path) -> None:
    columns = [c for c in DOSSIER_COLUMNS if c not in ("postcode", "founded_year")]
    source = write(tmp_path / "d.csv", [row()], columns=columns)
    with pytest.raises(CsvFormatError, match="postcode, founded_year"):
        read_dossiers(source)
    out = tmp_path / "s.csv"
    result = CliRunner().invoke(
        app, ["control", "score", "--dossiers", str(source), "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "missing column(s) postcode, founded_year" in " ".join(result.output.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


@pytest.mark.parametrize(("field", "value", "says"), BAD_VALUES)
def test_a_bad_value_is_rejected_with_its_line_and_field(
    tmp_path: Path, field: str, value: str, says: str
) -> None:
    rows = [row(dossier_id="OK1"), row(dossier_id="BAD", **{field: value}), row(dossier_id="OK2")]
    read = read_dossiers(write(tmp_path / "d.csv", rows), this_year=2025)
    assert read.table.column("dossier_id").to_pylist() == ["OK1", "OK2"]
    [reject] = rejects_of(tmp_path / "d.csv")
    assert reject["line"] == "3"
    assert reject["reason"].startswith(f"{field}:")
    assert says in reject["reason"]
    assert reject[field] == value  # the row as given, so that it can be corrected


def test_one_person_firm_may_leave_wage_bill_empty_or_zero(tmp_path: Path) -> None:
    rows = [
        row(dossier_id="E", employees="0", wage_bill_eur=""),
        row(dossier_id="Z", employees="0", wage_bill_eur="0"),
        row(dossier_id="F", floor_area_m2=""),
    ]
    read = read_dossiers(write(tmp_path / "d.csv", rows), this_year=2025)
    assert read.rejected == 0
    assert read.table.column("wage_bill_eur").to_pylist() == [None, None, 60000.0]
    assert read.table.column("floor_area_m2").to_pylist() == [80.0, 80.0, None]


def test_enterprise_number_forms_accepted_by_stdnum_are_kept_compact(tmp_path: Path) -> None:
    forms = ["0403.170.701", "BE0403170701", "0403170701", "BE 0403.170.701"]
    rows = [row(dossier_id=f"D{i}", enterprise_number=n) for i, n in enumerate(forms)]
    read = read_dossiers(write(tmp_path / "d.csv", rows), this_year=2025)
    assert read.table.column("enterprise_number").to_pylist() == ["0403170701"] * 4


def test_nace_code_forms_map_to_one_sector(tmp_path: Path) -> None:
    forms = ["10.71", "1071", "10.711", "10711"]
    rows = [row(dossier_id=f"D{i}", nace_code=code) for i, code in enumerate(forms)]
    read = read_dossiers(write(tmp_path / "d.csv", rows), this_year=2025)
    assert read.table.column("sector").to_pylist() == ["10.71"] * 4


def test_a_duplicate_dossier_id_is_rejected_naming_the_first_line(tmp_path: Path) -> None:
    rows = [row(dossier_id="D1"), row(dossier_id="D2"), row(dossier_id="D1", employees="5")]
    read = read_dossiers(write(tmp_path / "d.csv", rows), this_year=2025)
    assert read.table.column("dossier_id").to_pylist() == ["D1", "D2"]
    assert read.table.column("employees").to_pylist() == [2, 2]
    [reject] = rejects_of(tmp_path / "d.csv")
    assert (reject["line"], reject["reason"]) == ("4", "dossier_id: 'D1' already used on line 2")


def test_a_duplicate_of_a_rejected_row_is_kept(tmp_path: Path) -> None:
    rows = [row(dossier_id="D1", postcode="9999"), row(dossier_id="D1")]
    read = read_dossiers(write(tmp_path / "d.csv", rows), this_year=2025)
    assert read.table.column("line").to_pylist() == [3]
    assert [r["line"] for r in rejects_of(tmp_path / "d.csv")] == ["2"]


def test_latin1_file_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    """As Belgian Excel saves it: Windows-1252 bytes, `;` between fields, `,` in amounts."""
    rows = [
        row(dossier_id="Bäckerei-Liège", turnover_eur="250000,50", purchases_eur="120000,25"),
        row(dossier_id="Crème", wage_bill_eur="60000,75", floor_area_m2="80,5"),
        row(dossier_id="Château", postcode="9999"),
    ]
    source = write(tmp_path / "d.csv", rows, delimiter=";", encoding="cp1252")
    read = read_dossiers(source, this_year=2025)
    assert read.encoding == "cp1252"
    kept = read.table.select(
        ["dossier_id", "turnover_eur", "purchases_eur", "wage_bill_eur", "floor_area_m2"]
    ).to_pylist()
    assert kept == [
        {
            "dossier_id": "Bäckerei-Liège",
            "turnover_eur": 250000.5,
            "purchases_eur": 120000.25,
            "wage_bill_eur": 60000.0,
            "floor_area_m2": 80.0,
        },
        {
            "dossier_id": "Crème",
            "turnover_eur": 250000.0,
            "purchases_eur": 120000.0,
            "wage_bill_eur": 60000.75,
            "floor_area_m2": 80.5,
        },
    ]
    [reject] = rejects_of(source)
    assert (reject["line"], reject["dossier_id"]) == ("4", "Château")
    assert reject["reason"].startswith("postcode:")


def test_labels_are_read_when_present(tmp_path: Path) -> None:
    rows = [
        row(dossier_id="HIT", controlled="true", adjustment_eur="1500,50"),
        row(dossier_id="CLEAN", controlled="1", adjustment_eur="0"),
        row(dossier_id="NEVER", controlled="no", adjustment_eur=""),
        row(dossier_id="ODD", controlled="maybe", adjustment_eur=""),
        row(dossier_id="NEG", controlled="yes", adjustment_eur="-3"),
    ]
    read = read_dossiers(write(tmp_path / "d.csv", rows), this_year=2025)
    assert read.labelled
    labels = read.table.select(["dossier_id", "controlled", "adjustment_eur"]).to_pylist()
    assert labels == [
        {"dossier_id": "HIT", "controlled": True, "adjustment_eur": 1500.5},
        {"dossier_id": "CLEAN", "controlled": True, "adjustment_eur": 0.0},
        {"dossier_id": "NEVER", "controlled": False, "adjustment_eur": None},
    ]
    reasons = {r["dossier_id"]: r["reason"] for r in rejects_of(tmp_path / "d.csv")}
    assert reasons["ODD"].startswith("controlled: 'maybe'")
    assert reasons["NEG"].startswith("adjustment_eur:")


def test_without_labels_the_label_columns_are_empty(tmp_path: Path) -> None:
    read = read_dossiers(write(tmp_path / "d.csv", [row()]), this_year=2025)
    assert not read.labelled
    assert read.table.column("controlled").to_pylist() == [None]
    assert read.table.column("adjustment_eur").to_pylist() == [None]


@pytest.mark.parametrize(
    "column", ["nationality", "sex", "family_name", "Family Name", "Nationality", "birth_date"]
)
def test_a_protected_column_refuses_the_whole_file(tmp_path: Path, column: str) -> None:
    rows = [row() | {column: "x"}]
    source = write(tmp_path / "d.csv", rows)
    with pytest.raises(ProtectedFeature, match=f"'{column.lower()}'"):
        read_dossiers(source)
    result = CliRunner().invoke(
        app, ["control", "score", "--dossiers", str(source), "--out", str(tmp_path / "s.csv")]
    )
    assert result.exit_code == 2
    assert f"'{column.lower()}'" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


@pytest.mark.parametrize("column", ["nationaliteit", "nationalité", "geslacht"])
def test_a_protected_column_in_dutch_or_french_refuses_the_file(
    tmp_path: Path, column: str
) -> None:
    with pytest.raises(ProtectedFeature):
        read_dossiers(write(tmp_path / "d.csv", [row() | {column: "x"}]))


@pytest.mark.parametrize("field", ["turnover_eur", "purchases_eur", "wage_bill_eur"])
@pytest.mark.parametrize("value", ["inf", "Infinity", "1e400"])
def test_an_infinite_amount_is_rejected(tmp_path: Path, field: str, value: str) -> None:
    read = read_dossiers(write(tmp_path / "d.csv", [row(**{field: value})]), this_year=2025)
    assert read.rejected == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("employees", "2.7"), ("employees", "0x10"), ("founded_year", "2010.6")],
)
def test_a_count_or_year_that_is_not_a_whole_number_is_rejected(
    tmp_path: Path, field: str, value: str
) -> None:
    read = read_dossiers(write(tmp_path / "d.csv", [row(**{field: value})]), this_year=2025)
    assert read.rejected == 1


# A row is good or bad on one field; the property: kept + rejected is every row, and the
# rejects file names exactly the bad rows' lines.
rows_strategy = st.lists(st.one_of(st.none(), st.sampled_from(BAD_VALUES)), min_size=1, max_size=12)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=rows_strategy)
def test_every_row_is_either_kept_or_in_the_rejects_file(
    tmp_path: Path, plan: list[tuple[str, str, str] | None]
) -> None:
    rows = [
        row(dossier_id=f"D{i}") if bad is None else row(dossier_id=f"D{i}", **{bad[0]: bad[1]})
        for i, bad in enumerate(plan)
    ]
    source = write(tmp_path / "d.csv", rows)
    read = read_dossiers(source, this_year=2025)
    bad_lines = {i + 2 for i, bad in enumerate(plan) if bad is not None}
    assert read.rows == len(plan)
    assert read.table.num_rows + read.rejected == len(plan)
    assert set(read.table.column("line").to_pylist()) == set(range(2, len(plan) + 2)) - bad_lines
    rejected = {int(r["line"]) for r in rejects_of(source)} if bad_lines else set()
    assert rejected == bad_lines
    assert source.with_suffix(".rejects.csv").exists() == bool(bad_lines)


def test_the_good_rows_are_scored_and_the_bad_ones_counted(tmp_path: Path) -> None:
    source = tmp_path / "d.csv"
    write_dossiers_csv(source, generate_dossiers(600, seed=3, labels=False))
    with source.open("a", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        for i, (field, value, _) in enumerate(BAD_VALUES[:5]):
            writer.writerow([row(dossier_id=f"X{i}", **{field: value})[c] for c in DOSSIER_COLUMNS])
    run = score_dossiers(source, ScoreOptions(top=10))
    assert run.table.num_rows == 600
    assert not any(d.startswith("X") for d in run.table.column("dossier_id").to_pylist())
    counts = run.run_log["counts"]
    assert isinstance(counts, dict)
    # Every good row is scored or, without enough peers in its sector, ranked last unscored.
    assert (counts["rows"], counts["scored"] + counts["not_scored"], counts["rejected"]) == (
        605,
        600,
        5,
    )
    assert len(rejects_of(source)) == 5
