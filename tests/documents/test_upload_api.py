"""`/api/v1/dossiers/{reference}/documents`: a clerk uploads a PDF and reads back whether it is
accepted as original or why not; other offices' dossiers stay out of reach."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.documents.model import Document
from loket.documents.sniff import MAX_UPLOAD_BYTES
from loket.settings import get_settings
from tests.documents.pki import Pki, make_pki, sign, unsigned_pdf
from tests.web.conftest import client, make_citizen, make_dossier, make_token  # noqa: F401


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(autouse=True)
def configured(tmp_path: Path, pki: Pki, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Documents under the test's own folder; the test PKI's root is the one trusted root."""
    (tmp_path / "roots").mkdir()
    (tmp_path / "roots" / "root.pem").write_bytes(pki.root.pem)
    monkeypatch.setenv("LOKET_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.setenv("LOKET_TRUST_ROOTS", str(tmp_path / "roots"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def reference(
    make_citizen: Callable[..., str],  # noqa: F811
    make_dossier: Callable[[str, str, str], str],  # noqa: F811
) -> str:
    return make_dossier(make_citizen("9000"), "ocmw", "leefloon")


def post(
    client: TestClient,  # noqa: F811
    reference: str,
    token: str,
    data: bytes,
    name: str = "attest.pdf",
    channel: str = "counter",
) -> object:
    return client.post(
        f"/api/v1/dossiers/{reference}/documents",
        headers=auth(token),
        files={"file": (name, data, "application/pdf")},
        data={"channel": channel},
    )


def test_a_signed_pdf_with_its_revocation_data_is_accepted_as_original(
    client: TestClient,  # noqa: F811
    reference: str,
    make_token: Callable[..., str],  # noqa: F811
    pki: Pki,
    sessions: sessionmaker[Session],
) -> None:
    token = make_token("counter-clerk")
    signed = sign(unsigned_pdf(), pki.signer, pki, embed_crls=True)
    response = post(client, reference, token, signed, name="C:\\scans\\attest.pdf")
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert (body["verdict"], body["label"]) == ("accepted", "accepted as original")
    assert (body["name"], body["channel"], body["media_type"]) == (
        "attest.pdf",
        "counter",
        "application/pdf",
    )
    assert "Jan Peeters" in body["verdict_details"]["signer_subject"]
    with sessions() as session:
        stored = session.scalars(select(Document)).one()
        assert (stored.verdict, stored.uploaded_by) == ("accepted", body["uploaded_by"])
    listed = client.get(f"/api/v1/dossiers/{reference}/documents", headers=auth(token)).json()
    assert [(d["id"], d["verdict"]) for d in listed] == [(body["id"], "accepted")]


def test_an_unsigned_pdf_is_stored_and_said_to_be_unsigned(
    client: TestClient,  # noqa: F811
    reference: str,
    make_token: Callable[..., str],  # noqa: F811
) -> None:
    response = post(client, reference, make_token(), unsigned_pdf(), channel="assisted-online")
    assert response.status_code == 201
    body = response.json()  # type: ignore[attr-defined]
    assert (body["verdict"], body["label"]) == ("unsigned", "not signed — needs a look")
    assert body["channel"] == "assisted-online"


def test_an_image_is_stored_without_a_verdict(
    client: TestClient,  # noqa: F811
    reference: str,
    make_token: Callable[..., str],  # noqa: F811
) -> None:
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)
    response = post(client, reference, make_token(), jpeg, name="id-card.jpg")
    assert response.status_code == 201
    body = response.json()  # type: ignore[attr-defined]
    assert (body["media_type"], body["verdict"], body["label"]) == ("image/jpeg", None, None)


def test_text_named_pdf_is_refused_naming_the_file(
    client: TestClient,  # noqa: F811
    reference: str,
    make_token: Callable[..., str],  # noqa: F811
    sessions: sessionmaker[Session],
) -> None:
    response = post(client, reference, make_token(), b"just some text", name="letter.pdf")
    assert response.status_code == 422
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    assert detail["error"] == "file-not-accepted" and detail["parameter"] == "file"
    assert "not a PDF, PNG or JPEG" in detail["message"] and "letter.pdf" in detail["message"]
    with sessions() as session:
        assert session.scalars(select(Document)).all() == []


def test_an_oversized_file_is_413_with_its_size_and_the_limit(
    client: TestClient,  # noqa: F811
    reference: str,
    make_token: Callable[..., str],  # noqa: F811
) -> None:
    too_large = b"%PDF-1.7\n" + bytes(MAX_UPLOAD_BYTES)
    response = post(client, reference, make_token(), too_large)
    assert response.status_code == 413
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    assert detail["error"] == "file-too-large"
    assert "the limit is 10 MB" in detail["message"]


def test_a_channel_staff_may_not_record_is_422_naming_it(
    client: TestClient,  # noqa: F811
    reference: str,
    make_token: Callable[..., str],  # noqa: F811
) -> None:
    response = post(client, reference, make_token(), unsigned_pdf(), channel="online")
    assert response.status_code == 422
    assert response.json()["detail"]["parameter"] == "channel"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("agency", "office"), [("ocmw", "ocmw-11002"), ("fin", None)], ids=["other-ocmw", "fin"]
)
def test_another_offices_dossier_is_404_for_upload_and_list(
    client: TestClient,  # noqa: F811
    reference: str,
    make_token: Callable[..., str],  # noqa: F811
    sessions: sessionmaker[Session],
    agency: str,
    office: str | None,
) -> None:
    token = make_token("case-worker", agency, office)
    response = post(client, reference, token, unsigned_pdf())
    assert response.status_code == 404
    assert response.json()["detail"]["error"] == "unknown-dossier"  # type: ignore[attr-defined]
    listed = client.get(f"/api/v1/dossiers/{reference}/documents", headers=auth(token))
    assert listed.status_code == 404
    with sessions() as session:
        assert session.scalars(select(Document)).all() == []


@pytest.mark.parametrize("header", [None, "Bearer 1.forged-secret", "Bearer nonsense"])
def test_a_missing_or_forged_token_is_401(
    client: TestClient,  # noqa: F811
    reference: str,
    header: str | None,
) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.post(
        f"/api/v1/dossiers/{reference}/documents",
        headers=headers,
        files={"file": ("a.pdf", unsigned_pdf(), "application/pdf")},
        data={"channel": "counter"},
    )
    assert response.status_code == 401
    assert client.get(f"/api/v1/dossiers/{reference}/documents", headers=headers).status_code == 401
