"""An INSZ number carries its holder's birth date: a valid number of another birth date (a
family member's, copied by mistake) does not hide a double claim, and a mistyped number that
is not a typo of the other claim's number keeps two namesakes apart."""

from pathlib import Path

from stdnum.be import nn

from tests.linkage.test_detect import (
    ANTWERPEN,
    BRUSSEL,
    GENT,
    claim,
    detect,
    one_digit_off,
    valid_insz,
    write_claims,
)

ELS = valid_insz("870412123")  # Els Wouters, born 12 April 1987
HER_MOTHER = valid_insz("600925086")  # born 25 September 1960


def test_a_relatives_number_on_one_claim_does_not_hide_the_double_claim(tmp_path: Path) -> None:
    rows = [
        claim("RL-A", ANTWERPEN, ELS, "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F"),
        claim("RL-B", GENT, HER_MOTHER, "Wouters", "Els", "1987-04-12", "2025-02-01", sex="F",
              postcode="9000"),
    ]  # fmt: skip
    run = detect(write_claims(tmp_path / "claims.csv", rows))
    [row] = run.conflicts
    assert (row.claim_id_a, row.claim_id_b) == ("RL-A", "RL-B")
    assert f"{HER_MOTHER} does not carry the birth date of its claim" in row.evidence


def test_two_valid_numbers_of_the_claims_own_birth_date_still_keep_two_people_apart(
    tmp_path: Path,
) -> None:
    namesake = valid_insz("870412257")  # another Els Wouters born on the same day
    rows = [
        claim("NS-A", ANTWERPEN, ELS, "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F"),
        claim("NS-B", GENT, namesake, "Wouters", "Els", "1987-04-12", "2025-02-01", sex="F",
              postcode="9000"),
    ]  # fmt: skip
    assert detect(write_claims(tmp_path / "claims.csv", rows)).conflicts == []


def test_a_mistyped_number_that_is_not_a_typo_of_the_other_keeps_namesakes_apart(
    tmp_path: Path,
) -> None:
    # Another Els Wouters's number, one digit mistyped: it fails the checksum and is more
    # than one typo away from ELS.
    someone_else = one_digit_off(valid_insz("870412257"), 10)
    one_typo = one_digit_off(ELS, 7)
    assert not nn.is_valid(someone_else) and not nn.is_valid(one_typo)
    rows = [
        claim("MT-A", ANTWERPEN, ELS, "Wouters", "Els", "1987-04-12", "2025-01-01", sex="F"),
        claim("MT-B", GENT, someone_else, "Wouters", "Els", "1987-04-12", "2025-02-01",
              sex="F", postcode="9000"),
        claim("MT-C", BRUSSEL, one_typo, "Wouters", "Els", "1987-04-12", "2025-03-01",
              sex="F", postcode="1000"),
    ]  # fmt: skip
    run = detect(write_claims(tmp_path / "claims.csv", rows))
    assert ("MT-A", "MT-C") in run.pairs  # one typo: the same person
    assert ("MT-A", "MT-B") not in run.pairs
    assert ("MT-B", "MT-C") not in run.pairs
