"""Who outbox messages are for: citizens by INSZ, offices by id, looked up in bulk."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Office
from loket.geo.model import Municipality, PostalCodeMunicipality
from loket.notify.channels import Recipient
from loket.people.model import Address, Citizen

LANGUAGES = ("nl", "fr", "de", "en")
CHUNK = 900  # below SQLite's limit on bound parameters


@dataclass(frozen=True)
class OfficeCard:
    """What a message or letter says about an office: its name and where it is."""

    id: str
    name: str
    address: tuple[str, ...]
    phone: str | None
    email: str | None
    languages: tuple[str, ...]


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _place(name_nl: str, name_fr: str, name_de: str | None, language: str) -> str:
    return {"fr": name_fr, "de": name_de or name_nl}.get(language, name_nl)


def offices(session: Session, ids: Iterable[str]) -> dict[str, OfficeCard]:
    wanted = sorted({i for i in ids if i})
    cards: dict[str, OfficeCard] = {}
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(Office, Municipality)
            .join(Municipality, Municipality.refnis == Office.municipality_refnis)
            .where(Office.id.in_(chunk))
        ).all()
        for office, place in rows:
            language = office.languages[0] if office.languages else "nl"
            names = (place.name_nl, place.name_fr, place.name_de)
            cards[office.id] = OfficeCard(
                office.id,
                office.name,
                (
                    f"{office.street} {office.house_number}",
                    f"{office.postcode} {_place(*names, language)}",
                ),
                office.phone,
                office.email,
                tuple(office.languages or ()),
            )
    return cards


def citizens(session: Session, inszs: Iterable[str]) -> dict[str, Recipient]:
    """Citizens with their current address, by INSZ; the place is named in their language."""
    wanted = sorted({i for i in inszs if i})
    found: dict[str, Recipient] = {}
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(Citizen, Address)
            .outerjoin(Address, (Address.citizen_id == Citizen.id) & Address.valid_to.is_(None))
            .where(Citizen.insz.in_(chunk))
        ).all()
        places = _places(session, {a.postcode for _, a in rows if a is not None})
        for citizen, address in rows:
            language = citizen.language if citizen.language in LANGUAGES else "nl"
            lines: tuple[str, ...] = ()
            if address is not None:
                street = f"{address.street} {address.house_number}"
                if address.box:
                    street += f" {address.box}"
                names = places.get(address.postcode)
                place = _place(*names, language) if names else ""
                lines = (street, f"{address.postcode} {place}".strip())
                if address.country and address.country != "BE":
                    lines += (address.country,)
            found[citizen.insz] = Recipient(
                "citizen",
                citizen.insz,
                f"{citizen.given_names} {citizen.family_name}",
                language,
                citizen.email,
                lines,
            )
    return found


def _places(session: Session, postcodes: set[str]) -> dict[str, tuple[str, str, str | None]]:
    """A place name per postal code: the municipality of the postal code (the first one where
    a code covers several; the postal code itself on the letter tells the post where to go)."""
    if not postcodes:
        return {}
    rows = session.execute(
        select(
            PostalCodeMunicipality.postal_code,
            Municipality.name_nl,
            Municipality.name_fr,
            Municipality.name_de,
        )
        .join(Municipality, Municipality.refnis == PostalCodeMunicipality.municipality_refnis)
        .where(PostalCodeMunicipality.postal_code.in_(sorted(postcodes)))
        .order_by(PostalCodeMunicipality.postal_code, Municipality.refnis)
    ).all()
    places: dict[str, tuple[str, str, str | None]] = {}
    for code, nl, fr, de in rows:
        places.setdefault(code, (nl, fr, de))
    return places


def recipients(
    session: Session, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Recipient]:
    """The recipients of (kind, id) pairs; pairs that name nobody known are left out."""
    keys = set(keys)
    people = citizens(session, (i for k, i in keys if k == "citizen"))
    found: dict[tuple[str, str], Recipient] = {("citizen", i): r for i, r in people.items()}
    for office in offices(session, (i for k, i in keys if k == "office")).values():
        found[("office", office.id)] = Recipient(
            "office",
            office.id,
            office.name,
            office.languages[0] if office.languages else "nl",
            office.email,
            office.address,
        )
    return found
