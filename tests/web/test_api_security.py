"""Attacks on the API: forged and stolen tokens, and script sent as data."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import StaffUser
from loket.cases.staff import add_user
from loket.people.service import address_history, get_citizen

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def leefloon(
    make_citizen: Callable[..., str], make_dossier: Callable[[str, str, str], str]
) -> tuple[str, str]:
    insz = make_citizen("9000")
    return insz, make_dossier(insz, "ocmw", "leefloon")


def assert_unauthorized(response_status: int, headers: dict[str, str], error: str) -> None:
    assert response_status == 401
    assert headers.get("www-authenticate") == "Bearer"
    assert error == "invalid-token"


def test_no_token_is_401(client: TestClient, leefloon: tuple[str, str]) -> None:
    insz, reference = leefloon
    for response in [
        client.get(f"/api/v1/dossiers/{reference}"),
        client.post(f"/api/v1/citizens/{insz}/address", json={}),
    ]:
        assert_unauthorized(
            response.status_code, dict(response.headers), response.json()["detail"]["error"]
        )


def test_forged_tokens_are_401(
    client: TestClient, sessions: sessionmaker[Session], leefloon: tuple[str, str]
) -> None:
    _, reference = leefloon
    with sessions.begin() as session:
        alice, alice_token = add_user(session, "alice", "case-worker", "ocmw", "ocmw-44021")
        _, bob_token = add_user(session, "bob", "case-worker", "ocmw")
        _, gone_token = add_user(session, "gone", "case-worker", "ocmw")
    alice_id, _, alice_secret = alice_token.partition(".")
    bob_id, _, bob_secret = bob_token.partition(".")
    with sessions.begin() as session:
        gone = session.get(StaffUser, "gone")
        assert gone is not None
        session.delete(gone)

    forged = {
        "random string": "d2h5IG5vdA",
        "empty id and secret": ".",
        "right id, wrong secret": f"{alice_id}.{bob_secret}",
        "right id, secret of its own hash": f"{alice_id}.{alice.token_hash}",
        "someone else's id, own secret": f"{bob_id}.{alice_secret}",
        "right token, extra part": f"{alice_token}.x",
        "deleted user's token": gone_token,
        "injected id": "' OR '1'='1.x",
    }
    for name, token in forged.items():
        response = client.get(
            f"/api/v1/dossiers/{reference}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, name
        assert response.headers["www-authenticate"] == "Bearer", name

    for scheme in [f"Basic {alice_token}", alice_token, "Bearer", "Bearer "]:
        response = client.get(f"/api/v1/dossiers/{reference}", headers={"Authorization": scheme})
        assert response.status_code == 401, scheme

    # The genuine token still works: the refusals above were about the tokens.
    ok = client.get(
        f"/api/v1/dossiers/{reference}", headers={"Authorization": f"Bearer {alice_token}"}
    )
    assert ok.status_code == 200


def test_script_in_a_street_is_stored_and_returned_as_json_data(
    client: TestClient,
    sessions: sessionmaker[Session],
    make_token: Callable[..., str],
    leefloon: tuple[str, str],
) -> None:
    insz, _ = leefloon
    response = client.post(
        f"/api/v1/citizens/{insz}/address",
        json={
            "event_id": SCRIPT,
            "effective_date": "2024-03-01",
            "street": SCRIPT,
            "house_number": "1",
            "postcode": "2000",
        },
        headers={"Authorization": f"Bearer {make_token()}"},
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["address"]["street"] == SCRIPT
    assert response.json()["event_id"] == SCRIPT
    with sessions() as session:
        streets = [a.street for a in address_history(session, get_citizen(session, insz).id)]
    assert streets == ["Veldstraat", SCRIPT]

    page = client.get("/")
    assert SCRIPT not in page.text and "alert" not in page.text


def test_script_in_a_rejected_field_comes_back_as_json_only(
    client: TestClient, make_token: Callable[..., str], leefloon: tuple[str, str]
) -> None:
    """Error messages repeat what they refuse; it must stay JSON data, never become a page."""
    insz, _ = leefloon
    tag = "<svg onload=1>"  # no slash, so it can stand in a path
    short_tag = "<svg>"  # short enough for a postal code field
    move = {"event_id": "e1", "effective_date": "2024-03-01", "street": "Meir",
            "house_number": "1", "postcode": "2000"}  # fmt: skip
    headers = {"Authorization": f"Bearer {make_token()}"}
    answers = [
        client.post(
            f"/api/v1/citizens/{insz}/address",
            json={**move, "postcode": short_tag},
            headers=headers,
        ),
        client.post(f"/api/v1/citizens/{tag}/address", json=move, headers=headers),
        client.get("/api/v1/route", params={"postcode": short_tag}),
    ]
    for response in answers:
        assert response.status_code in (404, 422), response.text
        message = response.json()["detail"]["message"]
        assert tag in message or short_tag in message
        assert response.headers["content-type"] == "application/json"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_front_page_is_plain_html_without_script(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "<script" not in page.text.lower()
    assert 'href="/services/leefloon"' in page.text and 'href="/help/callback"' in page.text
