"""Conflicts over HTTP: who gets which answer (200, 401, 403, 404), and a case worker's decision
stored and shown back as plain text."""

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.linkage.conflicts import Conflict, conflict_id_of
from loket.linkage.model import LinkageDecision, LinkageMode
from loket.linkage.service import RunMeta, record_run
from loket.web.app import create_app
from tests.factories import StaffTokens

ANTWERPEN, GENT, BRUSSEL = "11002", "44021", "21004"
CONFLICTS = "/api/v1/linkage/conflicts"
SCRIPT_NOTE = '</script><script>alert("owned")</script>'


def conflict(claim_a: str, claim_b: str, ocmw_a: str, ocmw_b: str, p: float) -> Conflict:
    return Conflict(claim_a, claim_b, ocmw_a, ocmw_b, p, date(2025, 3, 1), None, 120, "insz", "c1")


AG = conflict("ANT-001", "GNT-001", ANTWERPEN, GENT, 0.99)
GB = replace(conflict("BXL-001", "GNT-002", BRUSSEL, GENT, 0.93), status="needs-check")


# Who calls: role, agency and office of each member of staff the tests use.
STAFF = {
    "podmi": ("case-worker", "podmi", "podmi-brussel"),
    "antwerpen": ("case-worker", "ocmw", f"ocmw-{ANTWERPEN}"),
    "brussel": ("case-worker", "ocmw", f"ocmw-{BRUSSEL}"),
    "clerk": ("counter-clerk", "ocmw", f"ocmw-{ANTWERPEN}"),
    "fin": ("case-worker", "fin", "fin-gent"),
}


class Scene(StaffTokens):
    """Two stored conflicts; staff and their tokens are made when a test first names them
    (a token's hash is deliberately slow to compute)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        with sessions.begin() as session:
            now = datetime(2026, 1, 5, 2, 0)
            meta = RunMeta(now, now, "duckdb", LinkageMode.CLEAR, 100, 0, 0.9)
            record_run(session, meta, [AG, GB])
        super().__init__(sessions, STAFF)

    def decisions(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(LinkageDecision)) or 0)


@pytest.fixture
def scene(sessions: sessionmaker[Session]) -> Scene:
    return Scene(sessions)


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(database_url)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def listed(client: TestClient, token: str, **params: str | int) -> list[str]:
    response = client.get(CONFLICTS, params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    return [row["conflict_id"] for row in response.json()]


def decide(client: TestClient, token: str, conflict_id: str, outcome: str, note: str):
    body = {"outcome": outcome, "note": note}
    return client.post(f"{CONFLICTS}/{conflict_id}/decisions", json=body, headers=bearer(token))


def test_pod_mi_lists_every_conflict_and_a_welfare_centre_its_own(client, scene):
    assert listed(client, scene.podmi) == [AG.conflict_id, GB.conflict_id]  # most likely first
    assert listed(client, scene.antwerpen) == [AG.conflict_id]
    assert listed(client, scene.brussel) == [GB.conflict_id]
    assert listed(client, scene.podmi, ocmw=BRUSSEL) == [GB.conflict_id]
    assert listed(client, scene.podmi, limit=1, offset=1) == [GB.conflict_id]
    assert listed(client, scene.antwerpen, ocmw=BRUSSEL) == []


def test_needs_check_pairs_are_listed_apart_from_conflicts(client, scene):
    token = scene.podmi
    assert listed(client, token, finding="needs-check") == [GB.conflict_id]
    assert listed(client, token, finding="conflict") == [AG.conflict_id]
    response = client.get(f"{CONFLICTS}/{GB.conflict_id}", headers=bearer(token))
    assert response.json()["finding"] == "needs-check"


def test_a_decision_resolves_the_conflict_and_the_note_comes_back_as_json_text(client, scene):
    response = decide(client, scene.antwerpen, AG.conflict_id, "legitimate", SCRIPT_NOTE)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["status"] == "resolved"
    # The note is the string as typed, inside a JSON string (its quotes escaped), never markup.
    assert json.dumps(SCRIPT_NOTE) in response.text
    shown = client.get(f"{CONFLICTS}/{AG.conflict_id}", headers=bearer(scene.podmi)).json()
    [decision] = shown["decisions"]
    assert (decision["outcome"], decision["note"], decision["decided_by"]) == (
        "legitimate",
        SCRIPT_NOTE,
        "antwerpen.user",
    )
    assert listed(client, scene.podmi, status="open") == [GB.conflict_id]
    assert listed(client, scene.podmi, status="resolved") == [AG.conflict_id]


def test_a_decision_without_a_note_or_with_an_unknown_outcome_is_422(client, scene):
    url = f"{CONFLICTS}/{AG.conflict_id}/decisions"
    bodies = [
        {"outcome": "legitimate", "note": ""},
        {"outcome": "legitimate", "note": "   "},
        {"outcome": "legitimate"},
        {"outcome": "maybe", "note": "Not sure."},
        {"outcome": "legitimate", "note": "x" * 2001},
    ]
    for body in bodies:
        response = client.post(url, json=body, headers=bearer(scene.antwerpen))
        assert response.status_code == 422, body
        assert response.json()["detail"]["error"] == "invalid-parameter"
    assert scene.decisions() == 0


def test_missing_or_forged_tokens_are_401(client, scene):
    token_id = scene.podmi.partition(".")[0]
    forged = bearer(f"{token_id}.wrong-secret")
    answers = [
        client.get(CONFLICTS),
        client.get(CONFLICTS, headers=bearer("forged")),
        client.get(f"{CONFLICTS}/{AG.conflict_id}", headers=forged),
        client.post(
            f"{CONFLICTS}/{AG.conflict_id}/decisions",
            json={"outcome": "same-person", "note": "x"},
            headers=forged,
        ),
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 401]
    assert {a.json()["detail"]["error"] for a in answers} == {"invalid-token"}
    assert scene.decisions() == 0


def test_roles_and_agencies_that_may_not_are_403(client, scene):
    answers = [
        client.get(CONFLICTS, headers=bearer(scene.clerk)),
        client.get(CONFLICTS, headers=bearer(scene.fin)),
        client.get(f"{CONFLICTS}/{AG.conflict_id}", headers=bearer(scene.fin)),
        decide(client, scene.clerk, AG.conflict_id, "same-person", "Seen at the desk."),
    ]
    assert [a.status_code for a in answers] == [403, 403, 403, 403]
    assert {a.json()["detail"]["error"] for a in answers} == {"role-not-allowed"}
    assert scene.decisions() == 0


def test_another_welfare_centres_conflict_is_404_like_one_that_does_not_exist(client, scene):
    missing = conflict_id_of("NOPE-1", "NOPE-2")
    hidden = client.get(f"{CONFLICTS}/{AG.conflict_id}", headers=bearer(scene.brussel))
    absent = client.get(f"{CONFLICTS}/{missing}", headers=bearer(scene.brussel))
    assert (hidden.status_code, absent.status_code) == (404, 404)
    strip = lambda r, cid: r.json()["detail"]["message"].replace(cid, "ID")  # noqa: E731
    assert strip(hidden, AG.conflict_id) == strip(absent, missing)
    posted = decide(client, scene.brussel, AG.conflict_id, "different-people", "Not ours.")
    assert posted.status_code == 404
    assert scene.decisions() == 0


def test_the_openapi_document_describes_the_conflict_operations(tmp_path: Path):
    with TestClient(create_app(f"sqlite:///{tmp_path / 'unused.db'}")) as client:
        document = client.get("/openapi.json").json()
    validate(document)
    paths = document["paths"]
    expected = {
        ("get", CONFLICTS): {"401", "403", "422"},
        ("get", CONFLICTS + "/{conflict_id}"): {"401", "403", "404"},
        ("post", CONFLICTS + "/{conflict_id}/decisions"): {"401", "403", "404", "422"},
    }
    for (method, path), answers in expected.items():
        assert answers <= set(paths[path][method]["responses"]), (method, path)
    fields = document["components"]["schemas"]["ConflictOut"]["properties"]
    assert all(field.get("description") for field in fields.values())
