"""The synthetic population: valid numbers, reproducible, dossiers where routing puts them,
reference counters that a later `open_dossier` continues, and a moves file the import accepts."""

import csv
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from stdnum.be import nn

from loket.cases.dossiers import open_dossier
from loket.cases.model import Dossier, DossierEvent, ReferenceCounter
from loket.cases.routing import AmbiguousPostcode, Router
from loket.demo.moves import MOVE_DAYS, MOVES_FROM, write_moves_csv
from loket.demo.population import seed_population
from loket.people.identifiers import validate_insz
from loket.people.import_moves import COLUMNS, import_moves, parse_move
from loket.people.model import Address, Citizen
from loket.people.service import NewAddress, add_citizen

PEOPLE = 300
TABLES = (Citizen, Address, Dossier, DossierEvent)


def _dump(sessions: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    with sessions() as session:
        dump = {
            model.__tablename__: [
                tuple(row) for row in session.execute(select(model.__table__).order_by(model.id))
            ]
            for model in TABLES
        }
        dump["reference_counter"] = [
            tuple(row)
            for row in session.execute(
                select(ReferenceCounter.__table__).order_by(
                    ReferenceCounter.prefix, ReferenceCounter.year
                )
            )
        ]
    return dump


def test_summary_counts_what_was_written(sessions: sessionmaker[Session]) -> None:
    summary = seed_population(sessions, people=PEOPLE, seed=1)
    dump = _dump(sessions)
    assert summary.citizens == len(dump["citizen"]) == PEOPLE
    assert summary.addresses == len(dump["address"]) == PEOPLE
    assert summary.dossiers == len(dump["dossier"])
    with sessions() as session:
        open_count = len(
            session.scalars(
                select(Dossier.id).where(Dossier.status.not_in(("closed", "refused")))
            ).all()
        )
    assert summary.open_dossiers == open_count
    assert 0.15 * PEOPLE < open_count < 0.45 * PEOPLE
    assert summary.as_json()["citizens"] == PEOPLE


def test_every_insz_validates_and_encodes_the_birth_date(sessions: sessionmaker[Session]) -> None:
    seed_population(sessions, people=PEOPLE, seed=3)
    with sessions() as session:
        rows = session.execute(select(Citizen.insz, Citizen.number_kind, Citizen.birth_date)).all()
    for insz, kind, born in rows:
        assert validate_insz(insz) == (insz, kind)
        assert nn.get_birth_date(insz) == born
    assert len({insz for insz, _, _ in rows}) == PEOPLE


def test_same_seed_gives_the_same_data_and_another_seed_other_data(
    sessions: sessionmaker[Session], reset: Callable[[], None]
) -> None:
    seed_population(sessions, people=PEOPLE, seed=7)
    first = _dump(sessions)
    reset()
    seed_population(sessions, people=PEOPLE, seed=7)
    assert _dump(sessions) == first
    reset()
    seed_population(sessions, people=PEOPLE, seed=8)
    other = _dump(sessions)
    assert other["citizen"] != first["citizen"]
    assert other["dossier"] != first["dossier"]


def test_dossiers_sit_at_the_office_routing_names(sessions: sessionmaker[Session]) -> None:
    seed_population(sessions, people=PEOPLE, seed=1)
    with sessions() as session:
        router = Router.load(session)
        rows = session.execute(
            select(Dossier.agency_code, Dossier.office_id, Dossier.opened_on, Address.postcode)
            .join(Address, Address.citizen_id == Dossier.citizen_id)
            .where(Address.valid_to.is_(None))
        ).all()
    assert rows
    for agency, office_id, opened_on, postcode in rows:
        try:
            expected = router.route(postcode, agency, opened_on).id
        except AmbiguousPostcode as error:
            expected = next(c.office_id for c in error.candidates if c.office_id)
        assert office_id == expected, (agency, postcode)


def _counters_match_references(session: Session) -> dict[tuple[str, int], int]:
    numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
    for reference in session.scalars(select(Dossier.reference)):
        prefix, year, number = reference.rsplit("-", 2)
        numbers[(prefix, int(year))].append(int(number))
    counters = {
        (prefix, year): last
        for prefix, year, last in session.execute(
            select(ReferenceCounter.prefix, ReferenceCounter.year, ReferenceCounter.last)
        )
    }
    assert set(counters) == set(numbers)
    for key, used in numbers.items():
        assert sorted(used) == list(range(1, counters[key] + 1)), key
    return counters


def test_reference_counters_let_open_dossier_continue(sessions: sessionmaker[Session]) -> None:
    seed_population(sessions, people=PEOPLE, seed=1)
    with sessions.begin() as session:
        counters = _counters_match_references(session)
        seeded, insz = session.execute(
            select(Dossier, Citizen.insz)
            .join(Citizen, Citizen.id == Dossier.citizen_id)
            .where(Dossier.case_type == "tax-collection")
            .order_by(Dossier.id)
            .limit(1)
        ).one()
        day = seeded.opened_on
        dossier = open_dossier(session, insz=insz, agency="fin", case_type="tax-collection", on=day)
        prefix = seeded.office_id.upper()
        assert dossier.office_id == seeded.office_id
        assert dossier.reference == f"{prefix}-{day.year}-{counters[(prefix, day.year)] + 1:06d}"
        # The id sequences were moved past the seeded rows as well.
        add_citizen(
            session,
            insz="85073003328",
            family_name="Peeters",
            given_names="Jan",
            birth_date=date(1985, 7, 30),
            address=NewAddress("Kerkstraat", "1", "9000"),
        )


def test_seeding_again_adds_citizens_without_collisions(sessions: sessionmaker[Session]) -> None:
    seed_population(sessions, people=PEOPLE, seed=1)
    summary = seed_population(sessions, people=100, seed=1)
    assert summary.citizens == 100
    with sessions() as session:
        numbers = session.scalars(select(Citizen.insz)).all()
        _counters_match_references(session)
    assert len(numbers) == len(set(numbers)) == PEOPLE + 100
    assert all(validate_insz(n) for n in numbers)


def test_moves_file_follows_the_contract_and_imports(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed_population(sessions, people=PEOPLE, seed=1)
    path = tmp_path / "moves.csv"
    assert write_moves_csv(sessions, path, moves=450, seed=1) == 450
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        rows = [dict(zip(header, row, strict=True)) for row in reader]
    assert header == COLUMNS
    moves = [parse_move(line, row) for line, row in enumerate(rows, start=2)]
    assert len({m.event_id for m in moves}) == 450
    with sessions() as session:
        known = set(session.scalars(select(Citizen.insz)))
    assert {m.insz for m in moves} <= known
    assert any(m.address.country == "BE" for m in moves)

    again = tmp_path / "again.csv"
    write_moves_csv(sessions, again, moves=450, seed=1)
    assert again.read_bytes() == path.read_bytes()

    # Imported after the last move's day, so none of them waits for its day.
    summary = import_moves(sessions, path, on=MOVES_FROM + timedelta(days=MOVE_DAYS))
    assert summary.rejected == 0
    assert summary.applied == 450
