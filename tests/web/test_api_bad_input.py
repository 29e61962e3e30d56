"""Input the fuzzer found to break the API, pinned down: a NUL character in any kind of
parameter, ids and offsets past what the database holds, the last day of the calendar, and a
body that is not UTF-8. Each is a 4xx naming the parameter, on SQLite and PostgreSQL alike."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.exchange.model import AccessLogEntry

NUL_MESSAGE = "contains a NUL character (U+0000), which no text may hold"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    detail: dict[str, Any] = response.json()["detail"]
    return detail


@pytest.mark.parametrize(
    ("method", "url", "body", "parameter"),
    [
        ("get", "/api/v1/route?postcode=90%0000", None, "postcode"),
        ("get", "/api/v1/dossiers/OCMW-%00", None, "reference"),
        ("get", "/api/v1/privacy/access-log?actor=a%00", None, "actor"),
        (
            "post",
            "/api/v1/consultations",
            {"insz": "\x00", "category": "x", "purpose": "y"},
            "insz",
        ),
        (
            "post",
            "/api/v1/authorisations",
            {
                "agency": "ocmw",
                "category": "income-tax",
                "purpose": "leefloon-eligibility",
                "legal_basis": "Art. 19",
                "valid_from": "2024-01-01",
                "dossier_types": ["leefloon", "lee\x00floon"],
            },
            "dossier_types.1",
        ),
    ],
)
def test_a_nul_character_is_refused_naming_the_parameter(
    client: TestClient,
    make_token: Callable[..., str],
    method: str,
    url: str,
    body: dict[str, Any] | None,
    parameter: str,
) -> None:
    headers = bearer(make_token("admin"))
    response = client.request(method, url, json=body, headers=headers)
    detail = problem(response, 422)
    assert detail["parameter"] == parameter
    assert detail["message"] == f"{parameter}: {NUL_MESSAGE}"


def test_a_consultation_with_a_nul_character_leaves_no_log_entry(
    client: TestClient,
    make_token: Callable[..., str],
    make_citizen: Callable[..., str],
    sessions: sessionmaker[Session],
) -> None:
    insz = make_citizen()
    body = {"insz": insz, "category": "income-tax", "purpose": "leefloon-\x00eligibility"}
    response = client.post("/api/v1/consultations", json=body, headers=bearer(make_token()))
    assert problem(response, 422)["parameter"] == "purpose"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AccessLogEntry)) == 0


def test_an_address_with_a_nul_character_is_not_recorded(
    client: TestClient, make_token: Callable[..., str], make_citizen: Callable[..., str]
) -> None:
    insz = make_citizen()
    change = {
        "event_id": "e-1",
        "effective_date": "2025-02-01",
        "street": "Veld\x00straat",
        "house_number": "2",
        "postcode": "2000",
    }
    url = f"/api/v1/citizens/{insz}/address"
    token = make_token()
    assert problem(client.post(url, json=change, headers=bearer(token)), 422)["parameter"] == (
        "street"
    )
    # The same event without the NUL is new, not a replay of something half stored.
    answer = client.post(url, json={**change, "street": "Veldstraat"}, headers=bearer(token))
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "applied"


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/control/selections/2147483648", "selection_id"),
        ("/api/v1/privacy/access-log?offset=2147483648", "offset"),
        ("/api/v1/linkage/conflicts?offset=99999999999999999999", "offset"),
    ],
)
def test_numbers_past_what_the_database_holds_are_refused(
    client: TestClient, make_token: Callable[..., str], url: str, parameter: str
) -> None:
    token = make_token("admin", "podmi", "podmi-brussel")
    detail = problem(client.get(url, headers=bearer(token)), 422)
    assert detail["parameter"] == parameter
    assert "2147483647" in detail["message"]


def test_the_largest_id_the_database_holds_is_looked_up(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    url = "/api/v1/authorisations/2147483647/revoke"
    response = client.post(url, json={"reason": "ended"}, headers=bearer(make_token("admin")))
    assert problem(response, 404)["error"] == "unknown-authorisation"


@pytest.mark.parametrize("operation", ["access-log", "anomalies"])
def test_a_period_cannot_end_on_the_last_day_of_the_calendar(
    client: TestClient, make_token: Callable[..., str], operation: str
) -> None:
    token = make_token("privacy-officer")
    url = f"/api/v1/privacy/{operation}"
    detail = problem(client.get(url, params={"until": "9999-12-31"}, headers=bearer(token)), 422)
    assert (detail["parameter"], detail["message"]) == ("until", "until: must be before 9999-12-31")
    almost = client.get(url, params={"until": "9999-12-30"}, headers=bearer(token))
    assert almost.status_code == 200, almost.text


def test_anomalies_up_to_the_first_days_of_the_calendar_are_an_empty_report(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    token = make_token("privacy-officer")
    url = "/api/v1/privacy/anomalies?until=0001-01-02"
    response = client.get(url, headers=bearer(token))
    assert (response.status_code, response.json()) == (200, [])


def test_a_body_that_is_not_utf8_is_a_bad_request_with_the_api_error_body(
    client: TestClient, make_token: Callable[..., str]
) -> None:
    headers = {**bearer(make_token()), "Content-Type": "application/json"}
    response = client.post(
        "/api/v1/consultations", content=b'{"insz": "\xff\xfe"}', headers=headers
    )
    detail = problem(response, 400)
    assert (detail["error"], detail["parameter"]) == ("malformed-request", "body")
