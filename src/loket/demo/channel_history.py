"""A year of synthetic channel history for the digital-divide map: contacts by channel in every
municipality, with the regional differences of the surveys (Flanders and Brussels more online
than Wallonia), rural municipalities less online, and online forms given up step by step."""

import hashlib
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from loket.demo.geography import Places as DemoPlaces
from loket.geo.model import Municipality
from loket.insight.channels_model import ChannelEvent, ContactChannel, ContactKind, Outcome

# The share of contacts made online on one's own, per region (REFNIS), before local variation.
REGION_ONLINE = {"02000": 0.62, "04000": 0.58, "03000": 0.47}
ASSISTED_SHARE = 0.08
# The chance of giving up at each step of an online form, for an average municipality.
DROP_OUT = {
    "identity": 0.10,
    "address": 0.05,
    "household": 0.07,
    "income": 0.13,
    "details": 0.05,
    "question": 0.05,
    "change": 0.06,
    "check": 0.04,
}
SERVICE_STEPS = {
    "leefloon": ("household", "income", "details"),
    "tax-question": ("question",),
    "situation-change": ("change",),
}
SERVICES = ("leefloon", "tax-question", "situation-change")
SERVICE_WEIGHTS = (0.4, 0.35, 0.25)
NEWCOMER_SHARE = 0.3
CHUNK = 20_000


@dataclass(frozen=True)
class Place:
    refnis: str
    people: int
    online: float


def _places(session: Session, rng: random.Random, people: int) -> list[Place]:
    """Every municipality with its people (as the demo population: cities weigh more) and its
    online share: the region's, higher in larger places, with local noise."""
    postcodes = DemoPlaces.load(session)
    weights: dict[str, float] = defaultdict(float)
    previous = 0.0
    for place, cumulative in zip(postcodes.places, postcodes._cumulative, strict=True):
        for refnis in place.municipalities:
            weights[refnis] += (cumulative - previous) / len(place.municipalities)
        previous = cumulative
    regions = dict(session.execute(select(Municipality.refnis, Municipality.region_refnis)).all())
    noisy = {r: w * rng.lognormvariate(0, 0.3) for r, w in weights.items()}
    total = sum(noisy.values()) or 1.0
    mean = total / max(1, len(noisy))
    places = []
    for refnis in sorted(noisy):
        size = noisy[refnis] / mean
        base = REGION_ONLINE.get(regions.get(refnis, ""), 0.55)
        online = base + 0.06 * math.log(size) + rng.gauss(0, 0.05)
        count = max(1, round(people * noisy[refnis] / total))
        places.append(Place(refnis, count, min(0.85, max(0.2, online))))
    return places


def _key(seed: int, number: int) -> str:
    return hashlib.sha256(f"demo:{seed}:{number}".encode()).hexdigest()[:16]


def _channel(rng: random.Random, online: float) -> ContactChannel:
    draw = rng.random()
    if draw < online:
        return ContactChannel.ONLINE
    if draw < online + ASSISTED_SHARE:
        return ContactChannel.ASSISTED_ONLINE
    rest = (draw - online - ASSISTED_SHARE) / max(1e-9, 1 - online - ASSISTED_SHARE)
    return ContactChannel.PHONE if rest < 0.45 else ContactChannel.COUNTER


Sink = Callable[[list[dict[str, Any]]], None]


class _Writer:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.rows: list[dict[str, Any]] = []
        self.written = 0

    def add(self, **row: Any) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.sink(self.rows)
            self.written += len(self.rows)
            self.rows = []


def _online_form(
    writer: _Writer, rng: random.Random, place: Place, day: date, service: str, key: str
) -> None:
    """A form from start to sent or given up; a newcomer's place is known after the address."""
    newcomer = rng.random() < NEWCOMER_SHARE
    steps = (("identity", "address") if newcomer else ()) + SERVICE_STEPS[service] + ("check",)
    harder = 1.0 + 2.0 * (0.6 - place.online)
    known = not newcomer
    for i, step in enumerate(steps):
        where = place.refnis if known else None
        outcome = Outcome.STARTED if i == 0 else Outcome.STEP
        common = {"service": service, "contact": ContactKind.REQUEST.value, "person_key": key}
        writer.add(
            occurred_on=day,
            municipality=where,
            channel="online",
            outcome=outcome.value,
            step=step,
            **common,
        )
        if rng.random() < DROP_OUT[step] * harder:
            writer.add(
                occurred_on=day + timedelta(days=rng.randint(0, 3)),
                municipality=where,
                channel="online",
                outcome=Outcome.ABANDONED.value,
                step=step,
                **common,
            )
            return
        known = known or step == "address"
    writer.add(
        occurred_on=day,
        municipality=place.refnis,
        channel="online",
        outcome=Outcome.SUBMITTED.value,
        step=None,
        service=service,
        contact=ContactKind.REQUEST.value,
        person_key=key,
    )


def seed_channel_history(
    session: Session, seed: int = 1, people: int = 40_000, today: date | None = None
) -> int:
    """Add a year of channel events (to yesterday) for about `people` people; the number of
    events written. Run `loket insight divide-refresh` (or `refresh`) afterwards."""

    def sink(rows: list[dict[str, Any]]) -> None:
        # Core, not the ORM: a plain executemany is ten times faster for bulk rows.
        session.execute(insert(cast(Table, ChannelEvent.__table__)), rows)

    return write_channel_history(session, sink, seed, people, today)


def write_channel_history(
    session: Session, sink: Sink, seed: int, people: int, today: date | None = None
) -> int:
    """The events of `seed_channel_history`, handed to `sink` in chunks (a benchmark copies
    them in bulk); the number of events."""
    rng = random.Random(seed)
    end = (today or date.today()) - timedelta(days=1)
    writer = _Writer(sink)
    number = 0
    for place in _places(session, rng, people):
        for _person in range(place.people):
            number += 1
            key = _key(seed, number)
            for _contact in range(1 + int(rng.expovariate(1.2))):
                day = end - timedelta(days=rng.randrange(365))
                channel = _channel(rng, place.online)
                service = rng.choices(SERVICES, SERVICE_WEIGHTS)[0]
                if channel == ContactChannel.ONLINE and rng.random() < 0.75:
                    _online_form(writer, rng, place, day, service, key)
                    continue
                if channel == ContactChannel.ONLINE:
                    kind = rng.choice((ContactKind.CALLBACK, ContactKind.APPOINTMENT))
                elif channel == ContactChannel.PHONE:
                    kind = ContactKind.CALLBACK if rng.random() < 0.6 else ContactKind.REQUEST
                else:
                    kind = ContactKind.VISIT if rng.random() < 0.5 else ContactKind.REQUEST
                writer.add(
                    occurred_on=day,
                    municipality=place.refnis,
                    service=service if kind != ContactKind.VISIT else "general",
                    contact=kind.value,
                    channel=channel.value,
                    outcome=Outcome.SUBMITTED.value,
                    step=None,
                    person_key=key,
                )
    writer.flush()
    return writer.written
