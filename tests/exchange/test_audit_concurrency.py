"""Many writers at once on PostgreSQL: appenders serialise on the head row, so the chain never
forks and no entry is lost."""

import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from loket.exchange.log import append_entry
from loket.exchange.verify import checkpoint_verified_log, verify_log

THREADS = 8
PER_THREAD = 50


def test_eight_writers_make_one_valid_chain(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time by design; concurrency is a PostgreSQL test")
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for item in range(PER_THREAD):
                # One transaction per entry, as a consultation commits its own log line.
                with sessions.begin() as session:
                    append_entry(
                        session,
                        {
                            "kind": "consultation",
                            "outcome": "granted",
                            "actor": f"w{number}-{item}",
                        },
                    )
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures

    key = Ed25519PrivateKey.generate()
    with sessions.begin() as session:
        checkpoint_verified_log(session, key)
    with sessions() as session:
        result = verify_log(session, key.public_key())
        actors = set(session.scalars(text("SELECT actor FROM access_log")))
    assert result.ok, result.problem
    assert result.entries == THREADS * PER_THREAD
    assert actors == {f"w{n}-{i}" for n in range(THREADS) for i in range(PER_THREAD)}
