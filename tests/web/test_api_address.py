"""`POST /api/v1/citizens/{insz}/address`: a move over HTTP, and the dossiers that follow it."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.dossiers import list_dossiers
from loket.cases.model import DossierEvent, RoutingQueueItem
from loket.people.model import Address, AddressChange
from loket.store.outbox import OutboxMessage


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def move_to_antwerpen(event_id: str = "evt-1", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": event_id,
        "effective_date": "2024-03-01",
        "street": "Meir",
        "house_number": "10",
        "box": "b2",
        "postcode": "2000",
    }
    body.update(changes)
    return body


def offices(sessions: sessionmaker[Session], insz: str) -> list[tuple[str, str]]:
    with sessions() as session:
        return [(row.type, row.office_id) for row in list_dossiers(session, insz)]


def row_counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    tables = [Address, AddressChange, DossierEvent, OutboxMessage, RoutingQueueItem]
    with sessions() as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
            for t in tables
        }


@pytest.fixture
def gent_citizen(
    make_citizen: Callable[..., str], make_dossier: Callable[[str, str, str], str]
) -> tuple[str, dict[str, str]]:
    """A citizen of Gent with a living wage, a tax dossier and a maintenance claim."""
    insz = make_citizen("9000")
    references = {
        case_type: make_dossier(insz, agency, case_type)
        for agency, case_type in [
            ("ocmw", "leefloon"),
            ("fin", "tax-collection"),
            ("davo", "maintenance-claim"),
        ]
    }
    return insz, references


def test_a_move_over_http_transfers_the_dossiers(
    client: TestClient,
    sessions: sessionmaker[Session],
    make_token: Callable[..., str],
    gent_citizen: tuple[str, dict[str, str]],
) -> None:
    insz, references = gent_citizen
    token = make_token("case-worker", "ocmw")
    response = client.post(
        f"/api/v1/citizens/{insz}/address", json=move_to_antwerpen(), headers=auth(token)
    )
    assert response.status_code == 201, response.text
    assert response.json() == {
        "event_id": "evt-1",
        "status": "applied",
        "address": {
            "street": "Meir",
            "house_number": "10",
            "box": "b2",
            "postcode": "2000",
            "country": "BE",
            "effective_date": "2024-03-01",
        },
        # Only the dossier of the caller's own agency is listed.
        "transfers": [
            {
                "reference": references["leefloon"],
                "from_office": "ocmw-44021",
                "to_office": "ocmw-11002",
            }
        ],
        "queued": [],
    }
    # Every dossier that follows residence moved; the maintenance claim stays where it is.
    assert sorted(offices(sessions, insz)) == [
        ("leefloon", "ocmw-11002"),
        ("maintenance-claim", "davo-gent"),
        ("tax-collection", "fin-antwerpen"),
    ]

    # The dossier is Antwerpen's now: Gent no longer sees it, Antwerpen does.
    gone = client.get(f"/api/v1/dossiers/{references['leefloon']}", headers=auth(token))
    assert gone.status_code == 404
    token = make_token("case-worker", "ocmw", "ocmw-11002")
    dossier = client.get(f"/api/v1/dossiers/{references['leefloon']}", headers=auth(token))
    assert dossier.status_code == 200
    body = dossier.json()
    assert body["office"] == {"id": "ocmw-11002", "name": "OCMW Antwerpen", "municipality": "11002"}
    history = [
        (
            line["kind"],
            line["effective_date"],
            line["from_office"],
            line["to_office"],
            line["reason"],
        )
        for line in body["history"]
    ]
    assert history == [
        ("created", "2024-01-02", None, "ocmw-44021", None),
        ("transferred", "2024-03-01", "ocmw-44021", "ocmw-11002", "address-change"),
    ]


def test_the_answer_lists_only_dossiers_of_the_callers_agency(
    client: TestClient,
    make_token: Callable[..., str],
    gent_citizen: tuple[str, dict[str, str]],
) -> None:
    insz, references = gent_citizen
    response = client.post(
        f"/api/v1/citizens/{insz}/address",
        json=move_to_antwerpen(),
        headers=auth(make_token("counter-clerk", "fin")),
    )
    assert response.status_code == 201
    assert response.json()["transfers"] == [
        {
            "reference": references["tax-collection"],
            "from_office": "fin-gent",
            "to_office": "fin-antwerpen",
        }
    ]


def test_a_replayed_event_is_a_duplicate_and_changes_nothing(
    client: TestClient,
    sessions: sessionmaker[Session],
    make_token: Callable[..., str],
    gent_citizen: tuple[str, dict[str, str]],
) -> None:
    insz, _ = gent_citizen
    headers = auth(make_token())
    url = f"/api/v1/citizens/{insz}/address"
    assert client.post(url, json=move_to_antwerpen(), headers=headers).status_code == 201
    before = (row_counts(sessions), offices(sessions, insz))

    # The same event again, and the same event id with another address: both are replays.
    for body in [move_to_antwerpen(), move_to_antwerpen(postcode="8000", street="Markt")]:
        replay = client.post(url, json=body, headers=headers)
        assert replay.status_code == 200
        assert replay.json() == {
            "event_id": "evt-1",
            "status": "duplicate",
            "address": None,
            "transfers": [],
            "queued": [],
        }
    assert (row_counts(sessions), offices(sessions, insz)) == before


def test_a_move_dated_before_the_current_address_goes_into_the_history(
    client: TestClient,
    sessions: sessionmaker[Session],
    make_token: Callable[..., str],
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
) -> None:
    insz = make_citizen("9000", since=date(2020, 1, 1))
    make_dossier(insz, "ocmw", "leefloon")
    response = client.post(
        f"/api/v1/citizens/{insz}/address",
        json=move_to_antwerpen(effective_date="2019-06-01"),
        headers=auth(make_token()),
    )
    assert response.status_code == 201
    assert response.json()["status"] == "history"
    assert response.json()["transfers"] == []
    assert offices(sessions, insz) == [("leefloon", "ocmw-44021")]


def test_a_move_abroad_queues_the_dossier_for_routing(
    client: TestClient,
    sessions: sessionmaker[Session],
    make_token: Callable[..., str],
    gent_citizen: tuple[str, dict[str, str]],
) -> None:
    insz, references = gent_citizen
    response = client.post(
        f"/api/v1/citizens/{insz}/address",
        json=move_to_antwerpen(postcode="75001", country="FR", street="Rue de Rivoli"),
        headers=auth(make_token()),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["transfers"] == []
    assert [(q["reference"], q["office"], q["reason"]) for q in body["queued"]] == [
        (references["leefloon"], "ocmw-44021", "moved-abroad")
    ]
    assert ("leefloon", "ocmw-44021") in offices(sessions, insz)


def test_an_unknown_citizen_is_404(client: TestClient, make_token: Callable[..., str]) -> None:
    response = client.post(
        "/api/v1/citizens/85073000160/address", json=move_to_antwerpen(), headers=auth(make_token())
    )
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail["error"] == "unknown-citizen"
    assert detail["parameter"] == "insz"


@pytest.mark.parametrize("insz", ["85073000161", "12345", "not-a-number"])
def test_an_invalid_insz_is_422_naming_insz(
    client: TestClient, make_token: Callable[..., str], insz: str
) -> None:
    response = client.post(
        f"/api/v1/citizens/{insz}/address", json=move_to_antwerpen(), headers=auth(make_token())
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["error"] == "invalid-insz"
    assert detail["message"].startswith("insz:")


# change to a valid move          parameter named in the answer
INVALID_FIELDS: list[tuple[dict[str, Any], str]] = [
    ({"postcode": "20"}, "postcode"),
    ({"street": ""}, "street"),
    ({"street": "x" * 201}, "street"),
    ({"house_number": "1" * 21}, "house_number"),
    ({"country": "Belgium"}, "country"),
    ({"country": "b1"}, "country"),
    ({"country": "ZZ"}, "country"),
    ({"country": "EU"}, "country"),
    ({"event_id": ""}, "event_id"),
    ({"event_id": "e" * 65}, "event_id"),
    ({"effective_date": "2024-02-30"}, "effective_date"),
    ({"effective_date": None}, "effective_date"),
    ({"postal_code": "2000"}, "postal_code"),
]


def test_invalid_fields_are_422_naming_the_field(
    client: TestClient,
    sessions: sessionmaker[Session],
    make_token: Callable[..., str],
    gent_citizen: tuple[str, dict[str, str]],
) -> None:
    insz, _ = gent_citizen
    headers = auth(make_token())
    before = row_counts(sessions)
    answered = []
    for changes, _ in INVALID_FIELDS:
        response = client.post(
            f"/api/v1/citizens/{insz}/address", json=move_to_antwerpen(**changes), headers=headers
        )
        detail = response.json()["detail"]
        assert detail["message"].startswith(f"{detail['parameter']}:"), detail
        answered.append((changes, detail["parameter"] if response.status_code == 422 else None))
    assert answered == INVALID_FIELDS
    assert row_counts(sessions) == before


def test_a_body_that_is_not_json_is_422(
    client: TestClient, make_token: Callable[..., str], gent_citizen: tuple[str, dict[str, str]]
) -> None:
    insz, _ = gent_citizen
    headers = {**auth(make_token()), "Content-Type": "application/json"}
    response = client.post(f"/api/v1/citizens/{insz}/address", content=b"{nope", headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"]["error"] == "invalid-parameter"


@pytest.mark.parametrize("role", ["analyst", "manager", "privacy-officer"])
def test_roles_that_may_not_record_a_move_get_403(
    client: TestClient,
    sessions: sessionmaker[Session],
    make_token: Callable[..., str],
    gent_citizen: tuple[str, dict[str, str]],
    role: str,
) -> None:
    insz, _ = gent_citizen
    before = row_counts(sessions)
    response = client.post(
        f"/api/v1/citizens/{insz}/address",
        json=move_to_antwerpen(),
        headers=auth(make_token(role, "ocmw")),
    )
    assert response.status_code == 403
    assert response.json()["detail"]["error"] == "forbidden"
    assert row_counts(sessions) == before


@pytest.mark.parametrize("role", ["case-worker", "counter-clerk", "admin"])
def test_roles_that_may_record_a_move(
    client: TestClient,
    make_token: Callable[..., str],
    gent_citizen: tuple[str, dict[str, str]],
    role: str,
) -> None:
    insz, _ = gent_citizen
    response = client.post(
        f"/api/v1/citizens/{insz}/address",
        json=move_to_antwerpen(),
        headers=auth(make_token(role, "davo")),
    )
    assert response.status_code == 201
