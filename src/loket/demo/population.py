"""`loket seed`: a believable synthetic Belgium of households, addresses and dossiers, written in
bulk so that a million citizens take minutes, deterministic for a given seed.

Seeding a database that already holds citizens adds more of them: ids continue after the
highest in use, INSZ serial numbers continue after the highest used per birth date, and the
reference counters continue, so nothing collides with what was there.
"""

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, cast, func, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import Dossier, DossierEvent, ReferenceCounter
from loket.cases.routing import Router
from loket.demo.dossiers import DossierMaker
from loket.demo.geography import Places
from loket.demo.names import FAMILY, GIVEN_FEMALE, GIVEN_MALE, STREETS
from loket.people.model import Address, Citizen
from loket.store.base import Base

# "Today" in the synthetic world: fixed, so that a seed always gives the same data.
REFERENCE_DAY = date(2026, 1, 1)
CHUNK = 20_000
# Share of households of 1..5 people (Statbel: about a third of households are single).
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5)
HOUSEHOLD_WEIGHTS = (35, 31, 15, 13, 6)
ADULT_AGES = tuple(range(20, 96))
ADULT_AGE_WEIGHTS = tuple(10 if age < 65 else max(1, 10 - (age - 65) // 3) for age in ADULT_AGES)
BIS_SHARE = 0.03
# Brussels: language by share, for names and for the preferred language.
BRUSSELS_LANGUAGES = (("fr", 0.70), ("nl", 0.22), ("en", 0.08))
ID_TABLES = (Citizen, Address, Dossier, DossierEvent)


@dataclass(frozen=True)
class SeedSummary:
    citizens: int
    addresses: int
    dossiers: int
    open_dossiers: int

    def as_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Chunk:
    citizens: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)


class InszIssuer:
    """Hands out unique INSZ and BIS numbers; serials continue after those already in use."""

    def __init__(self, used: dict[tuple[str, int], int]) -> None:
        # (first six digits, 1 for odd/male serials or 0 for even/female) -> highest serial used
        self._highest = used

    @classmethod
    def load(cls, session: Session) -> "InszIssuer":
        prefix = func.substr(Citizen.insz, 1, 6)
        serial = cast(func.substr(Citizen.insz, 7, 3), Integer)
        # One expression object each, so PostgreSQL sees the same bound parameters in GROUP BY.
        parity = serial % 2
        rows = session.execute(select(prefix, parity, func.max(serial)).group_by(prefix, parity))
        return cls({(p, int(odd)): int(highest) for p, odd, highest in rows})

    def issue(self, born: date, male: bool, bis_offset: int = 0) -> tuple[str, date]:
        """A new number for someone born on `born` (or a day later when that day is full)."""
        while True:
            prefix = f"{born.year % 100:02d}{born.month + bis_offset:02d}{born.day:02d}"
            parity = 1 if male else 0
            # Start each day at a different serial so that numbers do not all end in 001, 002.
            start = (int(prefix) * 7919) % 200 * 2 + (1 if male else 2)
            serial = max(start, self._highest.get((prefix, parity), 0) + 2)
            if serial <= 997:
                self._highest[(prefix, parity)] = serial
                break
            born += timedelta(days=1)
        first9 = prefix + f"{serial:03d}"
        base = int(("2" if born.year >= 2000 else "") + first9)
        return first9 + f"{97 - base % 97:02d}", born


def _next_ids(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: int(session.scalar(select(func.max(model.id))) or 0) + 1
        for model in ID_TABLES
    }


def advance_sequences(session: Session) -> None:
    """On PostgreSQL, move each id sequence past the ids written here, so later inserts fit."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in ID_TABLES:
        name = model.__tablename__
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )


class _Generator:
    """Draws households one by one from a single random.Random, so a seed fixes everything."""

    def __init__(
        self,
        rng: random.Random,
        places: Places,
        issuer: InszIssuer,
        dossiers: DossierMaker,
        next_ids: dict[str, int],
    ) -> None:
        self.rng = rng
        self.places = places
        self.issuer = issuer
        self.dossiers = dossiers
        self.next_citizen = next_ids["citizen"]
        self.next_address = next_ids["address"]

    def _language(self, community: str) -> tuple[str, str]:
        """(language of the names, preferred language) for a household in `community`."""
        if community != "bru":
            return community, community
        roll = self.rng.random()
        for language, share in BRUSSELS_LANGUAGES:
            if roll < share:
                return ("fr" if language == "en" else language), language
            roll -= share
        return "fr", "fr"

    def household(self, chunk: _Chunk, room: int) -> None:
        """Add one household of at most `room` people to `chunk`."""
        rng = self.rng
        place = self.places.pick(rng)
        names_in, language = self._language(place.community)
        size = min(room, rng.choices(HOUSEHOLD_SIZES, HOUSEHOLD_WEIGHTS)[0])
        family = rng.choice(FAMILY[names_in])
        street = rng.choice(STREETS[names_in])
        number = str(rng.randint(1, 250))
        box = str(rng.randint(1, 12)) if rng.random() < 0.18 else None
        first_age = rng.choices(ADULT_AGES, ADULT_AGE_WEIGHTS)[0]
        since = REFERENCE_DAY - timedelta(days=rng.randint(30, min(first_age - 18, 25) * 365 + 30))
        couple = size >= 2 and rng.random() < 0.8
        ages = [first_age]
        if couple:
            ages.append(max(20, min(95, first_age + rng.randint(-6, 6))))
        while len(ages) < size:
            ages.append(rng.randint(0, max(0, min(first_age - 20, 24))))
        for position, age in enumerate(ages):
            male = rng.random() < 0.5 if position else rng.random() < 0.49
            born = REFERENCE_DAY - timedelta(days=age * 365 + rng.randint(1, 364))
            bis = rng.random() < BIS_SHARE
            insz, born = self.issuer.issue(born, male, rng.choice((20, 40)) if bis else 0)
            given = rng.choice((GIVEN_MALE if male else GIVEN_FEMALE)[names_in])
            surname = family if position == 0 or age < 18 or rng.random() < 0.3 else (
                rng.choice(FAMILY[names_in])
            )  # fmt: skip
            citizen_id = self.next_citizen
            self.next_citizen += 1
            chunk.citizens.append(
                {
                    "id": citizen_id,
                    "insz": insz,
                    "number_kind": "bis" if bis else "nn",
                    "family_name": surname,
                    "given_names": given,
                    "birth_date": born,
                    "language": language,
                }
            )
            valid_from = max(since, born)
            chunk.addresses.append(
                {
                    "id": self.next_address,
                    "citizen_id": citizen_id,
                    "street": street,
                    "house_number": number,
                    "box": box,
                    "postcode": place.postcode,
                    "country": "BE",
                    "valid_from": valid_from,
                    "valid_to": None,
                    "source": "demo",
                    "event_id": None,
                }
            )
            self.next_address += 1
            if age >= 18:
                self.dossiers.for_adult(citizen_id, place.postcode, valid_from, REFERENCE_DAY)


def bulk_insert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) in the session's transaction, as fast as the
    database allows: COPY on PostgreSQL, where a plain executemany costs a round trip a row."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(Base.metadata.tables[model.__tablename__]), rows)
        return
    columns = list(rows[0])
    driver = connection.connection.driver_connection
    assert driver is not None
    statement = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _write(session: Session, chunk: _Chunk, dossiers: DossierMaker) -> None:
    bulk_insert(session, Citizen, chunk.citizens)
    bulk_insert(session, Address, chunk.addresses)
    made, events = dossiers.take()
    bulk_insert(session, Dossier, made)
    bulk_insert(session, DossierEvent, events)
    new, changed = dossiers.counters.take_changes()
    if new:
        session.execute(insert(ReferenceCounter), new)
    if changed:
        session.execute(update(ReferenceCounter), changed)
    advance_sequences(session)


def seed_population(
    sessions: sessionmaker[Session],
    people: int = 20000,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    *,
    dossier_share: float = 0.3,
) -> SeedSummary:
    """Add `people` synthetic citizens with their addresses and dossiers.

    About `dossier_share` of them get at least one open dossier. Each chunk of citizens is
    written in its own transaction together with the reference counters it used, so an
    interrupted seed leaves a consistent database.
    """
    rng = random.Random(seed)
    with sessions() as session:
        places = Places.load(session)
        router = Router.load(session)
        issuer = InszIssuer.load(session)
        next_ids = _next_ids(session)
        dossiers = DossierMaker.load(session, rng, router, next_ids, dossier_share)
    generator = _Generator(rng, places, issuer, dossiers, next_ids)
    done = 0
    addresses = 0
    while done < people:
        chunk = _Chunk()
        while len(chunk.citizens) < min(CHUNK, people - done):
            generator.household(chunk, people - done - len(chunk.citizens))
        with sessions.begin() as session:
            _write(session, chunk, dossiers)
        done += len(chunk.citizens)
        addresses += len(chunk.addresses)
        if progress:
            progress(done, people)
    # Imported here: the registers module writes with this module's bulk_insert.
    from loket.demo.registers import seed_registers

    seed_registers(sessions, seed)
    from loket.demo.staffing import seed_staffing

    with sessions.begin() as session:
        staffing = seed_staffing(session, seed)
    # After every step that opens dossiers: each open one gets its assessment or decision.
    from loket.demo.entitlements import seed_entitlements

    seed_entitlements(sessions, seed, REFERENCE_DAY)
    with sessions.begin() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Fresh statistics, so that the first import after a bulk load gets good plans.
            session.execute(text("ANALYZE citizen, address, dossier, dossier_event"))
    return SeedSummary(
        done,
        addresses,
        dossiers.made + staffing.dossiers,
        dossiers.open + staffing.open_dossiers,
    )
