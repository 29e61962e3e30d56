"""Waiting for the day changes when a move happens, never what it does: a file imported before
some of its days, with `apply-due` run every day after, ends exactly where the same file ends
when it is imported after all its days; and on no day is a move applied before its date."""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from factories import citizen_at, make_insz, open_dossiers
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import Dossier, DossierEvent, RoutingQueueItem
from loket.people.due_moves import apply_due
from loket.people.import_moves import import_moves
from loket.people.model import Address, AddressChange, Citizen
from loket.store.outbox import OutboxMessage

SINCE = date(2020, 1, 1)
IMPORTED = date(2030, 6, 1)
HOMES = ["9000", "2000"]
# Other cities, the German-speaking east, an ambiguous and an unknown code, and abroad.
DESTINATIONS = [
    ("9000", "BE"),
    ("9050", "BE"),
    ("2000", "BE"),
    ("4700", "BE"),
    ("1040", "BE"),
    ("9999", "BE"),
    ("10115", "DE"),
]
HEADER = "event_id,insz,effective_date,street,house_number,box,postcode,country"


@dataclass(frozen=True)
class Step:
    citizen: int
    offset: int  # days from the import day; zero and below are applied at once
    postcode: str
    country: str


steps = st.lists(
    st.builds(
        lambda who, offset, where: Step(who, offset, *where),
        st.integers(0, len(HOMES) - 1),
        st.integers(-4, 4),  # few days: moves of one citizen often share a day
        st.sampled_from(DESTINATIONS),
    ),
    min_size=1,
    max_size=8,
)


def _insz(citizen: int) -> str:
    return make_insz(date(1980, 1, 1) + timedelta(days=citizen), 2 * citizen + 1)


def _settle_in(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for who, home in enumerate(HOMES):
            citizen = citizen_at(session, home, insz=_insz(who), since=SINCE)
            open_dossiers(session, citizen, on=SINCE)


def _write(path: Path, plan: list[Step]) -> Path:
    lines = [HEADER] + [
        f"ev-{i},{_insz(s.citizen)},{(IMPORTED + timedelta(days=s.offset)).isoformat()},"
        f"Straat {i},{i},,{s.postcode},{s.country}"
        for i, s in enumerate(plan)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _state(sessions: sessionmaker[Session]) -> dict[str, object]:
    """Everything a move leaves behind that staff or citizens can see."""
    with sessions() as session:
        addresses = session.execute(
            select(
                Citizen.insz,
                Address.street,
                Address.postcode,
                Address.country,
                Address.valid_from,
                Address.valid_to,
                Address.event_id,
            )
            .join(Citizen, Citizen.id == Address.citizen_id)
            .order_by(Citizen.insz, Address.valid_from, Address.street)
        ).all()
        offices = session.execute(
            select(Dossier.reference, Dossier.office_id).order_by(Dossier.reference)
        ).all()
        history = session.execute(
            select(
                Dossier.reference,
                DossierEvent.kind,
                DossierEvent.from_office_id,
                DossierEvent.to_office_id,
                DossierEvent.effective_date,
                DossierEvent.address_event_id,
            )
            .join(Dossier, Dossier.id == DossierEvent.dossier_id)
            .order_by(Dossier.reference, DossierEvent.id)
        ).all()
        queue = session.execute(
            select(
                Dossier.reference,
                RoutingQueueItem.office_id,
                RoutingQueueItem.reason,
                RoutingQueueItem.resolved_on,
            )
            .join(Dossier, Dossier.id == RoutingQueueItem.dossier_id)
            .order_by(Dossier.reference, RoutingQueueItem.id)
        ).all()
        outbox = session.execute(
            select(OutboxMessage.topic, OutboxMessage.recipient_id, func.count())
            .group_by(OutboxMessage.topic, OutboxMessage.recipient_id)
            .order_by(OutboxMessage.topic, OutboxMessage.recipient_id)
        ).all()
    return {
        "addresses": [tuple(r) for r in addresses],
        "offices": [tuple(r) for r in offices],
        "history": [tuple(r) for r in history],
        "routing queue": [tuple(r) for r in queue],
        "outbox": [tuple(r) for r in outbox],
    }


def _nothing_before_its_day(sessions: sessionmaker[Session], day: date) -> None:
    with sessions() as session:
        latest = session.scalar(select(func.max(AddressChange.effective_date)))
        newest_address = session.scalar(select(func.max(Address.valid_from)))
    assert latest is None or latest <= day
    assert newest_address is not None and newest_address <= day


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(plan=steps, batch=st.integers(1, 4))
# Two waiting moves of one citizen on one day, in separate batches: neither replaces the other.
@example(plan=[Step(0, 3, "2000", "BE"), Step(0, 3, "4700", "BE")], batch=1)
def test_waiting_for_the_day_ends_where_importing_after_every_day_ends(
    sessions: sessionmaker[Session], reset, tmp_path: Path, plan: list[Step], batch: int
) -> None:
    path = _write(tmp_path / "moves.csv", plan)
    last = IMPORTED + timedelta(days=max(s.offset for s in plan))

    reset()
    _settle_in(sessions)
    early = import_moves(sessions, path, batch, on=IMPORTED)
    assert early.scheduled == sum(1 for s in plan if s.offset > 0)
    _nothing_before_its_day(sessions, IMPORTED)
    day = IMPORTED
    while day < last:
        day += timedelta(days=1)
        apply_due(sessions, day, batch)
        _nothing_before_its_day(sessions, day)
    day_by_day = _state(sessions)

    reset()
    _settle_in(sessions)
    late = import_moves(sessions, path, batch, on=max(last, IMPORTED))
    assert late.scheduled == 0
    all_at_once = _state(sessions)

    assert day_by_day == all_at_once
