"""`GET /api/v1/route`: the competent office for a postal code, and every way to be refused."""

import pytest
from fastapi.testclient import TestClient

# postcode  agency  on          office
ROUTING_TABLE = """
9000        ocmw    -           ocmw-44021
2000        ocmw    -           ocmw-11002
9000        fin     -           fin-gent
1040        fin     -           fin-brussel
9000        davo    -           davo-gent
9000        podmi   -           podmi-brussel
2000        ocmw    2003-05-01  ocmw-11002
"""


def rows(table: str) -> list[list[str]]:
    return [line.split() for line in table.strip().splitlines()]


def test_routing_table(client: TestClient) -> None:
    answered = []
    for postcode, agency, on, _ in rows(ROUTING_TABLE):
        params = {"postcode": postcode, "agency": agency}
        if on != "-":
            params["on"] = on
        response = client.get("/api/v1/route", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["postcode"] == postcode and body["agency"] == agency
        answered.append([postcode, agency, on, body["office"]["id"]])
    assert answered == rows(ROUTING_TABLE)


def test_route_answers_the_office_as_in_the_cli_contract(client: TestClient) -> None:
    response = client.get("/api/v1/route", params={"postcode": "2000"})
    assert response.json() == {
        "postcode": "2000",
        "agency": "ocmw",
        "office": {"id": "ocmw-11002", "name": "OCMW Antwerpen", "municipality": "11002"},
    }


def test_ambiguous_postcode_is_409_with_candidates(client: TestClient) -> None:
    response = client.get("/api/v1/route", params={"postcode": "1040", "agency": "ocmw"})
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail["error"] == "ambiguous-postcode"
    assert "Brussel" in detail["message"] and "Etterbeek" in detail["message"]
    assert detail["candidates"] == [
        {"municipality": "21004", "municipality_name": "Brussel", "office_id": "ocmw-21004"},
        {"municipality": "21005", "municipality_name": "Etterbeek", "office_id": "ocmw-21005"},
    ]


def test_a_candidate_municipality_settles_an_ambiguous_postcode(client: TestClient) -> None:
    response = client.get("/api/v1/route", params={"postcode": "1040", "municipality": "21005"})
    assert response.status_code == 200
    assert response.json()["office"]["id"] == "ocmw-21005"


def test_unknown_postcode_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/route", params={"postcode": "9999"})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail["error"] == "unknown-postcode"
    assert detail["parameter"] == "postcode"
    assert detail["message"].startswith("postcode:")


def test_no_jurisdiction_is_404(client: TestClient) -> None:
    # The office network is valid from 2000 on.
    response = client.get("/api/v1/route", params={"postcode": "9000", "on": "1999-12-31"})
    assert response.status_code == 404
    assert response.json()["detail"]["error"] == "no-jurisdiction"


@pytest.mark.parametrize(
    ("params", "parameter", "error"),
    [
        ({}, "postcode", "invalid-parameter"),
        ({"postcode": "9000", "on": "31-12-2024"}, "on", "invalid-parameter"),
        ({"postcode": "9000", "on": "2024-02-30"}, "on", "invalid-parameter"),
        ({"postcode": "9" * 50}, "postcode", "invalid-parameter"),
        ({"postcode": "9000", "agency": "nasa"}, "agency", "unknown-agency"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(
    client: TestClient, params: dict[str, str], parameter: str, error: str
) -> None:
    response = client.get("/api/v1/route", params=params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["error"] == error
    assert detail["parameter"] == parameter
    assert detail["message"].startswith(f"{parameter}:")
