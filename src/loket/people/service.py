"""Registering citizens and reading their addresses."""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.geo.model import PostalCode
from loket.people.identifiers import validate_insz
from loket.people.model import Address, Citizen

LANGUAGES = ("nl", "fr", "de", "en")
# Enough to catch a phone number or a typo in the wrong field; the mail server has the last word.
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
# The column sizes of Address: a longer value is refused with a message, never cut or crashed on.
ADDRESS_LIMITS = {"street": 200, "house_number": 20, "box": 20, "postcode": 12}


class PeopleError(ValueError):
    """A request about a citizen that cannot be carried out; the message names the field."""


class UnknownCitizen(PeopleError):
    def __init__(self, insz: str) -> None:
        super().__init__(f"insz: no citizen is registered with {insz}")
        self.insz = insz


@dataclass(frozen=True)
class NewAddress:
    street: str
    house_number: str
    postcode: str
    box: str | None = None
    country: str = "BE"

    def __post_init__(self) -> None:
        # "be" typed at a counter is Belgium: every rule compares with the upper-case code.
        object.__setattr__(self, "country", self.country.strip().upper())


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise PeopleError(f"language: {language!r} is not one of {', '.join(LANGUAGES)}")
    return language


def check_address(address: NewAddress) -> None:
    for name, limit in ADDRESS_LIMITS.items():
        value = getattr(address, name) or ""
        if len(value) > limit:
            field = name.replace("_", "-")
            raise PeopleError(f"{field}: {value!r} is longer than {limit} characters")


def add_citizen(
    session: Session,
    *,
    insz: str,
    family_name: str,
    given_names: str,
    birth_date: date | None,
    address: NewAddress,
    language: str = "nl",
    since: date | None = None,
    source: str = "register",
    email: str | None = None,
) -> Citizen:
    """Register a citizen with a first address in Belgium (and an e-mail address, where
    notifications then go instead of by letter)."""
    number, kind = validate_insz(insz)
    check_language(language)
    email = (email or "").strip() or None
    if email is not None and (len(email) > 254 or not re.fullmatch(EMAIL, email)):
        raise PeopleError(f"email: {email!r} is not an e-mail address like an@example.be")
    check_address(address)
    if not family_name.strip():
        raise PeopleError("family-name: must not be empty")
    if session.scalar(select(Citizen.id).where(Citizen.insz == number)) is not None:
        raise PeopleError(f"insz: a citizen with {number} is already registered")
    if address.country == "BE" and session.get(PostalCode, address.postcode) is None:
        raise PeopleError(f"postcode: {address.postcode!r} is not a Belgian postal code")
    citizen = Citizen(
        insz=number,
        number_kind=kind,
        family_name=family_name.strip(),
        given_names=given_names.strip(),
        birth_date=birth_date,
        language=language,
        email=email,
    )
    session.add(citizen)
    session.flush()
    session.add(
        Address(
            citizen_id=citizen.id,
            street=address.street,
            house_number=address.house_number,
            box=address.box,
            postcode=address.postcode,
            country=address.country,
            valid_from=since or date.today(),
            valid_to=None,
            source=source,
        )
    )
    session.flush()
    return citizen


def get_citizen(session: Session, insz: str) -> Citizen:
    number, _ = validate_insz(insz)
    citizen = session.scalar(select(Citizen).where(Citizen.insz == number))
    if citizen is None:
        raise UnknownCitizen(number)
    return citizen


def current_address(session: Session, citizen_id: int) -> Address | None:
    return session.scalar(
        select(Address).where(Address.citizen_id == citizen_id, Address.valid_to.is_(None))
    )


def address_history(session: Session, citizen_id: int) -> list[Address]:
    return list(
        session.scalars(
            select(Address)
            .where(Address.citizen_id == citizen_id)
            .order_by(Address.valid_from, Address.id)
        )
    )
