"""A killed `loket import moves` started again ends exactly where an uninterrupted run ends.

The import runs as a real process on a file of 20,000 moves for 3,000 citizens (several moves
each, in shuffled order, some before registration, some to postal codes no office can be named
for). It is killed with SIGKILL after some batches have committed and started again to
completion; a twin database runs the same file without interruption. Both must then hold the
same address histories, dossier offices, dossier history, routing queue and outbox.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from loket.bootstrap import initialise
from loket.cases.model import Dossier, DossierEvent, RoutingQueueItem
from loket.cases.routing import Router
from loket.geo.model import PostalCode
from loket.people.identifiers import validate_insz
from loket.people.model import Address, AddressChange, Citizen
from loket.store.base import Base
from loket.store.engine import make_engine, session_factory
from loket.store.outbox import OutboxMessage

CITIZENS = 3_000
DOSSIERS = 1_000
MOVES = 20_000
BAD_ROWS = 30
BATCH = 200
SEED = 20250601
CASE_TYPES = [
    ("ocmw", "leefloon"),
    ("ocmw", "debt-mediation"),
    ("fin", "tax-collection"),
    ("davo", "maintenance-claim"),  # does not follow residence: must never move
]
TWIN_SCHEMA = "loket_import_twin"
LOKET = Path(sys.executable).with_name("loket")
HEADER = "event_id,insz,effective_date,street,house_number,box,postcode,country"


def make_insz(birth: date, serial: int) -> str:
    first9 = f"{birth:%y%m%d}{serial:03d}"
    base = int(("2" if birth.year >= 2000 else "") + first9)
    number = f"{first9}{97 - base % 97:02d}"
    assert validate_insz(number) == (number, "nn")
    return number


def citizen_insz(i: int) -> str:
    # One birthday each, so every number is different.
    return make_insz(date(1950, 1, 1) + timedelta(days=7 * i), 1 + i % 997)


def regular_postcodes(url: str) -> list[str]:
    """Postal codes every agency can route: one municipality each."""
    engine = make_engine(url)
    with session_factory(engine)() as session:
        codes = sorted(
            session.scalars(select(PostalCode.code).where(PostalCode.ambiguous.is_(False)))
        )
    engine.dispose()
    return codes


def populate(url: str, postcodes: list[str]) -> None:
    """Citizens registered in 2016 and their dossiers at the competent office, in bulk."""
    rng = random.Random(SEED)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        router = Router.load(session)
    with engine.begin() as connection:
        connection.execute(
            insert(Citizen),
            [
                {
                    "insz": citizen_insz(i),
                    "number_kind": "nn",
                    "family_name": f"Family {i}",
                    "given_names": f"Given {i}",
                    "birth_date": date(1950, 1, 1) + timedelta(days=7 * i),
                    "language": "nl",
                }
                for i in range(CITIZENS)
            ],
        )
        ids = dict(connection.execute(select(Citizen.insz, Citizen.id)).all())
        homes = []
        for i in range(CITIZENS):
            homes.append(
                {
                    "citizen_id": ids[citizen_insz(i)],
                    "street": f"Kerkstraat {i}",
                    "house_number": str(1 + i % 150),
                    "box": None,
                    "postcode": rng.choice(postcodes),
                    "country": "BE",
                    "valid_from": date(2016, 1, 1) + timedelta(days=rng.randrange(365)),
                    "valid_to": None,
                    "source": "register",
                    "event_id": None,
                }
            )
        connection.execute(insert(Address), homes)
        dossiers = []
        for d in range(DOSSIERS):
            home = homes[(d * 7) % 1_500]  # 1,500 citizens hold the dossiers, some two
            agency, kind = CASE_TYPES[d % len(CASE_TYPES)]
            office = router.route(home["postcode"], agency, home["valid_from"]).id
            dossiers.append(
                {
                    "reference": f"T-{office.upper()}-{d:06d}",
                    "agency_code": agency,
                    "office_id": office,
                    "citizen_id": home["citizen_id"],
                    "case_type": kind,
                    "status": "closed" if d % 10 == 9 else "active",
                    "assigned_worker": None,
                    "opened_on": home["valid_from"],
                    "closed_on": home["valid_from"] if d % 10 == 9 else None,
                }
            )
        connection.execute(insert(Dossier), dossiers)
        dossier_ids = dict(connection.execute(select(Dossier.reference, Dossier.id)).all())
        connection.execute(
            insert(DossierEvent),
            [
                {
                    "dossier_id": dossier_ids[d["reference"]],
                    "kind": "created",
                    "effective_date": d["opened_on"],
                    "to_office_id": d["office_id"],
                    "to_status": d["status"],
                }
                for d in dossiers
            ],
        )
    engine.dispose()


def write_moves_file(path: Path, postcodes: list[str]) -> None:
    """MOVES good rows (several per citizen, shuffled) and BAD_ROWS rows that must be rejected."""
    rng = random.Random(SEED + 1)
    rows = []
    for i in range(MOVES):
        # Dossier holders move more often, so most dossiers move several times.
        who = rng.randrange(1_500) if rng.random() < 0.7 else rng.randrange(CITIZENS)
        day = date(2014, 1, 1) + timedelta(days=rng.randrange(11 * 365))  # some before 2016
        r = rng.random()
        postcode, country = rng.choice(postcodes), "BE"
        if r < 0.02:
            postcode = "9999"  # well-formed but unknown: dossiers wait for routing
        elif r < 0.05:
            postcode = "1040"  # Brussel or Etterbeek: the OCMW cannot be named
        elif r < 0.07:
            postcode, country = "1012", "NL"
        box = str(rng.randrange(1, 9)) if r > 0.9 else ""
        rows.append(
            f"ev-{i:06d},{citizen_insz(who)},{day.isoformat()},Nieuwstraat,{i % 300 + 1},"
            f"{box},{postcode},{country}"
        )
    for b in range(BAD_ROWS):
        kind = b % 3
        if kind == 0:  # a valid number nobody is registered with
            rows.append(f"bad-{b},{make_insz(date(1949, 1, 1), 100 + b)},2020-01-01,X,1,,9000,BE")
        elif kind == 1:
            rows.append(f"bad-{b},{citizen_insz(b)},2020-02-30,X,1,,9000,BE")
        else:  # reuses an event id of a good row
            rows.append(f"ev-{b:06d},{citizen_insz(b)},2020-03-01,X,1,,9000,BE")
    rng.shuffle(rows)
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def applied_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(AddressChange)) or 0)
    finally:
        engine.dispose()


def clear(url: str) -> None:
    """Remove what `populate` and an import wrote, keeping geography and the office network."""
    kept = {"region", "province", "municipality", "postal_code", "postal_code_municipality",
            "agency", "case_type", "office", "jurisdiction", "alembic_version"}  # fmt: skip
    engine = make_engine(url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in kept:
                connection.execute(table.delete())
    engine.dispose()


def start_import(url: str, path: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LOKET_DATABASE_URL": url}
    command = [str(LOKET), "import", "moves", str(path), "--batch-size", str(BATCH)]
    with log.open("wb") as err:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)


def run_import(url: str, path: Path) -> dict[str, Any]:
    env = {**os.environ, "LOKET_DATABASE_URL": url}
    command = [str(LOKET), "import", "moves", str(path), "--batch-size", str(BATCH)]
    done = subprocess.run(command, env=env, capture_output=True, timeout=900)
    assert done.returncode == 0, done.stderr.decode()
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary


def kill_midway(url: str, path: Path, postcodes: list[str], log: Path) -> int:
    """Start the import and SIGKILL it once some batches committed; the moves applied by then.

    When the import finishes before it can be killed, the data are laid out again and the kill
    comes earlier.
    """
    for threshold in (5 * BATCH, BATCH, 1):
        process = start_import(url, path, log)
        try:
            while process.poll() is None and applied_count(url) < threshold:
                time.sleep(0.02)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
        finally:
            process.wait()
        applied = applied_count(url)
        if process.returncode == -signal.SIGKILL and 0 < applied < MOVES:
            return applied
        clear(url)
        populate(url, postcodes)
    pytest.fail(f"the import always finished before it could be killed; see {log}")


def snapshot(url: str) -> dict[str, Counter[tuple[Any, ...]]]:
    """Everything a user can see after the import, as multisets without ids or timestamps."""
    engine = make_engine(url)
    queries = {
        "address history": select(
            Citizen.insz,
            Address.street,
            Address.house_number,
            Address.box,
            Address.postcode,
            Address.country,
            Address.valid_from,
            Address.valid_to,
            Address.source,
            Address.event_id,
        ).join(Citizen, Citizen.id == Address.citizen_id),
        "address changes": select(
            AddressChange.event_id,
            Citizen.insz,
            AddressChange.effective_date,
            AddressChange.applied_as,
            AddressChange.dossiers_transferred,
            AddressChange.dossiers_queued,
        ).join(Citizen, Citizen.id == AddressChange.citizen_id),
        "dossier offices": select(Dossier.reference, Dossier.office_id, Dossier.status),
        "dossier history": select(
            Dossier.reference,
            DossierEvent.kind,
            DossierEvent.from_office_id,
            DossierEvent.to_office_id,
            DossierEvent.effective_date,
            DossierEvent.reason,
            DossierEvent.address_event_id,
        ).join(Dossier, Dossier.id == DossierEvent.dossier_id),
        "routing queue": select(
            Dossier.reference,
            RoutingQueueItem.office_id,
            RoutingQueueItem.reason,
            RoutingQueueItem.detail,
            RoutingQueueItem.address_event_id,
            RoutingQueueItem.created_on,
            RoutingQueueItem.resolved_on,
        ).join(Dossier, Dossier.id == RoutingQueueItem.dossier_id),
        "outbox": select(
            OutboxMessage.recipient_kind,
            OutboxMessage.recipient_id,
            OutboxMessage.topic,
            OutboxMessage.payload,
            OutboxMessage.sent_at,
        ),
    }
    state: dict[str, Counter[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, query in queries.items():
            state[name] = Counter(
                tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for v in row)
                for row in connection.execute(query)
            )
    engine.dispose()
    return state


def double_transfers(url: str) -> list[tuple[str, str | None, int]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Dossier.reference, DossierEvent.address_event_id, func.count())
            .join(Dossier, Dossier.id == DossierEvent.dossier_id)
            .where(DossierEvent.kind == "transferred")
            .group_by(Dossier.reference, DossierEvent.address_event_id)
            .having(func.count() > 1)
        )
        found = [tuple(row) for row in rows]
    engine.dispose()
    return found  # type: ignore[return-value]


def gaps_in_address_history(state: Counter[tuple[Any, ...]]) -> list[str]:
    """Citizens whose addresses do not follow each other without gap or overlap."""
    periods: dict[str, list[tuple[date, date | None]]] = {}
    for row, n in state.items():
        periods.setdefault(row[0], []).extend([(row[6], row[7])] * n)
    wrong = []
    for insz, spans in periods.items():
        spans.sort(key=lambda s: (s[0], s[1] is None, s[1] or s[0]))
        chained = all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
        if not chained or spans[-1][1] is not None:
            wrong.append(insz)
    return wrong


@pytest.fixture
def twin_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second initialised database on the same backend, for the uninterrupted run."""
    if make_url(database_url).get_backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path / 'twin.db'}"
        engine = make_engine(url)
        initialise(engine)
        engine.dispose()
        yield url
        return
    # A schema of its own in the same PostgreSQL database, reached through the search path.
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {TWIN_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {TWIN_SCHEMA}"))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={TWIN_SCHEMA}"})
    twin = url.render_as_string(hide_password=False)
    engine = make_engine(twin)
    initialise(engine)
    engine.dispose()
    yield twin
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {TWIN_SCHEMA} CASCADE"))
    admin.dispose()


def test_a_killed_import_started_again_ends_like_an_uninterrupted_one(
    database_url: str, twin_url: str, tmp_path: Path
) -> None:
    postcodes = regular_postcodes(database_url)
    moves = tmp_path / "moves.csv"
    write_moves_file(moves, postcodes)
    populate(database_url, postcodes)
    populate(twin_url, postcodes)

    applied_before_kill = kill_midway(database_url, moves, postcodes, tmp_path / "killed.log")
    resumed = run_import(database_url, moves)
    resumed_rejects = (tmp_path / "moves.rejects.csv").read_text(encoding="utf-8")
    uninterrupted = run_import(twin_url, moves)
    uninterrupted_rejects = (tmp_path / "moves.rejects.csv").read_text(encoding="utf-8")

    # The second run skips exactly what the killed run had committed, and applies the rest.
    assert resumed["duplicates_skipped"] == applied_before_kill
    assert resumed["applied"] + resumed["filed_in_history"] == MOVES - applied_before_kill
    assert uninterrupted["duplicates_skipped"] == 0
    assert uninterrupted["applied"] + uninterrupted["filed_in_history"] == MOVES
    assert resumed["rejected"] == uninterrupted["rejected"] == BAD_ROWS
    assert sorted(resumed_rejects.splitlines()) == sorted(uninterrupted_rejects.splitlines())

    after_restart, without_kill = snapshot(database_url), snapshot(twin_url)
    # The comparison means something only if the file moved dossiers and queued some.
    kinds = Counter(row[1] for row in without_kill["dossier history"].elements())
    assert kinds["transferred"] > 1_000 and kinds["routing-needed"] > 50
    applied_as = Counter(row[3] for row in without_kill["address changes"].elements())
    assert applied_as["history"] > 1_000 and applied_as["current"] > 10_000
    assert gaps_in_address_history(without_kill["address history"]) == []
    for name, expected in without_kill.items():
        got = after_restart[name]
        missing, extra = list((expected - got).items())[:5], list((got - expected).items())[:5]
        assert got == expected, f"{name}: missing {missing}, extra {extra}"
    assert double_transfers(database_url) == []
    assert double_transfers(twin_url) == []
    # Maintenance claims do not follow residence, and closed dossiers stay where they closed.
    moved = {row[0] for row in without_kill["dossier history"] if row[1] == "transferred"}
    assert not [ref for ref in moved if ref.startswith("T-DAVO-") or ref.endswith("9")]
