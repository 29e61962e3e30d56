"""The demo's tax-control run: 200 selected dossiers await a blind assessment, the demo analyst
lists them through the review API, and seeding again adds nothing."""

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.control.model import ControlRun, ControlSelection
from loket.demo.control import control_workdir, seed_control_run
from loket.demo.staff import DEMO_STAFF, demo_api_token, ensure_demo_staff
from loket.web.app import create_app

# Fewer dossiers than the demo's 20,000 keep the test fast; the selection is 200 either way.
# Not fewer: in a smaller file some sectors are too small to score, and the loader refuses a
# random-sample draw of an unscored dossier (reported to the lead).
DOSSIERS = 10_000
SEED = 1
ANALYST = next(login for login in DEMO_STAFF if login.username == "demo-fin-analyst")


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(database_url)) as test_client:
        yield test_client


def _stored(sessions: sessionmaker[Session]) -> tuple[int, Counter[str]]:
    with sessions() as session:
        runs = int(session.scalar(select(func.count()).select_from(ControlRun)) or 0)
        statuses = Counter(session.scalars(select(ControlSelection.status)))
    return runs, statuses


def test_seeding_loads_200_selections_the_demo_analyst_lists_blind_through_the_api(
    sessions: sessionmaker[Session], client: TestClient, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        summary = seed_control_run(session, tmp_path, SEED, dossiers=DOSSIERS)
        assert ANALYST in ensure_demo_staff(session)
        token = demo_api_token(session, ANALYST)
    assert summary.created
    assert (summary.selected, summary.awaiting_review) == (200, 200)
    assert _stored(sessions) == (1, Counter({"awaiting-assessment": 200}))
    run_log = json.loads((tmp_path / "scores.run.json").read_text(encoding="utf-8"))
    assert run_log["run_id"] == summary.run_id
    assert run_log["counts"]["rows"] == DOSSIERS
    assert run_log["counts"]["selected"] == 200
    assert (tmp_path / "scores.scored.parquet").exists()
    with sessions() as session:
        random_draws = session.scalar(
            select(func.count()).where(ControlSelection.selection == "random-sample")
        )
    assert random_draws == run_log["counts"]["random_sample"] > 0
    response = client.get(
        f"/api/v1/control/runs/{summary.run_id}/queue",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    queue = response.json()
    # An analyst sees every office's selections, not only those of fin-gent.
    assert len(queue) == 200
    assert len({item["office_id"] for item in queue}) > 1
    assert {item["status"] for item in queue} == {"awaiting-assessment"}
    assert all(item["blind"] and item["model"] is None for item in queue)


def test_seeding_twice_leaves_the_loaded_run_alone(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions.begin() as session:
        first = seed_control_run(session, tmp_path / "first", SEED, dossiers=DOSSIERS)
    with sessions.begin() as session:
        second = seed_control_run(session, tmp_path / "second", SEED + 1, dossiers=DOSSIERS)
    assert not second.created
    assert (second.run_id, second.selected, second.awaiting_review) == (first.run_id, 200, 200)
    assert _stored(sessions) == (1, Counter({"awaiting-assessment": 200}))
    assert not (tmp_path / "second").exists()  # nothing generated or scored the second time


def test_a_new_demo_token_replaces_the_old_one(
    sessions: sessionmaker[Session], client: TestClient
) -> None:
    with sessions.begin() as session:
        ensure_demo_staff(session)
        old = demo_api_token(session, ANALYST)
        new = demo_api_token(session, ANALYST)
    url = "/api/v1/control/runs/no-such-run/queue"
    assert client.get(url, headers={"Authorization": f"Bearer {old}"}).status_code == 401
    # The new token gets past authentication: the answer is about the run, not the caller.
    answer = client.get(url, headers={"Authorization": f"Bearer {new}"})
    assert answer.status_code == 404
    assert "no-such-run" in answer.text


def test_the_work_directory_is_beside_the_sqlite_database() -> None:
    assert control_workdir("sqlite:///./var/loket.db") == Path("var/control-demo")
    assert control_workdir("sqlite:///data/x/loket.db") == Path("data/x/control-demo")
    server = "postgresql+psycopg://loket@db.example/loket"
    assert control_workdir(server) == Path("var/control-demo")
