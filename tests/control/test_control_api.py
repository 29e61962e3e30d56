"""Control review over HTTP: blind until assessed, steps in order (409 otherwise), who gets which
answer (401, 403, 404), and notes shown back as plain JSON text."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.control.model import ControlReview, ControlSelection
from loket.control.review import load_selection
from loket.web.app import create_app
from tests.control.review_files import EXPLANATION, write_scores
from tests.factories import StaffTokens

RUN = "run-2026-11-29"
CONTROL = "/api/v1/control"
SCRIPT_NOTE = '</script><script>alert("owned")</script>'

# Who calls: role, agency and office of each member of staff the tests use.
STAFF = {
    "analyst": ("analyst", "fin", None),
    "gent": ("case-worker", "fin", "fin-gent"),
    "clerk": ("counter-clerk", "fin", "fin-gent"),
    "ocmw": ("case-worker", "ocmw", "ocmw-44021"),
}


class Scene(StaffTokens):
    """A loaded run; staff and their tokens are made when a test first names them."""

    def __init__(self, sessions: sessionmaker[Session], tmp_path: Path) -> None:
        with sessions.begin() as session:
            load_selection(session, write_scores(tmp_path))
            rows = session.execute(select(ControlSelection.dossier_id, ControlSelection.id))
            self.ids = {dossier: selection for dossier, selection in rows}
        super().__init__(sessions, STAFF)

    def reviews(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(ControlReview)) or 0)


@pytest.fixture
def scene(sessions: sessionmaker[Session], tmp_path: Path) -> Scene:
    return Scene(sessions, tmp_path)


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(database_url)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assess(client: TestClient, token: str, selection: int, assessment: str, note: str = ""):
    body = {"assessment": assessment, "note": note}
    url = f"{CONTROL}/selections/{selection}/assessment"
    return client.post(url, json=body, headers=bearer(token))


def decide(client: TestClient, token: str, selection: int, decision: str, reason: str, text=None):
    body = {"decision": decision, "reason": reason, "text": text}
    url = f"{CONTROL}/selections/{selection}/decision"
    return client.post(url, json=body, headers=bearer(token))


def test_the_score_is_shown_only_after_the_assessment(client, scene):
    selection = scene.ids["D-300"]
    blind = client.get(f"{CONTROL}/selections/{selection}", headers=bearer(scene.gent))
    assert blind.status_code == 200, blind.text
    assert (blind.json()["blind"], blind.json()["model"]) == (True, None)
    assert EXPLANATION not in blind.text and "risk" not in blind.text
    queue = client.get(f"{CONTROL}/runs/{RUN}/queue", headers=bearer(scene.analyst))
    assert [(r["dossier_id"], r["model"]) for r in queue.json()] == [
        ("D-050", None),
        ("D-100", None),
        ("D-200", None),
        ("D-300", None),
    ]
    assessed = assess(client, scene.gent, selection, "high")
    assert assessed.status_code == 201, assessed.text
    model = assessed.json()["model"]
    assert (model["rank"], model["selection"], model["explanation"]) == (1, "risk", EXPLANATION)
    seen = client.get(f"{CONTROL}/selections/{selection}", headers=bearer(scene.analyst)).json()
    assert (seen["blind"], seen["assessment"], seen["assessed_by"]) == (False, "high", "gent.user")


def test_steps_out_of_order_or_twice_are_409(client, scene):
    selection = scene.ids["D-200"]
    early = decide(client, scene.gent, selection, "control", "indication-confirmed")
    assert early.status_code == 409
    assert early.json()["detail"]["error"] == "out-of-order"
    assert assess(client, scene.gent, selection, "medium").status_code == 201
    assert assess(client, scene.analyst, selection, "low").status_code == 409
    mismatch = decide(client, scene.gent, selection, "control", "capacity")
    assert (mismatch.status_code, mismatch.json()["detail"]["parameter"]) == (422, "reason")
    done = decide(client, scene.gent, selection, "no-control", "explained-by-circumstances")
    assert done.status_code == 201, done.text
    assert (done.json()["decision"], done.json()["override"]) == ("no-control", True)
    again = decide(client, scene.analyst, selection, "control", "indication-confirmed")
    assert again.status_code == 409
    summary = client.get(f"{CONTROL}/runs/{RUN}/summary", headers=bearer(scene.analyst)).json()
    assert summary["overrides"] == {"count": 1, "share": 1.0}
    assert summary["by_status"] == {
        "awaiting-assessment": 3,
        "awaiting-decision": 0,
        "decided": 1,
    }


def test_only_dossiers_a_person_decided_to_control_are_handed_on(client, scene):
    url = f"{CONTROL}/runs/{RUN}/controls"
    assert client.get(url, headers=bearer(scene.analyst)).json() == []
    kept, dropped = scene.ids["D-050"], scene.ids["D-100"]
    for selection in (kept, dropped):
        assert assess(client, scene.analyst, selection, "high").status_code == 201
    assert decide(client, scene.analyst, kept, "control", "indication-confirmed").status_code == 201
    assert decide(client, scene.analyst, dropped, "no-control", "capacity").status_code == 201
    handed_on = client.get(url, headers=bearer(scene.analyst)).json()
    # The two undecided dossiers and the one decided against never reach the control teams.
    assert [(c["dossier_id"], c["reason"], c["decided_by"]) for c in handed_on] == [
        ("D-050", "indication-confirmed", "analyst.user")
    ]
    assert client.get(url, headers=bearer(scene.ocmw)).status_code == 403
    assert (
        client.get(
            f"{CONTROL}/runs/no-such-run/controls", headers=bearer(scene.analyst)
        ).status_code
        == 404
    )


def test_a_script_in_a_note_comes_back_as_json_text(client, scene):
    selection = scene.ids["D-300"]
    assessed = assess(client, scene.gent, selection, "low", SCRIPT_NOTE)
    assert assessed.headers["content-type"] == "application/json"
    # The note is the string as typed, inside a JSON string (its quotes escaped), never markup.
    assert json.dumps(SCRIPT_NOTE) in assessed.text
    decided = decide(client, scene.gent, selection, "no-control", "other", SCRIPT_NOTE)
    assert decided.status_code == 201, decided.text
    shown = client.get(f"{CONTROL}/selections/{selection}", headers=bearer(scene.gent)).json()
    assert (shown["assessment_note"], shown["reason_text"]) == (SCRIPT_NOTE, SCRIPT_NOTE)


def test_missing_or_forged_tokens_are_401(client, scene):
    token_id = scene.analyst.partition(".")[0]
    forged = bearer(f"{token_id}.wrong-secret")
    selection = scene.ids["D-300"]
    answers = [
        client.get(f"{CONTROL}/runs/{RUN}/queue"),
        client.get(f"{CONTROL}/selections/{selection}", headers=bearer("forged")),
        client.post(
            f"{CONTROL}/selections/{selection}/assessment",
            json={"assessment": "high"},
            headers=forged,
        ),
        client.get(f"{CONTROL}/runs/{RUN}/summary", headers=forged),
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 401]
    assert {a.json()["detail"]["error"] for a in answers} == {"invalid-token"}
    assert scene.reviews() == 0


def test_other_roles_and_agencies_are_403_and_other_offices_404(client, scene):
    gent, antwerpen = scene.ids["D-300"], scene.ids["D-100"]
    answers = [
        client.get(f"{CONTROL}/runs/{RUN}/queue", headers=bearer(scene.clerk)),
        client.get(f"{CONTROL}/selections/{gent}", headers=bearer(scene.ocmw)),
        assess(client, scene.clerk, gent, "high"),
        decide(client, scene.ocmw, gent, "control", "indication-confirmed"),
        client.get(f"{CONTROL}/runs/{RUN}/summary", headers=bearer(scene.ocmw)),
    ]
    assert [a.status_code for a in answers] == [403, 403, 403, 403, 403]
    assert {a.json()["detail"]["error"] for a in answers} == {"role-not-allowed"}
    hidden = client.get(f"{CONTROL}/selections/{antwerpen}", headers=bearer(scene.gent))
    absent = client.get(f"{CONTROL}/selections/999999", headers=bearer(scene.gent))
    assert (hidden.status_code, absent.status_code) == (404, 404)
    unknown_run = client.get(f"{CONTROL}/runs/no-such-run/queue", headers=bearer(scene.gent))
    assert unknown_run.status_code == 404
    assert scene.reviews() == 0


def test_the_openapi_document_describes_the_review_operations(tmp_path: Path):
    with TestClient(create_app(f"sqlite:///{tmp_path / 'unused.db'}")) as client:
        document = client.get("/openapi.json").json()
    validate(document)
    paths = document["paths"]
    expected = {
        ("get", CONTROL + "/runs/{run_id}/queue"): {"401", "403", "404"},
        ("get", CONTROL + "/selections/{selection_id}"): {"401", "403", "404"},
        ("post", CONTROL + "/selections/{selection_id}/assessment"): {"401", "403", "409"},
        ("post", CONTROL + "/selections/{selection_id}/decision"): {"401", "403", "409", "422"},
        ("get", CONTROL + "/runs/{run_id}/summary"): {"401", "403", "404"},
    }
    for (method, path), answers in expected.items():
        assert answers <= set(paths[path][method]["responses"]), (method, path)
    fields = document["components"]["schemas"]["SelectionOut"]["properties"]
    assert all(field.get("description") for field in fields.values())
