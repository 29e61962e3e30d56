"""A move dated after the day of the import waits for its day, then changes the address and moves
the dossiers exactly as an immediate move would; `apply-due` applies it once, however often and
however many times at once it runs.

Each test imports a moves file "on" a given day and applies due moves on given days, and checks
what a clerk would see: the import's summary, the address history, where each dossier is, its
history lines and the notifications in the outbox.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from factories import citizen_at, next_insz, open_dossiers
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import Dossier, DossierEvent
from loket.people.due_moves import apply_due
from loket.people.import_moves import ImportSummary, import_moves
from loket.people.model import Address, AddressChange, Citizen, ScheduledMove
from loket.people.moves import change_address
from loket.people.scheduled import lock_due
from loket.people.service import NewAddress
from loket.store.engine import make_engine, session_factory
from loket.store.outbox import OutboxMessage

HEADER = "event_id,insz,effective_date,street,house_number,box,postcode,country"
SINCE = date(2020, 1, 1)
IMPORTED = date(2030, 3, 1)  # the day the file is imported
MOVING = date(2030, 3, 20)  # the day the citizen moves, after the import
GENT_OCMW, ANTWERPEN_OCMW = "ocmw-44021", "ocmw-11002"


@dataclass
class Anna:
    """Anna lives in Gent with a leefloon, a tax and a maintenance-claim dossier."""

    insz: str
    dossiers: dict[str, str]  # case type -> reference


@pytest.fixture
def anna(sessions: sessionmaker[Session]) -> Anna:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000", since=SINCE)
        dossiers = open_dossiers(session, citizen, on=SINCE)
        return Anna(citizen.insz, {kind: d.reference for kind, d in dossiers.items()})


def moves_file(path: Path, *rows: tuple[str, str, date, str, str]) -> Path:
    """A moves CSV: (event id, INSZ, effective date, street, postcode) per row."""
    lines = [HEADER] + [
        f"{event},{insz},{day.isoformat()},{street},1,,{postcode},BE"
        for event, insz, day, street, postcode in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def addresses(sessions: sessionmaker[Session], insz: str) -> list[tuple[str, date, date | None]]:
    """The address history as a table: street, from, to."""
    with sessions() as session:
        rows = session.execute(
            select(Address.street, Address.valid_from, Address.valid_to)
            .join(Citizen, Citizen.id == Address.citizen_id)
            .where(Citizen.insz == insz)
            .order_by(Address.valid_from, Address.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def offices(sessions: sessionmaker[Session], anna: Anna) -> dict[str, str]:
    with sessions() as session:
        return {
            kind: session.scalar(select(Dossier.office_id).where(Dossier.reference == ref)) or ""
            for kind, ref in anna.dossiers.items()
        }


def transfer_lines(sessions: sessionmaker[Session]) -> list[tuple[str, str, str, date, str]]:
    """Every `transferred` history line: dossier, from, to, effective date, address event."""
    with sessions() as session:
        rows = session.execute(
            select(
                Dossier.reference,
                DossierEvent.from_office_id,
                DossierEvent.to_office_id,
                DossierEvent.effective_date,
                DossierEvent.address_event_id,
            )
            .join(Dossier, Dossier.id == DossierEvent.dossier_id)
            .where(DossierEvent.kind == "transferred")
            .order_by(Dossier.reference, DossierEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def outbox(sessions: sessionmaker[Session]) -> list[tuple[str, str]]:
    with sessions() as session:
        rows = session.execute(
            select(OutboxMessage.topic, OutboxMessage.recipient_id).order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def statuses(sessions: sessionmaker[Session]) -> dict[str, tuple[str, str | None]]:
    with sessions() as session:
        rows = session.execute(
            select(ScheduledMove.event_id, ScheduledMove.status, ScheduledMove.superseded_by)
        )
        return {event: (status, by) for event, status, by in rows}


def test_a_future_move_waits_then_moves_the_dossiers_on_its_day_once(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    path = moves_file(tmp_path / "moves.csv", ("m1", anna.insz, MOVING, "Meir", "2000"))
    at_first = offices(sessions, anna)

    summary = import_moves(sessions, path, on=IMPORTED)

    assert (summary.scheduled, summary.applied, summary.dossiers_transferred) == (1, 0, 0)
    assert addresses(sessions, anna.insz) == [("Kerkstraat", SINCE, None)]
    assert offices(sessions, anna) == at_first and at_first["leefloon"] == GENT_OCMW
    assert (transfer_lines(sessions), outbox(sessions)) == ([], [])
    assert statuses(sessions) == {"m1": ("waiting", None)}

    before = apply_due(sessions, date(2030, 3, 19))
    assert (before.applied, before.still_waiting) == (0, 1)
    assert addresses(sessions, anna.insz) == [("Kerkstraat", SINCE, None)]

    on_the_day = apply_due(sessions, MOVING)

    assert (on_the_day.applied, on_the_day.dossiers_transferred, on_the_day.still_waiting) == (
        1,
        2,
        0,
    )
    assert addresses(sessions, anna.insz) == [
        ("Kerkstraat", SINCE, MOVING),
        ("Meir", MOVING, None),
    ]
    moved = offices(sessions, anna)
    assert moved["leefloon"] == ANTWERPEN_OCMW
    assert moved["tax-collection"] != at_first["tax-collection"]
    assert moved["maintenance-claim"] == at_first["maintenance-claim"]  # does not follow
    leefloon, tax = anna.dossiers["leefloon"], anna.dossiers["tax-collection"]
    assert transfer_lines(sessions) == sorted(
        [
            (leefloon, GENT_OCMW, ANTWERPEN_OCMW, MOVING, "m1"),
            (tax, at_first["tax-collection"], moved["tax-collection"], MOVING, "m1"),
        ]
    )
    topics = sorted(topic for topic, _ in outbox(sessions))
    assert topics == sorted(
        2 * ["dossier-transferred-out", "dossier-transferred-in", "dossier-transferred"]
    )
    assert statuses(sessions) == {"m1": ("applied", None)}

    again = apply_due(sessions, MOVING)
    later = apply_due(sessions, date(2030, 6, 1))

    assert (again.moves, later.moves) == (0, 0)
    assert len(transfer_lines(sessions)) == 2 and len(outbox(sessions)) == 6
    assert len(addresses(sessions, anna.insz)) == 2


def test_importing_the_same_file_again_schedules_nothing_twice(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    path = moves_file(tmp_path / "moves.csv", ("m1", anna.insz, MOVING, "Meir", "2000"))
    import_moves(sessions, path, on=IMPORTED)

    waiting_again = import_moves(sessions, path, on=date(2030, 3, 2))
    apply_due(sessions, MOVING)
    after_its_day = import_moves(sessions, path, on=date(2030, 4, 1))

    for summary in (waiting_again, after_its_day):
        assert (summary.scheduled, summary.applied, summary.duplicates_skipped) == (0, 0, 1)
    assert statuses(sessions) == {"m1": ("applied", None)}
    assert len(addresses(sessions, anna.insz)) == 2
    assert len(transfer_lines(sessions)) == 2


def test_a_move_dated_today_or_before_is_applied_at_once(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    path = moves_file(tmp_path / "moves.csv", ("m1", anna.insz, IMPORTED, "Meir", "2000"))

    summary = import_moves(sessions, path, on=IMPORTED)

    assert (summary.applied, summary.scheduled) == (1, 0)
    assert offices(sessions, anna)["leefloon"] == ANTWERPEN_OCMW
    assert statuses(sessions) == {}


def test_a_later_import_dated_on_or_before_a_waiting_move_replaces_it(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    first = moves_file(tmp_path / "first.csv", ("m1", anna.insz, MOVING, "Meir", "2000"))
    second = moves_file(
        tmp_path / "second.csv", ("m2", anna.insz, date(2030, 3, 10), "Grote Markt", "3000")
    )
    import_moves(sessions, first, on=IMPORTED)

    summary = import_moves(sessions, second, on=date(2030, 3, 5))
    apply_due(sessions, date(2030, 4, 1))

    assert (summary.scheduled, summary.superseded) == (1, 1)
    assert summary.warnings == ["line 2: replaces move m1, which waited for 2030-03-20"]
    assert statuses(sessions) == {"m1": ("superseded", "m2"), "m2": ("applied", None)}
    assert addresses(sessions, anna.insz) == [
        ("Kerkstraat", SINCE, date(2030, 3, 10)),
        ("Grote Markt", date(2030, 3, 10), None),
    ]
    assert {event for *_, event in transfer_lines(sessions)} == {"m2"}


def test_a_correction_for_the_same_day_replaces_the_waiting_address(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    import_moves(
        sessions,
        moves_file(tmp_path / "a.csv", ("m1", anna.insz, MOVING, "Meir", "2000")),
        on=IMPORTED,
    )
    import_moves(
        sessions,
        moves_file(tmp_path / "b.csv", ("m1-fixed", anna.insz, MOVING, "Meir 14", "2000")),
        on=IMPORTED,
    )

    apply_due(sessions, MOVING)

    assert addresses(sessions, anna.insz)[-1] == ("Meir 14", MOVING, None)
    assert statuses(sessions)["m1"] == ("superseded", "m1-fixed")


def test_a_later_move_dated_after_the_waiting_one_and_history_leave_it_waiting(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    import_moves(
        sessions,
        moves_file(tmp_path / "a.csv", ("m1", anna.insz, MOVING, "Meir", "2000")),
        on=IMPORTED,
    )
    # A further move after the waiting one, and a correction of 2019 (before the current address).
    summary = import_moves(
        sessions,
        moves_file(
            tmp_path / "b.csv",
            ("m2", anna.insz, date(2030, 5, 1), "Grote Markt", "3000"),
            ("m0", anna.insz, date(2019, 6, 1), "Korenmarkt", "9000"),
        ),
        on=IMPORTED,
    )
    apply_due(sessions, date(2030, 5, 1))

    assert (summary.superseded, summary.scheduled, summary.filed_in_history) == (0, 1, 1)
    assert [street for street, *_ in addresses(sessions, anna.insz)] == [
        "Korenmarkt",
        "Kerkstraat",
        "Meir",
        "Grote Markt",
    ]


def test_moves_of_one_file_never_replace_each_other(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    # Line order says "Grote Markt first", dates say Meir first: the file is one set of facts.
    path = moves_file(
        tmp_path / "moves.csv",
        ("m2", anna.insz, date(2030, 5, 1), "Grote Markt", "3000"),
        ("m1", anna.insz, MOVING, "Meir", "2000"),
    )

    summary = import_moves(sessions, path, on=IMPORTED)
    apply_due(sessions, date(2030, 5, 1))

    assert (summary.scheduled, summary.superseded) == (2, 0)
    assert [street for street, *_ in addresses(sessions, anna.insz)] == [
        "Kerkstraat",
        "Meir",
        "Grote Markt",
    ]


def test_a_change_over_the_api_replaces_a_waiting_move_and_cannot_reuse_its_event_id(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    import_moves(
        sessions,
        moves_file(tmp_path / "a.csv", ("m1", anna.insz, MOVING, "Meir", "2000")),
        on=IMPORTED,
    )
    with sessions.begin() as session:
        replayed = change_address(
            session, "m1", anna.insz, NewAddress("Elders", "1", "1000"), IMPORTED, "api"
        )
        moved = change_address(
            session, "api-1", anna.insz, NewAddress("Brugse Poort", "1", "9000"), IMPORTED, "api"
        )

    assert (replayed.status, moved.status) == ("duplicate", "applied")
    assert statuses(sessions) == {"m1": ("superseded", "api-1")}
    assert apply_due(sessions, MOVING).moves == 0
    assert addresses(sessions, anna.insz)[-1] == ("Brugse Poort", IMPORTED, None)


def test_an_import_first_applies_waiting_moves_whose_day_has_come(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    """The daily run was missed: the import still decides as if it had run on time, so the
    late-reported earlier move goes into the history instead of replacing the due one."""
    import_moves(
        sessions,
        moves_file(tmp_path / "a.csv", ("m1", anna.insz, MOVING, "Meir", "2000")),
        on=IMPORTED,
    )

    summary: ImportSummary = import_moves(
        sessions,
        moves_file(tmp_path / "b.csv", ("m0", anna.insz, date(2030, 3, 15), "Overpoort", "9000")),
        on=date(2030, 3, 25),
    )

    assert (summary.due_applied, summary.filed_in_history, summary.superseded) == (1, 1, 0)
    assert addresses(sessions, anna.insz) == [
        ("Kerkstraat", SINCE, date(2030, 3, 15)),
        ("Overpoort", date(2030, 3, 15), MOVING),
        ("Meir", MOVING, None),
    ]


def test_a_move_for_an_unknown_citizen_is_rejected_at_import_not_left_waiting(
    sessions: sessionmaker[Session], anna: Anna, tmp_path: Path
) -> None:
    path = moves_file(tmp_path / "moves.csv", ("m9", next_insz(), MOVING, "Meir", "2000"))

    summary = import_moves(sessions, path, on=IMPORTED)

    assert (summary.rejected, summary.scheduled) == (1, 0)
    assert "no citizen is registered" in (tmp_path / "moves.rejects.csv").read_text("utf-8")
    assert statuses(sessions) == {}


@pytest.fixture
def impatient(database_url: str) -> Iterator[sessionmaker[Session]]:
    if make_url(database_url).get_backend_name() == "sqlite":
        engine = make_engine(database_url)

        @event.listens_for(engine, "connect")
        def no_wait(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA busy_timeout=0")

    else:
        engine = create_engine(database_url, connect_args={"options": "-c lock_timeout=1"})
    yield session_factory(engine)
    engine.dispose()


def test_while_one_run_holds_the_due_moves_no_other_run_can_take_them(
    sessions: sessionmaker[Session],
    impatient: sessionmaker[Session],
    anna: Anna,
    tmp_path: Path,
) -> None:
    import_moves(
        sessions,
        moves_file(tmp_path / "a.csv", ("m1", anna.insz, MOVING, "Meir", "2000")),
        on=IMPORTED,
    )

    with sessions.begin() as first:
        assert [row.event_id for row, _ in lock_due(first, MOVING, 10)] == ["m1"]
        with pytest.raises(OperationalError), impatient.begin() as second:
            lock_due(second, MOVING, 10)
    # `first` ended without applying: the move is still there for the next run, once.
    second_run = apply_due(sessions, MOVING)

    assert second_run.moves == 1
    assert apply_due(sessions, MOVING).moves == 0


def test_two_runs_at_once_apply_every_move_exactly_once(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions.begin() as session:
        people = [citizen_at(session, "9000", since=SINCE) for _ in range(60)]
        for citizen in people[:20]:
            open_dossiers(session, citizen, ("leefloon",), on=SINCE)
    rows = [(f"m{i}", c.insz, MOVING, "Meir", "2000") for i, c in enumerate(people)]
    import_moves(sessions, moves_file(tmp_path / "moves.csv", *rows), on=IMPORTED)

    results: list[int] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            results.append(apply_due(sessions, MOVING, batch_size=7).moves)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sum(results) == 60
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AddressChange)) == 60
        assert session.scalar(select(func.count()).select_from(Address)) == 120
    assert len(transfer_lines(sessions)) == 20
    assert len(outbox(sessions)) == 60
