"""Synthetic dossiers: opened at the office routing names for the citizen's postal code, with a
readable reference drawn from the same counters `open_dossier` uses, and a plausible history."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.choices import DossierStatus, EventKind
from loket.cases.model import ReferenceCounter
from loket.cases.routing import AmbiguousPostcode, Router, RoutingError
from loket.insight.deadlines import decision_due_on

S = DossierStatus
# (agency, case type) of an open dossier, and how often each occurs.
OPEN_TYPES = (
    ("ocmw", "leefloon"),
    ("fin", "tax-collection"),
    ("davo", "maintenance-claim"),
    ("ocmw", "debt-mediation"),
)
OPEN_TYPE_WEIGHTS = (35, 40, 18, 7)
OPEN_STATUSES = (S.REQUESTED, S.IN_REVIEW, S.ACTIVE, S.SUSPENDED)
OPEN_STATUS_WEIGHTS = (10, 15, 65, 10)
# The statuses a dossier passed through after "requested" to reach its current one.
PATHS: dict[DossierStatus, tuple[DossierStatus, ...]] = {
    S.REQUESTED: (),
    S.IN_REVIEW: (S.IN_REVIEW,),
    S.ACTIVE: (S.IN_REVIEW, S.ACTIVE),
    S.SUSPENDED: (S.IN_REVIEW, S.ACTIVE, S.SUSPENDED),
    S.CLOSED: (S.IN_REVIEW, S.ACTIVE, S.CLOSED),
    S.REFUSED: (S.IN_REVIEW, S.REFUSED),
}
# Share of adults in the household model (measured); only adults get dossiers.
ADULT_SHARE = 0.74
SECOND_OPEN_SHARE = 0.03
CLOSED_SHARE = 0.06
EARLIEST_OPENING = date(2019, 1, 1)


class ReferenceCounters:
    """The last sequence number per reference prefix and year, as in `reference_counter`."""

    def __init__(self, last: dict[tuple[str, int], int]) -> None:
        self._last = last
        self._stored = set(last)
        self._changed: set[tuple[str, int]] = set()

    @classmethod
    def load(cls, session: Session) -> "ReferenceCounters":
        rows = session.execute(
            select(ReferenceCounter.prefix, ReferenceCounter.year, ReferenceCounter.last)
        )
        return cls({(prefix, year): last for prefix, year, last in rows})

    def next(self, prefix: str, year: int) -> int:
        key = (prefix, year)
        value = self._last.get(key, 0) + 1
        self._last[key] = value
        self._changed.add(key)
        return value

    def take_changes(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(rows to insert, rows to update) since the last call, in a stable order."""
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for prefix, year in sorted(self._changed):
            row = {"prefix": prefix, "year": year, "last": self._last[(prefix, year)]}
            (changed if (prefix, year) in self._stored else new).append(row)
        self._stored |= self._changed
        self._changed = set()
        return new, changed


@dataclass
class DossierMaker:
    rng: random.Random
    router: Router
    counters: ReferenceCounters
    next_dossier: int
    next_event: int
    holder_chance: float
    made: int = 0
    open: int = 0

    def __post_init__(self) -> None:
        self._dossiers: list[dict[str, Any]] = []
        self._events: list[dict[str, Any]] = []

    @classmethod
    def load(
        cls,
        session: Session,
        rng: random.Random,
        router: Router,
        next_ids: dict[str, int],
        share: float,
    ) -> "DossierMaker":
        counters = ReferenceCounters.load(session)
        chance = min(1.0, max(0.0, share) / ADULT_SHARE)
        return cls(rng, router, counters, next_ids["dossier"], next_ids["dossier_event"], chance)

    def take(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The dossier and event rows made since the last call."""
        made, events = self._dossiers, self._events
        self._dossiers, self._events = [], []
        return made, events

    def for_adult(self, citizen_id: int, postcode: str, since: date, today: date) -> None:
        """Maybe give an adult open dossiers and an earlier closed or refused one."""
        rng = self.rng
        if rng.random() < self.holder_chance:
            first = rng.choices(OPEN_TYPES, OPEN_TYPE_WEIGHTS)[0]
            status = rng.choices(OPEN_STATUSES, OPEN_STATUS_WEIGHTS)[0]
            self._make(citizen_id, postcode, first, status, since, today)
            if rng.random() < SECOND_OPEN_SHARE:
                second = rng.choice([kind for kind in OPEN_TYPES if kind != first])
                status = rng.choices(OPEN_STATUSES, OPEN_STATUS_WEIGHTS)[0]
                self._make(citizen_id, postcode, second, status, since, today)
        if rng.random() < CLOSED_SHARE:
            kind = rng.choices(OPEN_TYPES, OPEN_TYPE_WEIGHTS)[0]
            status = S.CLOSED if rng.random() < 0.8 else S.REFUSED
            self._make(citizen_id, postcode, kind, status, since, today)

    def office_for(self, postcode: str, agency: str, on: date) -> str | None:
        """The routed office; for an ambiguous postal code the first candidate's office."""
        try:
            return self.router.route(postcode, agency, on).id
        except AmbiguousPostcode as error:
            return next((c.office_id for c in error.candidates if c.office_id), None)
        except RoutingError:
            return None

    def _make(
        self,
        citizen_id: int,
        postcode: str,
        kind: tuple[str, str],
        status: DossierStatus,
        since: date,
        today: date,
    ) -> None:
        rng = self.rng
        start = max(since, EARLIEST_OPENING)
        opened = start + timedelta(days=rng.randint(0, max(0, (today - start).days - 1)))
        # Each later status came 1 to 8 weeks after the one before, but never after today.
        days = [opened]
        for _ in PATHS[status]:
            days.append(min(days[-1] + timedelta(days=rng.randint(7, 56)), today))
        agency, case_type = kind
        office_id = self.office_for(postcode, agency, opened)
        if office_id is None:
            return
        prefix = office_id.upper()
        number = self.counters.next(prefix, opened.year)
        dossier_id = self.next_dossier
        self.next_dossier += 1
        self._dossiers.append(
            {
                "id": dossier_id,
                "reference": f"{prefix}-{opened.year}-{number:06d}",
                "agency_code": agency,
                "office_id": office_id,
                "citizen_id": citizen_id,
                "case_type": case_type,
                "status": status.value,
                "assigned_worker": None,
                "opened_on": opened,
                "closed_on": None if status.is_open else days[-1],
                "decision_due_on": decision_due_on(case_type, opened, status.value),
            }
        )
        self._event(dossier_id, EventKind.CREATED, opened, None, S.REQUESTED, office_id)
        previous = S.REQUESTED
        for day, reached in zip(days[1:], PATHS[status], strict=True):
            self._event(dossier_id, EventKind.STATUS_CHANGED, day, previous, reached, None)
            previous = reached
        self.made += 1
        self.open += status.is_open

    def _event(
        self,
        dossier_id: int,
        kind: EventKind,
        day: date,
        from_status: DossierStatus | None,
        to_status: DossierStatus,
        office_id: str | None,
    ) -> None:
        event_id = self.next_event
        self.next_event += 1
        self._events.append(
            {
                "id": event_id,
                "dossier_id": dossier_id,
                "kind": kind.value,
                # Recorded during office hours on the day itself, the same for every run.
                "recorded_at": datetime.combine(day, time(9)) + timedelta(seconds=event_id % 28800),
                "effective_date": day,
                "from_office_id": None,
                "to_office_id": office_id,
                "from_status": from_status.value if from_status else None,
                "to_status": to_status.value,
                "reason": None,
                "note": None,
                "address_event_id": None,
            }
        )
