"""The independent claims generator: the claims contract, its truth, and the mechanisms it
promises (missing INSZ share, valid numbers, namesakes, moves that never overlap)."""

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.be import bis, nn
from typer.testing import CliRunner

from loket.cli.main import app
from loket.demo.claims import CLAIM_COLUMNS, true_conflict_pairs
from loket.demo.claims_independent import generate_independent_claims

SIZE = 3000
Generated = tuple[pa.Table, pa.Table]


@pytest.fixture(scope="module")
def generated() -> Generated:
    return generate_independent_claims(SIZE, seed=5, missing_insz=0.08)


def test_claims_follow_the_contract_and_truth_covers_every_claim(generated: Generated) -> None:
    claims, truth = generated
    assert tuple(claims.column_names) == CLAIM_COLUMNS
    assert claims.num_rows == SIZE
    assert len(set(claims["claim_id"].to_pylist())) == SIZE
    assert truth["claim_id"].to_pylist() == claims["claim_id"].to_pylist()


def test_same_seed_same_claims_other_seed_other_claims() -> None:
    assert generate_independent_claims(400, seed=2)[0].equals(
        generate_independent_claims(400, seed=2)[0]
    )
    assert not generate_independent_claims(400, seed=2)[0].equals(
        generate_independent_claims(400, seed=3)[0]
    )


def test_the_missing_insz_share_is_what_was_asked(generated: Generated) -> None:
    claims, _truth = generated
    missing = claims["insz"].null_count / claims.num_rows
    assert 0.06 < missing < 0.10


def test_untouched_numbers_are_valid_insz_or_bis(generated: Generated) -> None:
    claims, truth = generated
    numbers = [
        number
        for number, changes in zip(
            claims["insz"].to_pylist(), truth["variations"].to_pylist(), strict=True
        )
        if number and "insz" not in changes
    ]
    assert all(nn.is_valid(n) or bis.is_valid(n) for n in numbers)
    assert any(bis.is_valid(n) for n in numbers)


def test_namesakes_share_name_and_birth_day_but_not_their_number(generated: Generated) -> None:
    claims, truth = generated
    rows = [
        (r["family_name"].lower(), r["birth_date"], person)
        for r, kind, person in zip(
            claims.to_pylist(),
            truth["kind"].to_pylist(),
            truth["person_id"].to_pylist(),
            strict=True,
        )
        if kind == "namesake"
    ]
    people_per_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    for family, born, person in rows:
        people_per_name[(family, born)].add(person)
    assert max(len(p) for p in people_per_name.values()) >= 2


def test_only_people_claiming_twice_make_true_conflicts(generated: Generated) -> None:
    claims, truth = generated
    pairs = true_conflict_pairs(claims, truth)
    kind = dict(zip(truth["claim_id"].to_pylist(), truth["kind"].to_pylist(), strict=True))
    assert pairs
    assert Counter(kind[a] for a, _b in pairs).keys() == {"concurrent"}


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 10_000), missing=st.floats(0.02, 0.10))
def test_claims_after_a_move_never_overlap(seed: int, missing: float) -> None:
    claims, truth = generate_independent_claims(600, seed=seed, missing_insz=missing)
    moves = claims.filter(truth["kind"].to_numpy(zero_copy_only=False) == "move")
    moved = truth.filter(truth["kind"].to_numpy(zero_copy_only=False) == "move")
    assert not true_conflict_pairs(moves, moved)


def test_a_missing_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="missing_insz"):
        generate_independent_claims(10, missing_insz=1.5)


def test_loket_linkage_generate_writes_claims_and_truth(tmp_path: Path) -> None:
    out, truth = tmp_path / "claims.csv", tmp_path / "truth.csv"
    args = ["linkage", "generate", "--claims", "300", "--generator", "independent"]
    args += ["--missing-insz", "0.1", "--out", str(out), "--truth", str(truth)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["claims"] == 300 and summary["generator"] == "independent"
    with out.open(encoding="utf-8") as file:
        assert next(csv.reader(file)) == list(CLAIM_COLUMNS)
    with truth.open(encoding="utf-8") as file:
        assert sum(1 for _ in file) == 301


def test_loket_linkage_generate_names_a_bad_generator() -> None:
    result = CliRunner().invoke(
        app, ["linkage", "generate", "--claims", "5", "--out", "x.csv", "--generator", "febrl"]
    )
    assert result.exit_code == 2 and "--generator" in result.output
