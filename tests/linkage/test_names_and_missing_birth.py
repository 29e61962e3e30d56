"""A clerk who swaps the two name fields and mistypes a letter, or writes a hyphenated name in
the other field, still links the claim; so does a claim without a birth date whose INSZ has
two digits swapped."""

from pathlib import Path

from loket.demo.claims import generate_claims, write_table_csv
from tests.linkage.test_detect import ANTWERPEN, GENT, claim, detect, valid_insz, write_claims

ELS = valid_insz("870412123")


def test_names_swapped_with_a_slip_or_a_hyphen_are_one_person(tmp_path: Path) -> None:
    rows = [
        claim("SW-A", ANTWERPEN, ELS, "Vanderstraeten", "Els", "1987-04-12", "2025-01-01",
              sex="F"),
        claim("SW-B", GENT, "", "Els", "Vanderstraetne", "1987-04-12", "2025-02-01", sex="F",
              postcode="9000"),
        claim("HY-A", ANTWERPEN, "", "Dubois-Lambert", "Marie", "1990-06-02", "2025-01-01",
              sex="F"),
        claim("HY-B", GENT, "", "Marie", "Dubois-Lambert", "1990-06-02", "2025-02-01", sex="F",
              postcode="9000"),
    ]  # fmt: skip
    run = detect(write_claims(tmp_path / "claims.csv", rows))
    assert run.pairs == {("SW-A", "SW-B"), ("HY-A", "HY-B")}
    for row in run.conflicts:
        assert "given and family names swapped" in row.evidence


def test_a_claim_without_birth_date_is_compared_on_its_names(tmp_path: Path) -> None:
    claims, _truth = generate_claims(2500, seed=3)  # enough claims to train on
    path = tmp_path / "claims.csv"
    write_table_csv(path, claims)
    swapped_digits = ELS[:9] + ELS[10] + ELS[9]
    rows = [
        claim("NB-A", ANTWERPEN, ELS, "Vanderstraeten", "Els", "1987-04-12", "2025-01-01",
              sex="F"),
        claim("NB-B", GENT, swapped_digits, "Vanderstraeten", "Els", "", "2025-02-01", sex="F",
              street="Veldstraat", postcode="9000"),
    ]  # fmt: skip
    write_claims(path, rows, header=False)
    run = detect(path)
    assert ("NB-A", "NB-B") in run.pairs
