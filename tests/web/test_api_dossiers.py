"""`GET /api/v1/dossiers/{reference}`: a dossier with its history, only for its own agency."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_case_worker_reads_a_dossier_of_their_agency(
    client: TestClient,
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    make_token: Callable[..., str],
) -> None:
    reference = make_dossier(make_citizen("9000"), "ocmw", "leefloon")
    response = client.get(f"/api/v1/dossiers/{reference}", headers=auth(make_token()))
    assert response.status_code == 200
    body = response.json()
    (created,) = body.pop("history")
    assert body == {
        "reference": reference,
        "agency": "ocmw",
        "type": "leefloon",
        "status": "requested",
        "office": {"id": "ocmw-44021", "name": "OCMW Gent", "municipality": "44021"},
        "opened_on": "2024-01-02",
        "closed_on": None,
        "assigned_worker": None,
    }
    assert created.pop("recorded_at")
    assert created == {
        "kind": "created",
        "effective_date": "2024-01-02",
        "from_office": None,
        "to_office": "ocmw-44021",
        "from_status": None,
        "to_status": "requested",
        "reason": None,
        "note": None,
    }


def test_an_unknown_reference_is_404(client: TestClient, make_token: Callable[..., str]) -> None:
    response = client.get("/api/v1/dossiers/OCMW-44021-2024-999999", headers=auth(make_token()))
    assert response.status_code == 404
    assert response.json()["detail"]["error"] == "unknown-dossier"


@pytest.mark.parametrize(
    ("role", "agency"),
    [("case-worker", "fin"), ("counter-clerk", "davo"), ("admin", "podmi"), ("manager", "fin")],
)
def test_staff_of_another_agency_cannot_tell_the_dossier_exists(
    client: TestClient,
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    make_token: Callable[..., str],
    role: str,
    agency: str,
) -> None:
    reference = make_dossier(make_citizen("9000"), "ocmw", "leefloon")
    headers = auth(make_token(role, agency))
    hidden = client.get(f"/api/v1/dossiers/{reference}", headers=headers)
    missing = client.get("/api/v1/dossiers/OCMW-44021-2024-999999", headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"]["error"] == missing.json()["detail"]["error"]
    assert hidden.json()["detail"]["message"].replace(reference, "R") == missing.json()["detail"][
        "message"
    ].replace("OCMW-44021-2024-999999", "R")


def test_a_welfare_centre_sees_only_its_own_dossiers(
    client: TestClient,
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    make_token: Callable[..., str],
) -> None:
    """Each OCMW is a body of its own: Antwerpen's clerk does not see a dossier of Gent's."""
    reference = make_dossier(make_citizen("9000"), "ocmw", "leefloon")
    antwerpen = make_token("counter-clerk", "ocmw", "ocmw-11002")
    gent = make_token("counter-clerk", "ocmw", "ocmw-44021")
    assert client.get(f"/api/v1/dossiers/{reference}", headers=auth(antwerpen)).status_code == 404
    assert client.get(f"/api/v1/dossiers/{reference}", headers=auth(gent)).status_code == 200


def test_a_federal_agency_sees_its_dossiers_at_every_office(
    client: TestClient,
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    make_token: Callable[..., str],
) -> None:
    """FPS Finance is one body: its Antwerpen office reads a tax dossier held in Gent."""
    reference = make_dossier(make_citizen("9000"), "fin", "tax-collection")
    antwerpen = make_token("case-worker", "fin", "fin-antwerpen")
    assert client.get(f"/api/v1/dossiers/{reference}", headers=auth(antwerpen)).status_code == 200


def test_a_fin_case_worker_reads_a_tax_dossier(
    client: TestClient,
    make_citizen: Callable[..., str],
    make_dossier: Callable[[str, str, str], str],
    make_token: Callable[..., str],
) -> None:
    reference = make_dossier(make_citizen("9000"), "fin", "tax-collection")
    response = client.get(
        f"/api/v1/dossiers/{reference}", headers=auth(make_token("case-worker", "fin"))
    )
    assert response.status_code == 200
    assert response.json()["office"]["id"] == "fin-gent"
