"""Privacy-preserving linkage: encodings made at the OCMW, linked at the hub without clear text."""

import base64
import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.be import nn
from typer.testing import CliRunner

from loket.cli.linkage_encode import app as encode_app
from loket.demo.claims import generate_claims, true_conflict_pairs, write_table_csv
from loket.linkage.claims import read_claims
from loket.linkage.detect import DetectOptions, find_conflicts
from loket.linkage.pseudonymise import (
    ENCODED_COLUMNS,
    Encoder,
    LinkageKeyError,
    dice,
    encode_claims,
    load_key,
    read_encoded,
    write_encoded,
)
from loket.linkage.pseudonymised_model import hub_claims, score_encoded_pairs
from loket.linkage.standardise import standardise

DATA = Path(__file__).parent / "data"
KEY = b"ocmw-shared-secret-for-tests-only-0123456789"
OTHER_KEY = b"another-secret-the-hub-might-try-9876543210"


def standardised_row(**values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "claim_id": "C1",
        "ocmw_refnis": "11002",
        "start_date": date(2025, 1, 1),
        "end_date": None,
        "insz": "85073003328",
        "insz_valid": True,
        "family_name": "vandenbroeck",
        "family_name_core": "broeck",
        "given_names": "jean pierre",
        "given_first": "jean",
        "given_sorted": "jean pierre",
        "birth_date": date(1985, 7, 30),
        "birth_ymd": "1985-07-30",
        "birth_swapped": None,
        "sex": "m",
        "postcode": "2000",
        "street": "kerkstraat",
    }
    row.update(values)
    return row


def test_clks_are_those_clkhash_makes_bit_for_bit() -> None:
    reference = json.loads((DATA / "clkhash_reference.json").read_text(encoding="utf-8"))
    encoder = Encoder(base64.b64decode(reference["secret_base64"]))
    features = [feature["identifier"] for feature in reference["schema"]["features"]]
    assert features == list(encoder.clks)
    assert len(reference["cases"]) == 80
    for case in reference["cases"]:
        assert encoder.clks[case["field"]].encode(case["value"]) == case["clk"], case


def test_another_key_gives_other_hashes_and_bloom_filters() -> None:
    row = standardised_row()
    ours, theirs = Encoder(KEY).encode_row(row), Encoder(OTHER_KEY).encode_row(row)
    for column in ENCODED_COLUMNS:
        if column.endswith(("_key", "_clk")) and ours[column] is not None:
            assert ours[column] != theirs[column], column
    assert Encoder(KEY).encode_row(row) == ours  # and the same key gives the same encoding


def test_a_missing_value_gives_no_key_so_two_blanks_never_agree() -> None:
    encoded = Encoder(KEY).encode_row(standardised_row(insz=None, insz_valid=False))
    assert encoded["insz_key"] is None and encoded["insz_clk"] is None
    assert encoded["insz_valid"] is None


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=6, max_size=14)


@settings(max_examples=40, deadline=None)
@given(family=names, given_name=names, day=st.dates(date(1930, 1, 1), date(2007, 12, 31)))
def test_no_name_insz_or_birth_date_appears_in_the_encoded_claims(
    family: str, given_name: str, day: date
) -> None:
    insz = f"{day:%y%m%d}12345"
    row = standardised_row(
        family_name=family,
        family_name_core=family,
        given_names=given_name,
        given_first=given_name,
        given_sorted=given_name,
        insz=insz,
        birth_date=day,
        birth_ymd=day.isoformat(),
        street="rue " + family,
    )
    encoded = encode_claims(pa.Table.from_pylist([row]), KEY)
    assert encoded.column_names == list(ENCODED_COLUMNS)
    text = json.dumps(encoded.to_pylist(), default=str)
    for secret in (family, given_name, insz, day.isoformat(), f"{day:%Y%m%d}", day.strftime("%d")):
        if len(secret) > 2:
            assert secret not in text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("vandenbroeck", "vandenbroek"),
        ("lefevre", "lefebvre"),
        ("janssens", "jansens"),
        ("mohamed", "mohammed"),
    ],
)
def test_spelling_variants_have_a_high_dice(a: str, b: str) -> None:
    clk = Encoder(KEY).clks["family_name"]
    assert dice(str(clk.encode(a)), str(clk.encode(b))) >= 0.8


@pytest.mark.parametrize(("a", "b"), [("peeters", "dubois"), ("nguyen", "vandenbroeck")])
def test_unrelated_names_have_a_low_dice(a: str, b: str) -> None:
    clk = Encoder(KEY).clks["family_name"]
    assert dice(str(clk.encode(a)), str(clk.encode(b))) < 0.4


def test_a_one_digit_insz_typo_stays_near_another_number_does_not() -> None:
    clk = Encoder(KEY).clks["insz"]
    assert dice(str(clk.encode("85073003328")), str(clk.encode("85073003378"))) >= 0.75
    assert dice(str(clk.encode("85073003328")), str(clk.encode("92110512345"))) < 0.5


def test_a_short_key_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    short = tmp_path / "key"
    short.write_bytes(b"secret\n")
    with pytest.raises(LinkageKeyError, match="at least 32 random bytes"):
        load_key(short)


def test_the_key_file_can_be_named_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "key"
    path.write_bytes(KEY + b"\n")
    monkeypatch.setenv("LOKET_LINKAGE_KEY_FILE", str(path))
    assert load_key() == KEY
    monkeypatch.delenv("LOKET_LINKAGE_KEY_FILE")
    with pytest.raises(LinkageKeyError, match="--key-file"):
        load_key()


def valid_insz(first_nine: str) -> str:
    """The INSZ with these nine digits and the check digits python-stdnum accepts."""
    return next(
        f"{first_nine}{check:02d}"
        for check in range(100)
        if nn.is_valid(f"{first_nine}{check:02d}")
    )


def claim(claim_id: str, ocmw: str, insz: str, family: str, given: str, birth: str,
          start: str, end: str = "", sex: str = "M") -> dict[str, str]:  # fmt: skip
    return {
        "claim_id": claim_id, "ocmw_refnis": ocmw, "insz": insz, "family_name": family,
        "given_names": given, "birth_date": birth, "sex": sex, "street": "Kerkstraat",
        "house_number": "1", "postcode": "2000", "start_date": start, "end_date": end,
        "monthly_amount_eur": "1314.20", "category": "single",
    }  # fmt: skip


JP = valid_insz("850730033")
TWIN_A, TWIN_B = valid_insz("920505101"), valid_insz("920505103")
MOVER = valid_insz("780214215")
HAND_MADE = [
    # One person at Antwerpen and Gent; at Gent the INSZ lost a digit's worth and the name is
    # written glued and in capitals.
    claim("HM-JP-1", "11002", JP, "Van den Broeck", "Jean-Pierre", "1985-07-30", "2025-01-06"),
    claim(
        "HM-JP-2",
        "44021",
        JP[:5] + "9" + JP[6:],
        "VANDENBROECK",
        "Jean Pierre",
        "1985-07-30",
        "2025-03-01",
    ),  # fmt: skip
    # Twins, one claim each at two centres at once: not one person.
    claim("HM-TW-1", "11002", TWIN_A, "Peeters", "Jan", "1992-05-05", "2025-02-01"),
    claim("HM-TW-2", "21004", TWIN_B, "Peeters", "Tom", "1992-05-05", "2025-02-01"),
    # A move: one claim ends before the next starts; not a conflict.
    claim(
        "HM-MV-1", "11002", MOVER, "Lefèvre", "Marie", "1978-02-14", "2024-01-01", "2024-12-31", "F"
    ),  # fmt: skip
    claim("HM-MV-2", "62063", MOVER, "Lefevre", "Marie", "1978-02-14", "2025-01-01", "", "F"),
]


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[tuple[str, str]], set]:
    """Generated claims (enough for EM) plus the hand-made ones, encoded and linked."""
    claims, truth = generate_claims(3000, seed=7)
    path = tmp_path_factory.mktemp("pseudo") / "claims.csv"
    write_table_csv(path, claims)
    with path.open("a", encoding="utf-8", newline="") as file:
        csv.DictWriter(file, fieldnames=claims.column_names).writerows(HAND_MADE)
    read = read_claims(path, today=date(2026, 1, 1))
    with duckdb.connect() as connection:
        encoded = encode_claims(standardise(connection, read.table), KEY)
    encoded_path = path.with_suffix(".encoded.parquet")
    write_encoded(encoded_path, encoded)
    with duckdb.connect() as hub:
        pairs, _grouping, _model = score_encoded_pairs(hub, read_encoded(encoded_path))
        conflicts, _counts = find_conflicts(
            hub_claims(hub), pairs, DetectOptions(as_of=date(2026, 1, 1))
        )
    found = {(c.claim_id_a, c.claim_id_b) for c in conflicts}
    return found, true_conflict_pairs(claims, truth)


def test_the_hub_finds_a_mistyped_insz_with_a_name_variant(linked: tuple[set, set]) -> None:
    found, _truth = linked
    assert ("HM-JP-1", "HM-JP-2") in found


def test_the_hub_keeps_twins_and_movers_apart(linked: tuple[set, set]) -> None:
    found, _truth = linked
    assert ("HM-TW-1", "HM-TW-2") not in found
    assert ("HM-MV-1", "HM-MV-2") not in found


def test_the_hub_finds_the_generated_concurrent_claims(linked: tuple[set, set]) -> None:
    found, truth = linked
    generated = {pair for pair in found if not pair[0].startswith("HM-")}
    true_positives = len(generated & truth)
    precision, recall = true_positives / len(generated), true_positives / len(truth)
    assert 2 * precision * recall / (precision + recall) >= 0.95


def test_encode_command_writes_encodings_and_refuses_a_short_key(tmp_path: Path) -> None:
    claims = tmp_path / "claims.csv"
    with claims.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(HAND_MADE[0]))
        writer.writeheader()
        writer.writerows(HAND_MADE)
    key = tmp_path / "shared.key"
    key.write_bytes(KEY)
    out = tmp_path / "encoded.csv"
    loket = typer.Typer()
    loket.add_typer(encode_app, name="linkage")
    runner = CliRunner()
    args = ["linkage", "encode", "--claims", str(claims), "--out", str(out)]
    result = runner.invoke(loket, [*args, "--key-file", str(key)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["encoded"] == len(HAND_MADE)
    encoded = read_encoded(out)
    assert encoded.column_names == list(ENCODED_COLUMNS)
    assert "Broeck" not in out.read_text(encoding="utf-8")
    key.write_bytes(b"short")
    refused = runner.invoke(loket, [*args, "--key-file", str(key)])
    assert refused.exit_code == 2
    assert "at least 32 random bytes" in refused.output
