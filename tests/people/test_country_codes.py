"""Only real country codes on an address: the move importer and the API share this rule."""

import pytest

from loket.people.countries import is_country_code
from loket.people.import_moves import RowError, parse_move

MOVE = {
    "event_id": "e-1",
    "insz": "85073003328",
    "effective_date": "2026-01-01",
    "street": "Rue de Rivoli",
    "house_number": "1",
    "box": "",
    "postcode": "75001",
}


@pytest.mark.parametrize("code", ["FR", "NL", "DE", "LU", "XK", "ZA"])
def test_countries_and_territories_are_accepted(code: str) -> None:
    assert is_country_code(code)
    assert parse_move(2, MOVE | {"country": code}).address.country == code
    assert is_country_code("BE")


@pytest.mark.parametrize("code", ["ZZ", "EU", "UN", "XA", "QO", "AB", "be1"])
def test_codes_that_name_no_country_are_refused_naming_the_field(code: str) -> None:
    with pytest.raises(RowError) as refused:
        parse_move(2, MOVE | {"country": code})
    assert refused.value.field == "country"


def test_lower_case_belgium_is_belgium() -> None:
    assert parse_move(2, MOVE | {"country": "be", "postcode": "9000"}).address.country == "BE"
