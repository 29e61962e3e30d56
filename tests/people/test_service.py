"""Registering a citizen: INSZ and BIS numbers, first address, language."""

from datetime import date

import pytest
from factories import make_insz, next_insz
from hypothesis import given
from hypothesis import strategies as st

from loket.people.identifiers import InvalidInsz, validate_insz
from loket.people.service import NewAddress as Address
from loket.people.service import (
    PeopleError,
    UnknownCitizen,
    add_citizen,
    address_history,
    current_address,
    get_citizen,
)

HOME = Address("Kouter", "1", "9000")


def _add(session, insz, address=HOME, **extra):
    values = {
        "insz": insz,
        "family_name": "Peeters",
        "given_names": "Jan",
        "birth_date": date(1985, 7, 30),
        "address": address,
        "since": date(2020, 1, 1),
    }
    return add_citizen(session, **{**values, **extra})


def test_the_factory_reproduces_published_numbers():
    # Examples published with python-stdnum and the national register's documentation.
    assert make_insz(date(1985, 7, 30), 33) == "85073003328"
    assert make_insz(date(2017, 7, 30), 33) == "17073003384"
    assert make_insz(date(1998, 7, 28), 997, bis=True) == "98472899765"


@given(
    st.dates(date(1920, 1, 1), date(2024, 12, 31)),
    st.integers(1, 997),
    st.booleans(),
)
def test_a_number_with_wrong_check_digits_is_refused(birth, serial, bis):
    number = make_insz(birth, serial, bis=bis)
    body = number[:9]
    # Neither century's check digits may match, or the number would be valid after all.
    valid_checks = {97 - int(body) % 97, 97 - int("2" + body) % 97}
    wrong = next(c for c in range(1, 98) if c not in valid_checks)
    with pytest.raises(InvalidInsz, match="^insz: "):
        validate_insz(f"{body}{wrong:02d}")


def test_a_citizen_is_registered_with_a_first_address(sessions):
    with sessions.begin() as session:
        citizen = _add(session, "85.07.30-033.28", language="fr")
    with sessions() as session:
        found = get_citizen(session, "85073003328")
        home = current_address(session, found.id)
        history = address_history(session, found.id)
    assert (found.id, found.insz, found.number_kind, found.language) == (
        citizen.id,
        "85073003328",
        "nn",
        "fr",
    )
    assert (home.street, home.postcode, home.country, home.valid_from, home.valid_to) == (
        "Kouter",
        "9000",
        "BE",
        date(2020, 1, 1),
        None,
    )
    assert [a.id for a in history] == [home.id]


def test_a_bad_checksum_is_refused_naming_the_insz(sessions):
    with sessions.begin() as session, pytest.raises(InvalidInsz) as raised:
        _add(session, "85073003329")
    assert str(raised.value).startswith("insz: '85073003329' is not a valid INSZ")
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("insz", ["", "8507300332", "850730033288", "85O73003328", "85133003328"])
def test_malformed_numbers_are_refused(sessions, insz):
    with sessions.begin() as session, pytest.raises(InvalidInsz, match="^insz: "):
        _add(session, insz)


def test_a_bis_number_is_accepted_and_recorded_as_such(sessions):
    bis = make_insz(date(1990, 2, 14), 12, bis=True)
    with sessions.begin() as session:
        citizen = _add(session, bis)
    assert (citizen.insz, citizen.number_kind) == (bis, "bis")


def test_someone_born_after_2000_is_accepted(sessions):
    insz = make_insz(date(2004, 11, 3), 101)
    with sessions.begin() as session:
        assert _add(session, insz).number_kind == "nn"


def test_an_unknown_postal_code_is_refused_naming_the_postcode(sessions):
    with sessions.begin() as session, pytest.raises(PeopleError) as raised:
        _add(session, next_insz(), Address("Nergensstraat", "1", "9999"))
    assert str(raised.value) == "postcode: '9999' is not a Belgian postal code"


def test_a_first_address_abroad_is_accepted(sessions):
    with sessions.begin() as session:
        citizen = _add(session, next_insz(), Address("Rue de Rivoli", "1", "75001", country="FR"))
        assert current_address(session, citizen.id).country == "FR"


def test_the_same_insz_cannot_be_registered_twice(sessions):
    with sessions.begin() as session:
        _add(session, "85073003328")
    with sessions.begin() as session, pytest.raises(PeopleError, match="^insz: .*already"):
        _add(session, "85.07.30-033.28", family_name="Janssens")
    with sessions() as session:
        assert get_citizen(session, "85073003328").family_name == "Peeters"


@pytest.mark.parametrize("language", ["nl", "fr", "de", "en"])
def test_the_four_languages_are_accepted(sessions, language):
    with sessions.begin() as session:
        assert _add(session, next_insz(), language=language).language == language


@pytest.mark.parametrize("language", ["NL", "it", "", "nederlands"])
def test_another_language_is_refused_naming_the_language(sessions, language):
    with sessions.begin() as session, pytest.raises(PeopleError, match="^language: "):
        _add(session, next_insz(), language=language)


def test_an_empty_family_name_is_refused(sessions):
    with sessions.begin() as session, pytest.raises(PeopleError, match="^family-name: "):
        _add(session, next_insz(), family_name="  ")


def test_an_unknown_citizen_is_named_in_the_error(sessions):
    with sessions() as session, pytest.raises(UnknownCitizen, match="85073003328"):
        get_citizen(session, "85.07.30-033.28")
