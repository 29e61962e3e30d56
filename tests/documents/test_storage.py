"""Uploads are kept once per content, refused when too large or not what they claim to be, and
recorded with who brought them in, through which channel, for which dossier or request."""

import hashlib
import tempfile
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from factories import citizen_at, open_dossiers
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from loket.applications.service import start_request
from loket.documents.blobs import DiskBlobStore, UnknownBlob
from loket.documents.model import Document
from loket.documents.sniff import MAX_UPLOAD_BYTES, UploadRefused, megabytes
from loket.documents.storage import DocumentDamaged, document_bytes, store_upload

AT = datetime(2026, 3, 2, 9, 30)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)


def png_bytes() -> bytes:
    """A real 1x1 white PNG, built from its chunks."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(session: Session, blobs: DiskBlobStore, data: bytes, **overrides: object) -> Document:
    arguments: dict[str, object] = {
        "name": "scan.pdf",
        "uploaded_by": "clerk.gent",
        "uploader_kind": "staff",
        "channel": "counter",
        "at": AT,
    }
    arguments.update(overrides)
    return store_upload(session, blobs, data, **arguments)  # type: ignore[arg-type]


def files_under(root: Path) -> list[Path]:
    """The files under `root` but the store's lock file."""
    return sorted(path for path in root.rglob("*") if path.is_file() and path.name != ".lock")


@pytest.fixture
def blobs(tmp_path: Path) -> DiskBlobStore:
    return DiskBlobStore(tmp_path / "documents")


def test_the_same_bytes_twice_are_two_documents_sharing_one_file(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with sessions.begin() as session:
        first = upload(session, blobs, PDF, name="loonbrief.pdf")
        second = upload(session, blobs, PDF, name="loonbrief (1).pdf", uploaded_by="7")
    assert first.id != second.id
    assert first.sha256 == second.sha256 == hashlib.sha256(PDF).hexdigest()
    sha = first.sha256
    assert files_under(blobs.root) == [blobs.root / sha[:2] / sha[2:4] / sha]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 2
        assert document_bytes(session, blobs, first.id) == PDF
        assert document_bytes(session, blobs, second.id) == PDF


def test_a_write_that_fails_halfway_leaves_no_file_behind(
    blobs: DiskBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(_source: object, _target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("loket.documents.blobs.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        blobs.put(PDF)
    assert files_under(blobs.root) == []
    monkeypatch.undo()
    sha = blobs.put(PDF)
    assert blobs.get(sha) == PDF
    assert [path.name for path in files_under(blobs.root)] == [sha]


def test_an_oversized_upload_is_refused_naming_its_size_and_the_limit(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    data = PDF + bytes(int(12.3 * 1024 * 1024) - len(PDF))
    with sessions.begin() as session, pytest.raises(UploadRefused) as refused:
        upload(session, blobs, data)
    assert "The file is 12.3 MB; the limit is 10 MB." in str(refused.value)
    assert not blobs.root.exists()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_file_just_over_the_limit_does_not_read_as_the_limit() -> None:
    assert megabytes(MAX_UPLOAD_BYTES) == "10"
    assert megabytes(MAX_UPLOAD_BYTES + 1) == "10.1"


def test_a_text_file_named_pdf_is_refused_naming_the_file(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with sessions.begin() as session, pytest.raises(UploadRefused) as refused:
        upload(session, blobs, b"Dear OCMW, please find my payslip attached.\n", name="scan.pdf")
    assert str(refused.value) == "The file is not a PDF, PNG or JPEG although it is named scan.pdf."
    assert not blobs.root.exists()


def test_an_empty_file_is_refused(sessions: sessionmaker[Session], blobs: DiskBlobStore) -> None:
    with sessions.begin() as session, pytest.raises(UploadRefused, match="empty"):
        upload(session, blobs, b"")


@pytest.mark.parametrize("name", ["scan.pdf", "photo.JPG", "no extension", ""])
def test_a_png_is_stored_as_a_png_whatever_it_is_called(
    sessions: sessionmaker[Session], blobs: DiskBlobStore, name: str
) -> None:
    with sessions.begin() as session:
        document = upload(session, blobs, png_bytes(), name=name)
    assert document.media_type == "image/png"
    assert document.original_name == (name or "document.png")


def test_a_jpeg_and_a_pdf_get_their_own_types(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with sessions.begin() as session:
        assert upload(session, blobs, JPEG, name="id.pdf").media_type == "image/jpeg"
        assert upload(session, blobs, PDF, name="id.jpg").media_type == "application/pdf"


def test_the_name_shown_back_has_no_folders_and_at_most_200_characters(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with sessions.begin() as session:
        from_windows = upload(session, blobs, PDF, name="C:\\Users\\An\\Desktop\\ loonbrief.pdf ")
        long = upload(session, blobs, PDF, name="a" * 300 + ".pdf")
    assert from_windows.original_name == "loonbrief.pdf"
    assert len(long.original_name) == 200
    assert long.original_name.endswith("a.pdf")


def test_an_upload_is_linked_to_its_dossier_with_uploader_and_channel(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with sessions.begin() as session:
        citizen = citizen_at(session, "9000")
        dossier = open_dossiers(session, citizen, ("leefloon",))["leefloon"]
        draft, _code = start_request(session, "leefloon", "nl", "online", citizen_id=citizen.id)
        at_counter = upload(session, blobs, PDF, dossier_id=dossier.id)
        online = upload(
            session,
            blobs,
            png_bytes(),
            name="huurcontract.png",
            uploaded_by=str(citizen.id),
            uploader_kind="citizen",
            channel="online",
            request_id=draft.id,
        )
        ids = (at_counter.id, online.id)
    with sessions() as session:
        rows = [session.get_one(Document, document_id) for document_id in ids]
        assert [
            (d.dossier_id, d.request_id, d.uploaded_by, d.uploader_kind, d.channel) for d in rows
        ] == [
            (dossier.id, None, "clerk.gent", "staff", "counter"),
            (None, draft.id, str(citizen.id), "citizen", "online"),
        ]
        assert rows[0].uploaded_at == AT
        assert rows[0].channel == "counter"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"channel": "fax"}, "channel must be one of online, assisted-online, counter"),
        ({"uploader_kind": "robot"}, "uploader_kind must be one of citizen, staff"),
        # "online" is the citizen's own upload; staff record counter or assisted-online.
        ({"channel": "online"}, "channel must be one of counter, assisted-online for staff"),
        ({"uploaded_by": "  "}, "uploaded_by"),
        ({"dossier_id": 999_999}, "dossier_id 999999"),
        ({"request_id": 999_999}, "request_id 999999"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(
    sessions: sessionmaker[Session], blobs: DiskBlobStore, overrides: dict[str, object], named: str
) -> None:
    with sessions.begin() as session, pytest.raises(ValueError, match=named):
        upload(session, blobs, PDF, **overrides)


def test_a_stored_file_changed_on_disk_is_not_handed_out(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with sessions.begin() as session:
        document = upload(session, blobs, PDF)
    blobs.path_of(document.sha256).write_bytes(PDF + b"% appended later\n")
    with sessions() as session, pytest.raises(DocumentDamaged, match=document.sha256):
        document_bytes(session, blobs, document.id)


@pytest.mark.parametrize("sha256", ["../../etc/passwd", "ab" * 31, "AB" * 32, "g" * 64])
def test_the_store_refuses_a_name_that_is_not_a_sha256(blobs: DiskBlobStore, sha256: str) -> None:
    with pytest.raises(ValueError, match="64 lower-case hex"):
        blobs.get(sha256)


def test_asking_for_a_blob_never_stored_says_so(blobs: DiskBlobStore) -> None:
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not blobs.exists(missing)
    with pytest.raises(UnknownBlob, match=missing):
        blobs.get(missing)


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=4096))
def test_any_bytes_come_back_unchanged_under_their_sha256(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as root:
        store = DiskBlobStore(Path(root))
        sha256 = store.put(data)
        assert sha256 == hashlib.sha256(data).hexdigest()
        assert store.exists(sha256)
        assert store.get(sha256) == data
        assert store.put(data) == sha256
        assert len(files_under(Path(root))) == 1
