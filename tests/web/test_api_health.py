"""`GET /api/v1/health`."""

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from loket import __version__
from loket.web.app import create_app


def test_health_counts_citizens_and_offices(
    client: TestClient, make_citizen: Callable[..., str]
) -> None:
    first = client.get("/api/v1/health")
    assert first.status_code == 200
    body = first.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"] == __version__
    assert body["citizens"] == 0
    assert body["offices"] > 500  # one welfare centre per municipality, and more

    make_citizen()
    assert client.get("/api/v1/health").json()["citizens"] == 1


def test_health_is_503_when_the_database_does_not_answer() -> None:
    app = create_app("postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2")
    with TestClient(app) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "version": __version__,
        "citizens": None,
        "offices": None,
    }


def test_health_is_503_on_a_database_without_schema(tmp_path: Path) -> None:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'empty.db'}")) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
