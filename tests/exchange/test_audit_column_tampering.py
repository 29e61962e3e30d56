"""The columns that the citizen's page and the privacy officer's searches read repeat fields of
the chained body. An attacker with database rights who changes one of them — "granted" into
"denied", an entry moved to another citizen or hidden behind a later visible-from day — must be
caught by `loket audit verify`, which names the entry and the column."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from loket.exchange.checkpoints import load_or_create_key
from loket.exchange.columns import SEARCHABLE_COLUMNS, searchable_columns
from loket.exchange.log import append_entry, entry_body
from loket.exchange.model import AccessLogEntry
from loket.exchange.transparency import citizen_access_log
from tests.exchange.test_audit_tampering import assert_detected, sql, tamper, verify
from tests.factories import citizen_at, make_insz

CITIZEN = make_insz(date(1985, 7, 30), 33)
OTHER_CITIZEN = make_insz(date(1990, 2, 1), 97)
TAMPERED_SEQ = 4
RECORDED = datetime(2026, 3, 2, 10, 15, 0, 123456)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "audit-key.pem"


@pytest.fixture
def key(key_file: Path) -> Ed25519PrivateKey:
    return load_or_create_key(key_file)


def consultation(number: int) -> dict[str, object]:
    return {
        "kind": "consultation",
        "outcome": "denied" if number in (2, 5) else "granted",
        "actor": f"worker-{number}",
        "office": "ocmw-11002",
        "agency": "ocmw",
        "citizen": CITIZEN,
        "category": "income-tax",
        "purpose": "leefloon-eligibility",
        "visible_from": "2026-03-02",
    }


@pytest.fixture
def log(sessions: sessionmaker[Session]) -> None:
    """Six consultations about one citizen; entry 4 (granted) is the one attacked."""
    with sessions.begin() as session:
        citizen_at(session, "9000", insz=CITIZEN)
        citizen_at(session, "9000", insz=OTHER_CITIZEN)
    with sessions.begin() as session:
        for number in range(1, 7):
            append_entry(session, consultation(number), recorded_at=RECORDED + timedelta(number))


# What an attacker would write into each column, and why they would.
ATTACKS: dict[str, tuple[str, object]] = {
    "outcome": ("a granted consultation shown as refused", "denied"),
    "citizen_insz": ("the entry moved away from the citizen's page", OTHER_CITIZEN),
    "agency": ("the consultation blamed on another agency", "fin"),
    "actor": ("the consultation blamed on another clerk", "worker-99"),
    "kind": ("the consultation disguised as the citizen's own visit", "self-view"),
    "visible_from": ("the entry hidden from the citizen for decades", date(2099, 1, 1)),
    "recorded_at": ("the consultation moved to another day", datetime(2026, 1, 1, 9, 0)),
}


def test_every_searchable_column_has_an_attack() -> None:
    assert set(ATTACKS) == set(SEARCHABLE_COLUMNS)


@pytest.mark.parametrize("column", sorted(ATTACKS))
def test_a_changed_column_is_named_by_audit_verify(
    column: str,
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
) -> None:
    _why, value = ATTACKS[column]

    def change(connection: Connection) -> None:
        sql(connection, f"UPDATE access_log SET {column} = :value WHERE seq = 4", value=value)

    tamper(engine, change)
    assert_detected(
        sessions, key, database_url, key_file, TAMPERED_SEQ, f"entry 4: column {column} says"
    )


def test_a_column_emptied_is_caught(
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
    database_url: str,
    key_file: Path,
) -> None:
    tamper(engine, lambda c: sql(c, "UPDATE access_log SET citizen_insz = NULL WHERE seq = 2"))
    assert_detected(
        sessions, key, database_url, key_file, 2, "column citizen_insz says nothing but its"
    )


def test_the_citizen_page_would_have_lost_the_entry(
    log: None, sessions: sessionmaker[Session], engine: Engine
) -> None:
    """Why the columns matter: the citizen's own page reads them, not the body."""

    def move_away(connection: Connection) -> None:
        sql(connection, "UPDATE access_log SET citizen_insz = :o WHERE seq = 4", o=OTHER_CITIZEN)

    tamper(engine, move_away)
    with sessions.begin() as session:
        shown = [line.seq for line in citizen_access_log(session, CITIZEN, date(2026, 12, 1))]
    assert shown == [1, 2, 3, 5, 6]


def test_untampered_columns_verify(
    log: None, sessions: sessionmaker[Session], key: Ed25519PrivateKey
) -> None:
    result = verify(sessions, key)
    assert (result.ok, result.entries) == (True, 6)


def test_stored_columns_are_what_the_body_gives(log: None, sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        entries = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.seq)).all()
        for entry in entries:
            stored = tuple(getattr(entry, name) for name in SEARCHABLE_COLUMNS)
            assert stored == searchable_columns(entry_body(entry))
    assert [e.outcome for e in entries] == ["granted", "denied", "granted"] * 2


ONE_CHANGE = st.sampled_from(sorted(ATTACKS)).flatmap(
    lambda column: st.tuples(st.just(column), st.integers(min_value=1, max_value=6))
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(change=ONE_CHANGE)
def test_any_single_column_change_on_any_entry_is_caught(
    change: tuple[str, int],
    log: None,
    sessions: sessionmaker[Session],
    engine: Engine,
    key: Ed25519PrivateKey,
) -> None:
    """Property: whichever column of whichever entry is changed, verify fails on that entry."""
    column, seq = change
    _why, value = ATTACKS[column]
    with engine.connect() as connection:
        before = connection.execute(
            text(f"SELECT {column} FROM access_log WHERE seq = :seq"), {"seq": seq}
        ).scalar_one()
    if str(before) == str(value):
        return
    tamper(engine, set_column(column, seq, value))
    try:
        result = verify(sessions, key)
        assert not result.ok
        assert result.first_bad_seq == seq
        assert f"column {column} says" in result.problem
    finally:
        tamper(engine, set_column(column, seq, before))
    assert verify(sessions, key).ok


def set_column(column: str, seq: int, value: object) -> Callable[[Connection], None]:
    def change(connection: Connection) -> None:
        sql(connection, f"UPDATE access_log SET {column} = :v WHERE seq = :seq", v=value, seq=seq)

    return change


def test_entry_body_helper_reads_what_append_wrote(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        entry = append_entry(session, consultation(1), recorded_at=RECORDED)
    assert entry_body(entry)["outcome"] == "granted"
    assert entry.recorded_at == RECORDED
