"""Reading a claims file as issue 5 asks: doubtful evidence kept with a warning, rows that cannot
be a claim rejected with their line and the field at fault, Belgian Excel files read right."""

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.be import nn

from loket.linkage.claims import CLAIM_COLUMNS, read_claims
from loket.store.csvio import CsvFormatError

TODAY = date(2026, 1, 1)
ANTWERPEN, GENT = "11002", "44021"
VALID_INSZ = "85073003328"
BAD_CHECKSUM = "85073003329"  # one digit off: the checksum no longer holds


def claim(claim_id: str, **values: str) -> dict[str, str]:
    row = {
        "claim_id": claim_id,
        "ocmw_refnis": ANTWERPEN,
        "insz": VALID_INSZ,
        "family_name": "Peeters",
        "given_names": "Jan",
        "birth_date": "1985-07-30",
        "sex": "M",
        "street": "Kerkstraat",
        "house_number": "1",
        "postcode": "2000",
        "start_date": "2025-01-01",
        "end_date": "",
        "monthly_amount_eur": "1314.20",
        "category": "single",
    }
    row.update(values)
    return row


def write(path: Path, rows: list[dict[str, str]], delimiter: str = ",", encoding: str = "utf-8"):
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.DictWriter(file, fieldnames=CLAIM_COLUMNS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def rejects_of(source: Path) -> dict[int, str]:
    """line -> reason, from `<input>.rejects.csv`."""
    path = source.with_name(source.stem + ".rejects.csv")
    return {int(row["line"]): row["reason"] for row in read_csv(path)} if path.exists() else {}


def warnings_of(source: Path) -> list[tuple[int, str, str, str]]:
    """(line, claim_id, field, message), from `<input>.warnings.csv`."""
    path = source.with_name(source.stem + ".warnings.csv")
    if not path.exists():
        return []
    return [(int(r["line"]), r["claim_id"], r["field"], r["message"]) for r in read_csv(path)]


def kept(path: Path) -> dict[str, dict[str, object]]:
    return {row["claim_id"]: row for row in read_claims(path, today=TODAY).table.to_pylist()}


def test_an_invalid_or_empty_insz_is_kept_and_named_in_the_warnings(tmp_path: Path) -> None:
    path = write(
        tmp_path / "claims.csv",
        [claim("C1"), claim("C2", insz=BAD_CHECKSUM), claim("C3", insz="")],
    )
    rows = kept(path)
    assert (rows["C1"]["insz"], rows["C1"]["insz_valid"]) == (VALID_INSZ, True)
    assert (rows["C2"]["insz"], rows["C2"]["insz_valid"]) == (BAD_CHECKSUM, False)
    assert rows["C3"]["insz"] is None
    assert rejects_of(path) == {}
    warned = {(line, claim_id, field) for line, claim_id, field, _ in warnings_of(path)}
    assert warned == {(3, "C2", "insz"), (4, "C3", "insz")}
    messages = {line: message for line, _, _, message in warnings_of(path)}
    assert "checksum" in messages[3] and "missing" in messages[4]


# (row, the field the reason must name first, a word of the reason)
REJECTED = [
    (claim("R1", start_date="2025-02-30"), "start_date", "2025-02-30"),
    (claim("R2", start_date="01/02/2025"), "start_date", "YYYY-MM-DD"),
    (claim("R3", end_date="2025-13-01"), "end_date", "2025-13-01"),
    (claim("R4", start_date="2025-03-01", end_date="2025-02-28"), "end_date", "before"),
    (claim("R5", ocmw_refnis="99999"), "ocmw_refnis", "99999"),
    (claim("", family_name="Nobody"), "claim_id", "empty"),
]


def test_rows_that_cannot_be_a_claim_are_rejected_with_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path / "claims.csv", [claim("OK1"), *(row for row, _, _ in REJECTED)])
    read = read_claims(path, today=TODAY)
    assert read.table["claim_id"].to_pylist() == ["OK1"]
    assert (read.rows, read.rejected) == (1 + len(REJECTED), len(REJECTED))
    reasons = rejects_of(path)
    assert sorted(reasons) == list(range(3, 3 + len(REJECTED)))
    for line, (_row, field, word) in enumerate(REJECTED, start=3):
        assert reasons[line].startswith(f"{field}:"), reasons[line]
        assert word in reasons[line], reasons[line]


def test_a_duplicate_claim_id_keeps_the_first_and_names_it(tmp_path: Path) -> None:
    path = write(
        tmp_path / "claims.csv",
        [
            claim("D1", family_name="First"),
            claim("D2"),
            claim("D1", family_name="Second"),
            claim("D1", family_name="Third"),
        ],
    )
    rows = kept(path)
    assert rows["D1"]["family_name"] == "First" and rows["D1"]["line"] == 2
    reasons = rejects_of(path)
    assert sorted(reasons) == [4, 5]
    for reason in reasons.values():
        assert reason.startswith("claim_id:") and "line 2" in reason


def test_a_duplicate_of_a_rejected_row_is_kept_as_the_first_good_one(tmp_path: Path) -> None:
    path = write(
        tmp_path / "claims.csv",
        [claim("D1", start_date="2025-02-30"), claim("D1", family_name="Good")],
    )
    assert kept(path)["D1"]["family_name"] == "Good"
    assert list(rejects_of(path)) == [2]


def test_an_impossible_birth_date_is_dropped_from_a_kept_claim(tmp_path: Path) -> None:
    path = write(
        tmp_path / "claims.csv",
        [
            claim("B1", birth_date="1985-02-30"),
            claim("B2", birth_date="2030-05-01"),
            claim("B3", birth_date="1850-05-01"),
        ],
    )
    rows = kept(path)
    assert [rows[c]["birth_date"] for c in ("B1", "B2", "B3")] == [None, None, None]
    assert {(line, field) for line, _, field, _ in warnings_of(path)} == {
        (2, "birth_date"),
        (3, "birth_date"),
        (4, "birth_date"),
    }
    assert rejects_of(path) == {}


def test_a_latin1_file_with_semicolons_reads_names_right(tmp_path: Path) -> None:
    rows = [claim("L1", family_name="Lefèvre", given_names="Hélène", street="Rue de l'Église")]
    path = write(tmp_path / "excel.csv", rows, delimiter=";", encoding="cp1252")
    assert "Lefèvre".encode("cp1252") in path.read_bytes()
    read = read_claims(path, today=TODAY)
    [row] = read.table.to_pylist()
    assert (row["family_name"], row["given_names"], row["street"]) == (
        "Lefèvre",
        "Hélène",
        "Rue de l'Église",
    )
    assert read.encoding == "cp1252"


def test_a_windows_1252_typographic_apostrophe_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "excel.csv", [claim("W1", family_name="D’Hondt")], ";", "cp1252")
    assert b"D\x92Hondt" in path.read_bytes()
    assert kept(path)["W1"]["family_name"] == "D’Hondt"


def test_a_utf8_file_with_bom_reads_names_and_the_first_column(tmp_path: Path) -> None:
    rows = [claim("U1", family_name="Lefèvre"), claim("U2", family_name="D’Hondt")]
    path = write(tmp_path / "bom.csv", rows, delimiter=";", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    names = {claim_id: row["family_name"] for claim_id, row in kept(path).items()}
    assert names == {"U1": "Lefèvre", "U2": "D’Hondt"}


def test_rows_with_too_many_or_too_few_fields_are_rejected_with_their_line(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "claims.csv", [claim("F1")])
    with path.open("a", encoding="utf-8", newline="") as file:
        values = list(claim("F2").values())
        file.write(",".join(values[:-1]) + "\n")  # line 3: one field short
        file.write(",".join([*list(claim("F3").values()), "extra"]) + "\n")  # line 4
        file.write(",".join(claim("F4").values()) + "\n")  # line 5: fine
    assert set(kept(path)) == {"F1", "F4"}
    reasons = rejects_of(path)
    assert sorted(reasons) == [3, 4]
    assert "13 fields" in reasons[3] and "15 fields" in reasons[4]


def test_a_quoted_field_over_two_lines_and_blank_lines_keep_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "claims.csv", [claim("Q1", street="Kerkstraat\nachterbouw")])
    with path.open("a", encoding="utf-8", newline="") as file:
        file.write("\n\n")  # lines 4 and 5: blank
        file.write(",".join(claim("Q2", ocmw_refnis="99999").values()) + "\n")  # line 6
        file.write(",".join(claim("Q3", insz="").values()) + "\n")  # line 7
    read = read_claims(path, today=TODAY)
    rows = {row["claim_id"]: row for row in read.table.to_pylist()}
    assert rows["Q1"]["street"] == "Kerkstraat\nachterbouw"
    assert (rows["Q1"]["line"], rows["Q3"]["line"]) == (2, 7)
    assert list(rejects_of(path)) == [6]
    assert [line for line, *_ in warnings_of(path)] == [7]
    assert read.rows == 3  # blank lines are no rows


def test_a_missing_required_column_is_a_format_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    columns = [c for c in CLAIM_COLUMNS if c != "ocmw_refnis"]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerow(claim("M1"))
    with pytest.raises(CsvFormatError, match="ocmw_refnis"):
        read_claims(path, today=TODAY)


def valid_insz(first_nine: str) -> str:
    return next(
        f"{first_nine}{check:02d}"
        for check in range(100)
        if nn.is_valid(f"{first_nine}{check:02d}")
    )


letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèëç' -", min_size=1, max_size=20).map(
    str.strip
)
good_rows = st.builds(
    lambda family, given_name, born, start, days, ocmw, serial: claim(
        "",
        ocmw_refnis=ocmw,
        insz=valid_insz(f"{born:%y%m%d}{serial:03d}"),
        family_name=family.title() or "X",
        given_names=given_name.title(),
        birth_date=born.isoformat(),
        start_date=start.isoformat(),
        end_date=(date.fromordinal(start.toordinal() + days).isoformat() if days else ""),
    ),
    letters,
    letters,
    st.dates(date(1930, 1, 1), date(1999, 12, 31)),
    st.dates(date(2020, 1, 1), date(2025, 12, 31)),
    st.integers(0, 900),
    st.sampled_from([ANTWERPEN, GENT, "21004", "62063", "63023"]),
    st.integers(1, 997),
)
# Each bad row breaks one rule a claim must keep.
bad_changes = st.sampled_from(
    [
        {"ocmw_refnis": "12345"},
        {"start_date": "2025-02-29"},
        {"start_date": ""},
        {"end_date": "2019-12-31"},
        {"end_date": "tomorrow"},
        {"family_name": ""},
    ]
)
mixes = st.lists(
    st.one_of(
        good_rows.map(lambda row: (True, row)),
        st.tuples(good_rows, bad_changes).map(lambda pair: (False, pair[0] | pair[1])),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mix=mixes)
def test_every_row_is_kept_or_rejected_and_good_rows_keep_their_values(
    tmp_path: Path, mix: list[tuple[bool, dict[str, str]]]
) -> None:
    rows = [row | {"claim_id": f"H{i}"} for i, (_good, row) in enumerate(mix)]
    path = write(tmp_path / "mix.csv", rows)
    read = read_claims(path, today=TODAY)
    assert read.table.num_rows + read.rejected == read.rows == len(rows)
    kept_rows = {row["claim_id"]: row for row in read.table.to_pylist()}
    for (good, _), row in zip(mix, rows, strict=True):
        if not good:
            assert row["claim_id"] not in kept_rows
            continue
        got = kept_rows[row["claim_id"]]
        assert got["ocmw_refnis"] == row["ocmw_refnis"]
        assert got["family_name"] == row["family_name"]
        assert got["given_names"] == row["given_names"]
        assert got["insz"] == row["insz"] and got["insz_valid"]
        assert got["birth_date"].isoformat() == row["birth_date"]
        assert got["start_date"].isoformat() == row["start_date"]
        assert (got["end_date"].isoformat() if got["end_date"] else "") == row["end_date"]
