"""Standardisation knows how Belgian names are written: the spellings clerks use for one name
end up equal, so that the comparisons see one person where there is one."""

from datetime import date

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loket.linkage.claims import CLAIMS_SCHEMA
from loket.linkage.standardise import standardise


def claim_row(
    index: int, family: str, given_names: str | None = "Jan", birth: date | None = None
) -> dict[str, object]:
    return {
        "line": index + 2,
        "claim_id": f"C{index}",
        "ocmw_refnis": "11002",
        "insz": None,
        "insz_valid": False,
        "family_name": family,
        "given_names": given_names,
        "birth_date": birth,
        "sex": "m",
        "street": "Rue de l'Église",
        "house_number": "1",
        "postcode": "1000",
        "start_date": date(2025, 1, 1),
        "end_date": None,
        "monthly_amount_eur": 1314.2,
        "category": "single",
    }


def standardised(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    with duckdb.connect() as connection:
        table = standardise(connection, pa.Table.from_pylist(rows, schema=CLAIMS_SCHEMA))
    return table.to_pylist()


def family(*names: str) -> list[tuple[str, str]]:
    rows = standardised([claim_row(i, name) for i, name in enumerate(names)])
    return [(str(row["family_name"]), str(row["family_name_core"])) for row in rows]


# Spellings of one family name, and the (family_name, family_name_core) they all give.
SAME_FAMILY = [
    (("Van den Broeck", "VANDENBROECK", "vanden Broeck", "Van Den Broeck"),
     ("vandenbroeck", "broeck")),
    (("Lefèvre", "LEFEVRE", "Lefevre", "LEFÈVRE"), ("lefevre", "fevre")),
    (("D'Hondt", "Dhondt", "D’Hondt", "D HONDT"), ("dhondt", "hondt")),
    (("Van de Velde", "Vandevelde", "VAN DE VELDE"), ("vandevelde", "velde")),
    (("De la Croix", "Delacroix", "DE LA CROIX"), ("delacroix", "lacroix")),
    (("Öztürk", "Ozturk", "ÖZTÜRK"), ("ozturk", "ozturk")),
    (("El Amrani", "El-Amrani", "ELAMRANI"), ("elamrani", "elamrani")),
]  # fmt: skip


@pytest.mark.parametrize(("spellings", "expected"), SAME_FAMILY)
def test_spellings_of_one_family_name_standardise_alike(
    spellings: tuple[str, ...], expected: tuple[str, str]
) -> None:
    assert family(*spellings) == [expected] * len(spellings)


def test_a_name_that_is_only_a_particle_keeps_it_as_its_core() -> None:
    assert family("Van", "Le", "Dewit") == [("van", "van"), ("le", "le"), ("dewit", "wit")]


def test_different_family_names_stay_different() -> None:
    names = family("Van den Broeck", "Broeckx", "Van der Broeck", "Peeters")
    assert len({name for name, _core in names}) == 4


def given_forms(*names: str | None) -> list[tuple[object, object, object]]:
    rows = standardised([claim_row(i, "Peeters", name) for i, name in enumerate(names)])
    return [(row["given_names"], row["given_first"], row["given_sorted"]) for row in rows]


def test_double_given_names_in_another_order_share_their_sorted_form() -> None:
    assert given_forms("Jean-Pierre Marie", "Marie Jean Pierre", "JEAN PIERRE MARIE") == [
        ("jean pierre marie", "jean", "jean marie pierre"),
        ("marie jean pierre", "marie", "jean marie pierre"),
        ("jean pierre marie", "jean", "jean marie pierre"),
    ]


def test_given_names_lose_accents_and_empty_ones_are_missing() -> None:
    assert given_forms("Hélène", "Zoë  Aïcha", "", None) == [
        ("helene", "helene", "helene"),
        ("zoe aicha", "zoe", "aicha zoe"),
        (None, None, None),
        (None, None, None),
    ]


@pytest.mark.parametrize(
    ("birth", "swapped"),
    [
        (date(1985, 3, 7), "1985-07-03"),  # 7 March could have been typed as 3 July
        (date(1985, 7, 3), "1985-03-07"),
        (date(1985, 7, 7), None),  # day and month equal: the swap is the same date
        (date(1985, 7, 13), None),  # no 13th month: it cannot have been swapped
        (None, None),
    ],
)
def test_birth_date_with_day_and_month_transposed(birth: date | None, swapped: str | None) -> None:
    [row] = standardised([claim_row(0, "Peeters", birth=birth)])
    assert row["birth_swapped"] == swapped
    assert row["birth_ymd"] == (birth.isoformat() if birth else None)


ACCENTED = {
    "a": "àâäá",
    "e": "éèêë",
    "i": "ïîí",
    "o": "ôöó",
    "u": "ûüù",
    "c": "ç",
    "n": "ñ",
}
SEPARATORS = [" ", "-", "'", "’", "  "]


@st.composite
def written_otherwise(draw: st.DrawFn) -> tuple[str, str]:
    """A plain lower-case name and the same name as a clerk might type it."""
    base = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=16))
    typed = []
    for position, letter in enumerate(base):
        if position and draw(st.integers(0, 5)) == 0:
            typed.append(draw(st.sampled_from(SEPARATORS)))
        if letter in ACCENTED and draw(st.booleans()):
            letter = draw(st.sampled_from(ACCENTED[letter]))
        typed.append(letter.upper() if draw(st.booleans()) else letter)
    return base, "".join(typed)


@settings(max_examples=60, deadline=None)
@given(names=st.lists(written_otherwise(), min_size=1, max_size=20))
def test_case_accents_spaces_and_hyphens_never_change_the_family_name(
    names: list[tuple[str, str]],
) -> None:
    typed = [claim_row(i, typed) for i, (_base, typed) in enumerate(names)]
    plain = [claim_row(len(names) + i, base) for i, (base, _typed) in enumerate(names)]
    got = standardised(typed + plain)
    as_typed, as_plain = got[: len(names)], got[len(names) :]
    assert [row["family_name"] for row in as_typed] == [base for base, _typed in names]
    assert [row["family_name_core"] for row in as_typed] == [
        row["family_name_core"] for row in as_plain
    ]
