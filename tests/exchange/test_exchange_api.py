"""The exchange over HTTP: a staff member consults another agency's data only as the rule allows,
the citizen sees the consultation, and the privacy officer manages authorisations and flags."""

from collections.abc import Iterator
from datetime import date

import pytest
from factories import citizen_at, open_dossiers
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.staff import add_user
from loket.exchange.authorisations import grant
from loket.exchange.model import AccessLogEntry, TaxAssessment
from loket.settings import get_settings
from loket.web.app import create_app

OFFICE = "ocmw-44021"
BASIS = "Art. 19 Wet 26 mei 2002; beraadslaging IVC 21/077"


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(database_url)) as test_client:
        yield test_client


@pytest.fixture
def demo_mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LOKET_DEMO_MODE", "true")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("LOKET_DEMO_MODE")
    get_settings.cache_clear()


class Scene:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        with sessions.begin() as session:
            citizen = citizen_at(session, "9000")
            session.add(
                TaxAssessment(
                    citizen_id=citizen.id,
                    income_year=2024,
                    taxable_income_eur=15500.0,
                    tax_due_eur=1900.0,
                    status="final",
                )
            )
            self.dossier = open_dossiers(session, citizen, ("leefloon",), office_id=OFFICE)[
                "leefloon"
            ].reference
            self.without_dossier = citizen_at(session, "9000").insz
            self.insz = citizen.insz
            grant(session, "ocmw", "income-tax", "leefloon-eligibility", BASIS, date(2020, 1, 1))
            self.worker = add_user(session, "an.worker", "case-worker", "ocmw", OFFICE)[1]
            self.fin = add_user(session, "fin.worker", "case-worker", "fin", "fin-gent")[1]
            self.officer = add_user(session, "privacy", "privacy-officer", "ocmw")[1]
        self.sessions = sessions

    def log_count(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0)


@pytest.fixture
def scene(sessions: sessionmaker[Session]) -> Scene:
    return Scene(sessions)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ask(client: TestClient, token: str, insz: str, **extra: str):
    body = {"insz": insz, "category": "income-tax", "purpose": "leefloon-eligibility", **extra}
    return client.post("/api/v1/consultations", json=body, headers=bearer(token))


def test_a_case_worker_with_an_open_dossier_gets_the_tax_data(client, scene):
    response = ask(client, scene.worker, scene.insz)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["granted"] is True
    assert body["dossier"] == scene.dossier
    assert body["fields"]["assessments"][0]["taxable_income_eur"] == 15500.0
    assert scene.log_count() == 1


def test_without_an_open_dossier_it_is_403_with_the_reason_and_still_logged(client, scene):
    response = ask(client, scene.worker, scene.without_dossier)
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert detail["error"] == "no-open-dossier"
    assert detail["message"]
    assert "fields" not in response.json()
    assert scene.log_count() == 1


def test_another_agency_without_authorisation_gets_nothing(client, scene):
    response = ask(client, scene.fin, scene.insz)
    assert response.status_code == 403
    assert response.json()["detail"]["error"] == "no-authorisation"


def test_missing_or_forged_tokens_are_401_and_release_nothing(client, scene):
    body = {"insz": scene.insz, "category": "income-tax", "purpose": "leefloon-eligibility"}
    token_id = scene.worker.partition(".")[0]
    for headers in [{}, bearer("forged"), bearer(f"{token_id}.wrong-secret")]:
        response = client.post("/api/v1/consultations", json=body, headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"]["error"] == "invalid-token"
    assert scene.log_count() == 0


def test_the_citizen_needs_a_session(client, scene):
    response = client.get("/api/v1/me/access-log", headers={"X-Demo-Citizen": scene.insz})
    assert response.status_code == 401  # outside demo mode the header means nothing


def test_the_citizen_sees_the_consultation_and_flags_it(client, scene, demo_mode):
    seq = ask(client, scene.worker, scene.insz).json()["log_seq"]
    me = {"X-Demo-Citizen": scene.insz}
    assert client.get("/api/v1/me/access-log").status_code == 401
    response = client.get("/api/v1/me/access-log", headers=me)
    assert response.status_code == 200
    [line] = response.json()
    assert (line["seq"], line["purpose"], line["legal_basis"]) == (
        seq,
        "leefloon-eligibility",
        BASIS,
    )
    assert line["office"]["id"] == OFFICE
    assert "an.worker" not in response.text

    flagged = client.post(
        f"/api/v1/me/access-log/{seq}/flag", json={"comment": "I do not know this"}, headers=me
    )
    assert flagged.status_code == 201
    other = {"X-Demo-Citizen": scene.without_dossier}
    assert (
        client.post(f"/api/v1/me/access-log/{seq}/flag", json={}, headers=other).status_code == 404
    )

    assert client.get("/api/v1/privacy/flags", headers=bearer(scene.worker)).status_code == 403
    flags = client.get("/api/v1/privacy/flags", headers=bearer(scene.officer))
    assert flags.status_code == 200
    [flag] = flags.json()
    assert (flag["seq"], flag["comment"]) == (seq, "I do not know this")


def test_only_the_privacy_officer_manages_authorisations(client, scene):
    body = {
        "agency": "fin",
        "category": "income-tax",
        "purpose": "tax-collection",
        "legal_basis": "Art. 319 WIB 92",
        "valid_from": "2020-01-01",
    }
    assert (
        client.post("/api/v1/authorisations", json=body, headers=bearer(scene.worker)).status_code
        == 403
    )
    made = client.post("/api/v1/authorisations", json=body, headers=bearer(scene.officer))
    assert made.status_code == 201, made.text
    authorisation = made.json()["id"]
    bad = client.post(
        "/api/v1/authorisations",
        json={**body, "category": "shoe-size"},
        headers=bearer(scene.officer),
    )
    assert bad.status_code == 422
    assert bad.json()["detail"]["parameter"] == "category"

    revoked = client.post(
        f"/api/v1/authorisations/{authorisation}/revoke",
        json={"reason": "annulled", "on": "2020-01-01"},
        headers=bearer(scene.officer),
    )
    assert revoked.status_code == 200
    assert revoked.json()["revoked_on"] == "2020-01-01"
    missing = client.post(
        "/api/v1/authorisations/999/revoke", json={"reason": "x"}, headers=bearer(scene.officer)
    )
    assert missing.status_code == 404


def test_the_openapi_document_describes_the_exchange(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "403" in paths["/api/v1/consultations"]["post"]["responses"]
    assert {"/api/v1/me/access-log", "/api/v1/privacy/flags"} <= set(paths)
