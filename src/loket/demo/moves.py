"""A file of synthetic address changes for existing citizens, in the contract's moves format,
for demos of `loket import moves` and for its benchmark; streamed, so a million rows are cheap."""

import csv
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.demo.geography import Place, Places
from loket.demo.names import ABROAD, STREETS
from loket.demo.population import REFERENCE_DAY
from loket.people.import_moves import COLUMNS
from loket.people.model import Address, Citizen

CHUNK = 20_000
OTHER_MUNICIPALITY_SHARE = 0.5
ABROAD_SHARE = 0.01
# Moves take effect during the year after the seeded population's "today", so that they come
# after every seeded address and move dossiers rather than filling in history.
MOVES_FROM = REFERENCE_DAY
MOVE_DAYS = 365

_Resident = tuple[int, str, str, str]  # citizen id, INSZ, postcode, country


def _residents(sessions: sessionmaker[Session]) -> Iterator[list[_Resident]]:
    """Citizens with their current address, in id order, a chunk at a time."""
    after = 0
    while True:
        with sessions() as session:
            rows = session.execute(
                select(Citizen.id, Citizen.insz, Address.postcode, Address.country)
                .join(Address, Address.citizen_id == Citizen.id)
                .where(Address.valid_to.is_(None), Citizen.id > after)
                .order_by(Citizen.id)
                .limit(CHUNK)
            ).all()
        if not rows:
            return
        yield [(r[0], r[1], r[2], r[3]) for r in rows]
        after = rows[-1][0]


def _count_residents(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        total = session.scalar(
            select(func.count())
            .select_from(Citizen)
            .join(Address, Address.citizen_id == Citizen.id)
            .where(Address.valid_to.is_(None))
        )
    return int(total or 0)


def _foreign_postcode(rng: random.Random, country: str) -> str:
    if country == "NL":
        letters = "".join(rng.choice("ABCDEGHJKLMNPRSTVWXZ") for _ in range(2))
        return f"{rng.randint(1000, 9999)} {letters}"
    if country == "LU":
        return f"L-{rng.randint(1000, 9999)}"
    return f"{rng.randint(1000, 99999):05d}"


class _MoveMaker:
    def __init__(self, rng: random.Random, places: Places) -> None:
        self.rng = rng
        self.places = places

    def destination(self, postcode: str, country: str) -> tuple[str, str, str]:
        """(street, postcode, country) of a new address for someone living at `postcode`."""
        rng = self.rng
        roll = rng.random()
        if roll < ABROAD_SHARE:
            country, streets = rng.choice(ABROAD)
            return rng.choice(streets), _foreign_postcode(rng, country), country
        here = self.places.get(postcode) if country == "BE" else None
        place: Place | None = None
        if here is not None and roll >= ABROAD_SHARE + OTHER_MUNICIPALITY_SHARE:
            nearby = self.places.in_municipality(here.municipalities[0])
            place = rng.choice(nearby) if nearby else here
        else:
            for _ in range(5):  # another municipality, drawn with the same weights as homes
                place = self.places.pick(rng)
                if here is None or place.municipalities[0] != here.municipalities[0]:
                    break
        assert place is not None
        community = place.community if place.community != "bru" else rng.choice(("fr", "nl"))
        return rng.choice(STREETS[community]), place.postcode, "BE"


def write_moves_csv(
    sessions: sessionmaker[Session],
    path: Path,
    moves: int,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write `moves` address changes of existing citizens to `path`; returns the rows written.

    Citizens are chosen evenly at random (each moves `moves // citizens` times, and a random
    selection of them once more); about half move to another municipality and 1% abroad. Event
    ids are `move-<seed>-<n>`: the same seed gives the same file, and importing it twice
    applies it once.
    """
    rng = random.Random(f"loket-moves-{seed}")
    with sessions() as session:
        maker = _MoveMaker(rng, Places.load(session))
    total = _count_residents(sessions)
    if moves > 0 and total == 0:
        raise LookupError("no citizen has a current address; run `loket seed` first")
    each, extra = divmod(moves, total) if total else (0, 0)
    seen = written = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for chunk in _residents(sessions):
            rows: list[list[str]] = []
            for _, insz, postcode, country in chunk:
                # Selection sampling: exactly `extra` citizens get one move more.
                count = each
                if extra and rng.random() * (total - seen) < extra:
                    count += 1
                    extra -= 1
                seen += 1
                if not count:
                    continue
                offsets = rng.sample(range(MOVE_DAYS), min(count, MOVE_DAYS))
                offsets += [rng.randrange(MOVE_DAYS) for _ in range(count - len(offsets))]
                for offset in sorted(offsets):
                    street, postcode, country = maker.destination(postcode, country)
                    written += 1
                    box = str(rng.randint(1, 12)) if rng.random() < 0.15 else ""
                    rows.append([
                        f"move-{seed}-{written:07d}",
                        insz,
                        _day(offset).isoformat(),
                        street,
                        str(rng.randint(1, 250)),
                        box,
                        postcode,
                        country,
                    ])  # fmt: skip
            writer.writerows(rows)
            if progress:
                progress(written, moves)
    return written


def _day(offset: int) -> date:
    return MOVES_FROM + timedelta(days=offset)
