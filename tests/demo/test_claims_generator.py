"""The synthetic leefloon claims: the contract's columns, valid INSZ numbers, the planted
double claims and the look-alikes that a detector must leave alone, deterministic per seed."""

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.be import nn

from loket.demo.claims import generate_claims, plan_claims, true_conflict_pairs, write_claims_csv

CONTRACT = [
    "claim_id", "ocmw_refnis", "insz", "family_name", "given_names", "birth_date", "sex",
    "street", "house_number", "postcode", "start_date", "end_date", "monthly_amount_eur",
    "category",
]  # fmt: skip
SIZE = 5_000


@pytest.fixture(scope="module")
def generated() -> tuple[pa.Table, pa.Table]:
    return generate_claims(SIZE, seed=7)


def rows_of(claims: pa.Table, truth: pa.Table) -> list[dict[str, Any]]:
    return [a | b for a, b in zip(claims.to_pylist(), truth.to_pylist(), strict=True)]


def by_person(rows: list[dict[str, Any]], kind: str) -> dict[str, list[dict[str, Any]]]:
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["kind"] == kind:
            people[row["person_id"]].append(row)
    return people


def period(row: dict[str, Any]) -> tuple[date, date]:
    end = date.fromisoformat(row["end_date"]) if row["end_date"] else date.max
    return date.fromisoformat(row["start_date"]), end


def overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    (start_a, end_a), (start_b, end_b) = period(a), period(b)
    return max(start_a, start_b) <= min(end_a, end_b)


def look_alike_pairs(rows: list[dict[str, Any]], kind: str) -> list[tuple[dict, dict]]:
    """Pairs of people of a trap kind, matched by their order in the person ids."""
    people = sorted(by_person(rows, kind).items())
    half = len(people) // 2
    return [(a[1][0], b[1][0]) for a, b in zip(people[:half], people[half:], strict=True)]


def test_claims_have_the_contract_columns_as_text(generated: tuple[pa.Table, pa.Table]) -> None:
    claims, truth = generated
    assert claims.column_names == CONTRACT
    assert all(field.type == pa.string() for field in claims.schema)
    assert claims.num_rows == SIZE
    assert truth.column_names == ["claim_id", "person_id", "kind", "variations"]


def test_claim_ids_are_unique_and_name_the_centre(generated: tuple[pa.Table, pa.Table]) -> None:
    rows = generated[0].to_pylist()
    assert len({row["claim_id"] for row in rows}) == SIZE
    for row in rows:
        assert re.fullmatch(r"OCMW-\d{5}-\d{6}", row["claim_id"])
        assert row["claim_id"].split("-")[1] == row["ocmw_refnis"]


def test_every_insz_not_meant_to_be_mistyped_is_valid(
    generated: tuple[pa.Table, pa.Table],
) -> None:
    rows = rows_of(*generated)
    kept = [r for r in rows if r["insz"] and "insz-mistyped" not in r["variations"]]
    assert len(kept) > 0.9 * SIZE
    assert all(nn.is_valid(r["insz"]) for r in kept)
    as_born = [r for r in kept if "birth-day-month" not in r["variations"]]
    assert all(nn.get_birth_date(r["insz"]).isoformat() == r["birth_date"] for r in as_born)
    # Distinct people never share a number.
    owner: dict[str, str] = {}
    for row in kept:
        assert owner.setdefault(row["insz"], row["person_id"]) == row["person_id"]


def test_mistyped_insz_differs_from_the_persons_number(
    generated: tuple[pa.Table, pa.Table],
) -> None:
    rows = rows_of(*generated)
    true_number = {r["person_id"]: r["insz"] for r in rows if r["insz"] and not r["variations"]}
    mistyped = [r for r in rows if "insz-mistyped" in r["variations"]]
    assert mistyped
    for row in mistyped:
        assert len(row["insz"]) == 11
        if row["person_id"] in true_number:
            assert row["insz"] != true_number[row["person_id"]]


def test_the_plan_is_what_the_file_holds(generated: tuple[pa.Table, pa.Table]) -> None:
    plan = plan_claims(SIZE)
    rows = rows_of(*generated)
    people = {kind: len(by_person(rows, kind)) for kind in
              ("single", "move", "concurrent", "twin", "namesake", "father-son")}  # fmt: skip
    assert people == {
        "single": plan.singles,
        "move": plan.moves,
        "concurrent": plan.concurrent_2 + plan.concurrent_3,
        "twin": 2 * plan.twins,
        "namesake": 2 * plan.namesakes,
        "father-son": 2 * plan.fathers_sons,
    }
    claim_counts = sorted(len(c) for c in by_person(rows, "concurrent").values())
    assert claim_counts.count(3) == plan.concurrent_3
    assert plan.twins >= 10 and plan.namesakes >= 10 and plan.fathers_sons >= 5


def test_double_claims_are_at_distinct_centres_at_once(
    generated: tuple[pa.Table, pa.Table],
) -> None:
    for claims in by_person(rows_of(*generated), "concurrent").values():
        assert len({c["ocmw_refnis"] for c in claims}) == len(claims)
        first = min(claims, key=lambda c: c["claim_id"])
        assert any(overlap(first, c) for c in claims if c is not first)


def test_moves_follow_each_other_without_overlap(generated: tuple[pa.Table, pa.Table]) -> None:
    for claims in by_person(rows_of(*generated), "move").values():
        before, after = sorted(claims, key=lambda c: c["start_date"])
        assert before["ocmw_refnis"] != after["ocmw_refnis"]
        assert before["end_date"] and before["end_date"] < after["start_date"]


def test_twins_share_all_but_given_names_and_insz(generated: tuple[pa.Table, pa.Table]) -> None:
    pairs = look_alike_pairs(rows_of(*generated), "twin")
    assert len(pairs) == plan_claims(SIZE).twins
    for a, b in pairs:
        assert (a["family_name"], a["birth_date"], a["street"], a["house_number"],
                a["postcode"]) == (b["family_name"], b["birth_date"], b["street"],
                                   b["house_number"], b["postcode"])  # fmt: skip
        assert a["given_names"] != b["given_names"]
        assert a["ocmw_refnis"] != b["ocmw_refnis"] and overlap(a, b)
        assert a["insz"] != b["insz"] or a["insz"] is None


def test_namesakes_and_fathers_and_sons_differ_by_birth_date(
    generated: tuple[pa.Table, pa.Table],
) -> None:
    rows = rows_of(*generated)
    for kind, low, high in (("namesake", 1, 60 * 366), ("father-son", 20 * 365, 36 * 366)):
        pairs = look_alike_pairs(rows, kind)
        assert pairs
        for a, b in pairs:
            assert (a["family_name"], a["given_names"]) == (b["family_name"], b["given_names"])
            days = abs(date.fromisoformat(a["birth_date"]) - date.fromisoformat(b["birth_date"]))
            assert low <= days.days <= high
            assert a["ocmw_refnis"] != b["ocmw_refnis"] and overlap(a, b)


def test_duplicates_carry_the_clerks_differences(generated: tuple[pa.Table, pa.Table]) -> None:
    rows = rows_of(*generated)
    seen = {change for row in rows for change in row["variations"].split(";") if change}
    assert {"insz-missing", "insz-mistyped", "family-upper", "family-typo"} <= seen
    # The first claim of someone claiming twice is as the register has it; about one in four
    # further claims lacks the INSZ or has it mistyped.
    further = 0
    for claims in by_person(rows, "concurrent").values():
        first, *others = sorted(claims, key=lambda c: c["variations"] != "")
        assert first["variations"] == ""
        further += len(others)
    insz_changed = sum("insz-" in r["variations"] for r in rows if r["kind"] == "concurrent")
    assert 0.15 < insz_changed / further < 0.35
    glued = [r for r in rows if "family-glued" in r["variations"]]
    assert all(" " not in r["family_name"] and "'" not in r["family_name"] for r in glued)


def test_amounts_follow_the_category(generated: tuple[pa.Table, pa.Table]) -> None:
    full = {"cohabitant": 876.13, "single": 1314.20, "family": 1776.07}
    for row in generated[0].to_pylist():
        assert 0 < float(row["monthly_amount_eur"]) <= full[row["category"]]


def test_a_seed_fixes_the_data() -> None:
    assert generate_claims(300, seed=3)[0].equals(generate_claims(300, seed=3)[0])
    assert not generate_claims(300, seed=3)[0].equals(generate_claims(300, seed=4)[0])


def test_true_pairs_are_the_double_claims_only(generated: tuple[pa.Table, pa.Table]) -> None:
    claims, truth = generated
    pairs = true_conflict_pairs(claims, truth)
    kind = dict(zip(truth["claim_id"].to_pylist(), truth["kind"].to_pylist(), strict=True))
    assert {kind[a] for a, _ in pairs} == {"concurrent"}
    plan = plan_claims(SIZE)
    assert plan.concurrent_2 + 2 * plan.concurrent_3 <= len(pairs)
    assert len(pairs) <= plan.concurrent_2 + 3 * plan.concurrent_3


def test_written_csv_reads_back_with_empty_fields(tmp_path: Path) -> None:
    claims_path, truth_path = tmp_path / "claims.csv", tmp_path / "truth.csv"
    claims, _ = write_claims_csv(claims_path, 400, seed=5, truth_path=truth_path)
    with claims_path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == CONTRACT and len(rows) == 400
    assert [r["end_date"] for r in rows] == [v or "" for v in claims["end_date"].to_pylist()]
    assert any(r["end_date"] == "" for r in rows)
    assert truth_path.read_text(encoding="utf-8").startswith("claim_id,person_id,kind")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(min_value=1, max_value=600), seed=st.integers(0, 2**32 - 1))
def test_true_pairs_are_one_person_at_two_centres_at_once(size: int, seed: int) -> None:
    claims, truth = generate_claims(size, seed)
    assert claims.num_rows == size
    rows = {r["claim_id"]: r for r in rows_of(claims, truth)}
    pairs = true_conflict_pairs(claims, truth)
    for a, b in pairs:
        assert a < b
        assert rows[a]["person_id"] == rows[b]["person_id"]
        assert rows[a]["ocmw_refnis"] != rows[b]["ocmw_refnis"]
        assert overlap(rows[a], rows[b])
    concurrent = by_person(list(rows.values()), "concurrent")
    assert len({rows[a]["person_id"] for a, _ in pairs}) == len(concurrent)
