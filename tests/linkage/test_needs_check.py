"""Conflict or needs-check: a claim without INSZ that links to two people the register tells
apart, and namesakes proven by the file, are shown for a check, never as a conflict; every row
carries its own pair's probability."""

from datetime import date
from pathlib import Path

import duckdb

from loket.demo.claims import generate_claims, write_table_csv
from loket.linkage.claims import read_claims
from loket.linkage.detect import DetectOptions, detect_pseudonymised, score_pairs
from loket.linkage.engines import open_engine
from loket.linkage.standardise import standardise
from tests.linkage.test_detect import (
    ANTWERPEN,
    BRUSSEL,
    GENT,
    PLANTED,
    claim,
    detect,
    valid_insz,
    write_claims,
)

# Two people, same name and birth date, numbers far apart (the register says: two people).
PERSON_X, PERSON_Y = valid_insz("870412123"), valid_insz("870412257")


def test_a_claim_without_insz_between_two_people_is_needs_check(tmp_path: Path) -> None:
    rows = [
        claim("BR-X", ANTWERPEN, PERSON_X, "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F"),
        claim("BR-Y", GENT, PERSON_Y, "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F",
              postcode="9000"),
        claim("BR-C", BRUSSEL, "", "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F",
              postcode="1000"),
    ]  # fmt: skip
    run = detect(write_claims(tmp_path / "claims.csv", rows))
    assert ("BR-X", "BR-Y") not in run.pairs
    clusters = {c.cluster_id for c in run.conflicts}
    assert len(clusters) == len(run.conflicts)  # the bridge sits with one of them, not both
    assert run.conflicts, "the claim without INSZ is shown with the person it is closest to"
    for row in run.conflicts:
        assert row.status == "needs-check"
        assert "without INSZ links to two people" in row.evidence


def test_namesakes_proven_by_the_file_make_a_pair_without_insz_needs_check(
    tmp_path: Path,
) -> None:
    rows = [
        claim("NS-X", ANTWERPEN, PERSON_X, "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F"),
        claim("NS-C", GENT, "", "Wouters", "Els", "1987-04-12", "2025-02-01", sex="F",
              postcode="9000"),
        # The namesake claimed at Gent years ago: never a candidate pair, but proof she exists.
        claim("NS-Y", GENT, PERSON_Y, "Wouters", "Els", "1987-04-12", "2010-01-01",
              "2010-12-31", "F", postcode="9000"),
    ]  # fmt: skip
    run = detect(write_claims(tmp_path / "claims.csv", rows))
    [row] = run.conflicts
    assert (row.claim_id_a, row.claim_id_b) == ("NS-C", "NS-X")
    assert row.status == "needs-check"
    assert "2 people with different valid INSZ in this file share this name" in row.evidence


def test_every_row_carries_its_own_pairs_probability(tmp_path: Path) -> None:
    path = write_claims(tmp_path / "claims.csv", PLANTED)
    run = detect(path)
    read = read_claims(path, today=date(2025, 12, 31))
    with duckdb.connect() as connection:
        standardised = standardise(connection, read.table)
    with open_engine("duckdb") as engine:
        scored, _grouping, _model, _source = score_pairs(standardised, engine, DetectOptions())
    own = {
        tuple(sorted((a, b))): p
        for a, b, p in zip(
            scored["claim_id_l"].to_pylist(),
            scored["claim_id_r"].to_pylist(),
            scored["match_probability"].to_pylist(),
            strict=True,
        )
    }
    assert run.conflicts
    for row in run.conflicts:
        assert round(own[(row.claim_id_a, row.claim_id_b)], 4) == round(row.match_probability, 4)
        if row.status == "conflict":
            assert row.match_probability >= 0.9


def test_the_hub_keeps_two_valid_insz_apart_and_flags_the_bridge(tmp_path: Path) -> None:
    claims, _truth = generate_claims(2000, seed=5)
    path = tmp_path / "claims.csv"
    write_table_csv(path, claims)
    rows = [
        claim("BR-X", ANTWERPEN, PERSON_X, "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F"),
        claim("BR-Y", GENT, PERSON_Y, "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F",
              postcode="9000"),
        claim("BR-C", BRUSSEL, "", "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F",
              postcode="1000"),
    ]  # fmt: skip
    write_claims(path, rows, header=False)
    options = DetectOptions(as_of=date(2025, 12, 31), save_model=False)
    _summary, conflicts = detect_pseudonymised(
        [path], tmp_path / "out.csv", options, key=b"ocmw-shared-secret-for-tests-only-0123456789"
    )
    bridged = [c for c in conflicts if c.claim_id_a.startswith("BR-")]
    assert ("BR-X", "BR-Y") not in {(c.claim_id_a, c.claim_id_b) for c in bridged}
    assert bridged and all(c.status == "needs-check" for c in bridged)
