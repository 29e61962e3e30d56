"""The Documents section of a citizen's own request page: the citizen sends a file without
JavaScript and reads in plain words whether it counts as an original; nobody else's request."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.documents.model import Document
from loket.documents.sniff import MAX_UPLOAD_BYTES
from loket.people.model import Citizen
from loket.settings import get_settings
from loket.web.pages.rendering import LANGUAGE_COOKIE
from tests.documents.pki import unsigned_pdf
from tests.web.conftest import (  # noqa: F401
    csrf_of,
    make_citizen,
    make_dossier,
    pages,
    post_form,
    sign_in_citizen,
    sign_in_staff,
)

SCRIPT_NAME = "<img src=x onerror=alert(1)>.pdf"


@pytest.fixture(autouse=True)
def documents_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LOKET_DOCUMENTS_DIR", str(tmp_path / "documents"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def sent_request(client: TestClient) -> int:
    """A tax question sent by the signed-in citizen; returns the request's number."""
    started = post_form(client, "/requests/tax-question/start")
    check = post_form(
        client, started.headers["location"], {"tax_year": "2025", "question": "Can I pay later?"}
    ).headers["location"]
    done = post_form(client, check.replace("/check", "/submit")).headers["location"]
    match = re.fullmatch(r"/requests/(\d+)/done", done)
    assert match is not None, done
    return int(match[1])


def upload(client: TestClient, request_id: int, data: bytes, name: str = "payslip.pdf") -> Response:
    return client.post(
        f"/requests/{request_id}/documents",
        data={"csrf_token": csrf_of(client)},
        files={"file": (name, data, "application/pdf")},
    )


@pytest.fixture
def citizen(
    pages: TestClient,  # noqa: F811
    make_citizen: Callable[..., str],  # noqa: F811
    sign_in_citizen: Callable[[TestClient, str], None],  # noqa: F811
) -> str:
    insz = make_citizen("9000")
    sign_in_citizen(pages, insz)
    pages.cookies.set(LANGUAGE_COOKIE, "en")
    return insz


def documents_of(sessions: sessionmaker[Session]) -> list[Document]:
    with sessions() as session:
        return list(session.scalars(select(Document)))


def test_an_unsigned_pdf_is_listed_on_the_request_page_as_not_signed(
    pages: TestClient,  # noqa: F811
    citizen: str,
    sessions: sessionmaker[Session],
) -> None:
    request_id = sent_request(pages)
    before = pages.get(f"/requests/{request_id}/done")
    assert "You have not sent any documents with this request yet." in before.text
    assert 'enctype="multipart/form-data"' in before.text
    response = upload(pages, request_id, unsigned_pdf())
    assert response.status_code == 303
    page = pages.get(response.headers["location"])
    assert page.status_code == 200
    assert "We received payslip.pdf." in page.text
    assert "<strong>Not signed: a staff member will look at it</strong>" in page.text
    with sessions() as session:
        document = session.scalars(select(Document)).one()
        citizen_id = session.scalar(select(Citizen.id).where(Citizen.insz == citizen))
        assert (document.request_id, document.channel, document.uploader_kind) == (
            request_id,
            "online",
            "citizen",
        )
        assert document.uploaded_by == str(citizen_id)


def test_the_verdict_reads_in_the_page_language(
    pages: TestClient,  # noqa: F811
    citizen: str,
) -> None:
    request_id = sent_request(pages)
    pages.cookies.set(LANGUAGE_COOKIE, "fr")
    page = pages.get(upload(pages, request_id, unsigned_pdf()).headers["location"])
    assert "<strong>Non signé : un agent va l'examiner</strong>" in page.text


def test_staff_see_the_citizens_document_on_the_dossier_of_the_request(
    pages: TestClient,  # noqa: F811
    citizen: str,
    sign_in_staff: Callable[..., str],  # noqa: F811
    sessions: sessionmaker[Session],
) -> None:
    from loket.applications.model import RequestDraft
    from loket.cases.model import Dossier

    request_id = sent_request(pages)
    upload(pages, request_id, unsigned_pdf(), name="aanslag.pdf")
    with sessions() as session:
        draft = session.get(RequestDraft, request_id)
        assert draft is not None and draft.dossier_id is not None
        dossier = session.get(Dossier, draft.dossier_id)
        assert dossier is not None
        reference, office = dossier.reference, dossier.office_id
    sign_in_staff(pages, "case-worker", "fin", office)
    page = pages.get(f"/staff/dossiers/{reference}")
    assert page.status_code == 200
    assert "aanslag.pdf" in page.text and "Not signed: needs a look" in page.text


def test_another_citizens_request_is_not_found_and_takes_no_file(
    pages: TestClient,  # noqa: F811
    citizen: str,
    make_citizen: Callable[..., str],  # noqa: F811
    sign_in_citizen: Callable[[TestClient, str], None],  # noqa: F811
    sessions: sessionmaker[Session],
) -> None:
    request_id = sent_request(pages)
    sign_in_citizen(pages, make_citizen("9000"))
    assert pages.get(f"/requests/{request_id}/done").status_code == 404
    assert upload(pages, request_id, unsigned_pdf()).status_code == 404
    assert documents_of(sessions) == []


def test_an_oversized_file_is_named_with_the_limit_in_the_error_summary(
    pages: TestClient,  # noqa: F811
    citizen: str,
    sessions: sessionmaker[Session],
) -> None:
    request_id = sent_request(pages)
    response = upload(pages, request_id, b"%PDF-1.7\n" + bytes(MAX_UPLOAD_BYTES), "scan.pdf")
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    summary = response.text.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#file">' in summary
    assert "scan.pdf" in summary and "the limit is 10 MB" in summary
    assert documents_of(sessions) == []


def test_a_file_of_another_type_is_refused_naming_it(
    pages: TestClient,  # noqa: F811
    citizen: str,
    sessions: sessionmaker[Session],
) -> None:
    request_id = sent_request(pages)
    response = upload(pages, request_id, b"just some text", "notes.pdf")
    assert response.status_code == 400
    assert "We could not keep notes.pdf." in response.text
    assert "not a PDF, PNG or JPEG" in response.text
    assert documents_of(sessions) == []


def test_a_script_in_the_file_name_comes_back_escaped(
    pages: TestClient,  # noqa: F811
    citizen: str,
) -> None:
    request_id = sent_request(pages)
    page = pages.get(upload(pages, request_id, unsigned_pdf(), SCRIPT_NAME).headers["location"])
    assert SCRIPT_NAME not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page.text
    refused = upload(pages, request_id, b"text", SCRIPT_NAME)
    assert refused.status_code == 400
    assert SCRIPT_NAME not in refused.text
    assert "We could not keep &lt;img src=x onerror=alert(1)&gt;.pdf." in refused.text


def test_without_the_csrf_token_nothing_is_kept(
    pages: TestClient,  # noqa: F811
    citizen: str,
    sessions: sessionmaker[Session],
) -> None:
    request_id = sent_request(pages)
    response = pages.post(
        f"/requests/{request_id}/documents",
        data={"csrf_token": "planted-by-another-site"},
        files={"file": ("payslip.pdf", unsigned_pdf(), "application/pdf")},
    )
    assert response.status_code == 403
    assert documents_of(sessions) == []
