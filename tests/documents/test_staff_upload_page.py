"""The Documents section of the staff dossier page: a clerk uploads a PDF without JavaScript and
sees, in the page language, whether it is accepted as original or why not."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.documents.model import Document
from loket.documents.sniff import MAX_UPLOAD_BYTES
from loket.settings import get_settings
from loket.web.pages.rendering import LANGUAGE_COOKIE
from tests.documents.pki import Pki, make_pki, sign, unsigned_pdf
from tests.web.conftest import (  # noqa: F401
    csrf_of,
    make_citizen,
    make_dossier,
    pages,
    sign_in_staff,
)


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(autouse=True)
def configured(tmp_path: Path, pki: Pki, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "root.pem").write_bytes(pki.root.pem)
    monkeypatch.setenv("LOKET_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.setenv("LOKET_TRUST_ROOTS", str(tmp_path / "root.pem"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def reference(
    make_citizen: Callable[..., str],  # noqa: F811
    make_dossier: Callable[[str, str, str], str],  # noqa: F811
) -> str:
    return make_dossier(make_citizen("9000"), "ocmw", "leefloon")


def upload(
    client: TestClient,
    reference: str,
    data: bytes,
    name: str = "attest.pdf",
    channel: str = "counter",
    csrf: str | None = None,
) -> object:
    return client.post(
        f"/staff/dossiers/{reference}/documents",
        data={"csrf_token": csrf if csrf is not None else csrf_of(client), "channel": channel},
        files={"file": (name, data, "application/pdf")},
    )


def test_a_signed_pdf_is_shown_accepted_as_original_and_listed(
    pages: TestClient,  # noqa: F811
    sign_in_staff: Callable[..., str],  # noqa: F811
    reference: str,
    pki: Pki,
) -> None:
    clerk = sign_in_staff(pages, "counter-clerk")
    pages.cookies.set(LANGUAGE_COOKIE, "en")
    before = pages.get(f"/staff/dossiers/{reference}")
    assert "No documents are kept with this dossier yet." in before.text
    assert 'enctype="multipart/form-data"' in before.text
    signed = sign(unsigned_pdf(), pki.signer, pki, embed_crls=True)
    response = upload(pages, reference, signed)
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = pages.get(response.headers["location"])  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert "Document attest.pdf is kept with the dossier." in page.text
    assert "<strong>Accepted as original</strong>" in page.text
    assert clerk in page.text and "At the counter" in page.text
    assert "No documents are kept" not in page.text


def test_an_unsigned_pdf_shows_the_reason_in_the_page_language(
    pages: TestClient,  # noqa: F811
    sign_in_staff: Callable[..., str],  # noqa: F811
    reference: str,
) -> None:
    sign_in_staff(pages, "case-worker")
    pages.cookies.set(LANGUAGE_COOKIE, "nl")
    response = upload(pages, reference, unsigned_pdf(), channel="assisted-online")
    page = pages.get(response.headers["location"])  # type: ignore[attr-defined]
    assert "<strong>Niet ondertekend: moet bekeken worden</strong>" in page.text
    assert "Online met hulp" in page.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"plain text, not a PDF", "is not a PDF, PNG or JPEG although it is named attest.pdf"),
        (b"%PDF-1.7\n" + bytes(MAX_UPLOAD_BYTES), "the limit is 10 MB"),
    ],
    ids=["wrong-type", "too-large"],
)
def test_a_refused_file_is_named_in_the_error_summary_and_not_kept(
    pages: TestClient,  # noqa: F811
    sign_in_staff: Callable[..., str],  # noqa: F811
    reference: str,
    sessions: sessionmaker[Session],
    data: bytes,
    message: str,
) -> None:
    sign_in_staff(pages, "counter-clerk")
    pages.cookies.set(LANGUAGE_COOKIE, "en")
    response = upload(pages, reference, data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert 'class="error-summary"' in response.text  # type: ignore[attr-defined]
    assert '<a href="#file">' in response.text  # type: ignore[attr-defined]
    assert message in response.text  # type: ignore[attr-defined]
    with sessions() as session:
        assert session.scalars(select(Document)).all() == []


def test_no_file_and_no_channel_are_both_asked_for(
    pages: TestClient,  # noqa: F811
    sign_in_staff: Callable[..., str],  # noqa: F811
    reference: str,
) -> None:
    sign_in_staff(pages, "counter-clerk")
    pages.cookies.set(LANGUAGE_COOKIE, "en")
    response = pages.post(
        f"/staff/dossiers/{reference}/documents",
        data={"csrf_token": csrf_of(pages)},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert response.status_code == 400
    assert "Choose the file to upload." in response.text
    assert "Choose how the citizen brought the document." in response.text


def test_without_the_csrf_token_nothing_is_kept(
    pages: TestClient,  # noqa: F811
    sign_in_staff: Callable[..., str],  # noqa: F811
    reference: str,
    sessions: sessionmaker[Session],
) -> None:
    sign_in_staff(pages, "counter-clerk")
    csrf_of(pages)
    response = upload(pages, reference, unsigned_pdf(), csrf="planted-by-another-site")
    assert response.status_code == 403  # type: ignore[attr-defined]
    with sessions() as session:
        assert session.scalars(select(Document)).all() == []


def test_staff_of_another_welfare_centre_cannot_upload_to_the_dossier(
    pages: TestClient,  # noqa: F811
    sign_in_staff: Callable[..., str],  # noqa: F811
    reference: str,
    sessions: sessionmaker[Session],
) -> None:
    sign_in_staff(pages, "counter-clerk", "ocmw", "ocmw-11002")
    response = upload(pages, reference, unsigned_pdf())
    assert response.status_code == 404  # type: ignore[attr-defined]
    with sessions() as session:
        assert session.scalars(select(Document)).all() == []
