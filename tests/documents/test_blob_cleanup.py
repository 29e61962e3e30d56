"""No stored file without a document: an upload whose transaction rolls back leaves no file
unless other documents name the same bytes, and `loket documents gc` removes what a crash left
behind, older than an hour, while `--dry-run` only says what it would remove."""

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from loket.cli.documents import app
from loket.documents.blob_cleanup import collect_orphans
from loket.documents.blobs import DiskBlobStore
from loket.documents.model import Document
from loket.documents.storage import document_bytes, store_upload
from loket.settings import get_settings

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OTHER_PDF = PDF.replace(b"1.7", b"1.6")
TWO_HOURS = 2 * 3600


class Boom(RuntimeError):
    """A failure later in the request, after the upload was stored."""


@pytest.fixture
def blobs(tmp_path: Path) -> DiskBlobStore:
    return DiskBlobStore(tmp_path / "documents")


def upload(session: Session, blobs: DiskBlobStore, data: bytes = PDF) -> Document:
    return store_upload(
        session,
        blobs,
        data,
        name="scan.pdf",
        uploaded_by="clerk.gent",
        uploader_kind="staff",
        channel="counter",
        at=datetime(2026, 3, 2),
    )


def stored(blobs: DiskBlobStore) -> set[str]:
    return {sha256 for sha256, _written in blobs.stored()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def age(blobs: DiskBlobStore, data: bytes, seconds: int) -> None:
    """Make the blob of `data` look written `seconds` ago."""
    path = blobs.path_of(sha(data))
    then = path.stat().st_mtime - seconds
    os.utime(path, (then, then))


def test_an_upload_rolled_back_by_a_later_error_leaves_no_file(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with pytest.raises(Boom), sessions.begin() as session:
        upload(session, blobs)
        assert stored(blobs) == {sha(PDF)}  # written before the transaction ends
        raise Boom
    assert stored(blobs) == set()


def test_an_upload_rolled_back_explicitly_or_by_a_database_error_leaves_no_file(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with sessions() as session:
        upload(session, blobs)
        session.rollback()
    assert stored(blobs) == set()
    with pytest.raises(IntegrityError), sessions.begin() as session:
        upload(session, blobs, OTHER_PDF)
        # A second row the database refuses (size 0 breaks a check): the flush fails.
        upload(session, blobs).size_bytes = 0
        session.flush()
    assert stored(blobs) == set()
    with sessions() as session:
        assert session.query(Document).count() == 0


def test_a_session_closed_without_commit_leaves_no_file(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    session = sessions()
    upload(session, blobs)
    session.close()
    assert stored(blobs) == set()


def test_bytes_another_document_holds_stay_when_a_second_upload_rolls_back(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with sessions.begin() as session:
        kept = upload(session, blobs).id
    with pytest.raises(Boom), sessions.begin() as session:
        upload(session, blobs)
        raise Boom
    assert stored(blobs) == {sha(PDF)}
    with sessions() as session:
        assert document_bytes(session, blobs, kept) == PDF


def test_an_upload_in_a_savepoint_rolled_back_leaves_no_file_after_the_commit(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    with sessions.begin() as session:
        upload(session, blobs, OTHER_PDF)
        with pytest.raises(Boom), session.begin_nested():
            upload(session, blobs)
            raise Boom
    assert stored(blobs) == {sha(OTHER_PDF)}


def test_a_committed_upload_gets_its_file_back_when_a_rollback_removed_it_meanwhile(
    sessions: sessionmaker[Session], blobs: DiskBlobStore
) -> None:
    """The same bytes uploaded twice at once: the other upload rolled back first and, seeing
    no committed row, removed the file; this upload's commit writes it again."""
    with sessions.begin() as session:
        document = upload(session, blobs)
        blobs.delete(sha(PDF))  # what the concurrent rollback did
    with sessions() as session:
        assert document_bytes(session, blobs, document.id) == PDF


def test_two_overlapping_uploads_of_the_same_bytes_one_rolled_back(
    sessions: sessionmaker[Session], blobs: DiskBlobStore, engine: Engine
) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite lets one transaction write at a time: uploads cannot overlap")
    committing, failing = sessions(), sessions()
    document = upload(committing, blobs)
    upload(failing, blobs)
    failing.rollback()  # before the other commits: no committed row names the bytes yet
    committing.commit()
    with sessions() as session:
        assert document_bytes(session, blobs, document.id) == PDF
    committing.close()
    failing.close()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.sampled_from([PDF, OTHER_PDF, PDF + b"%x\n"]), st.booleans()), max_size=6)
)
def test_the_files_kept_are_exactly_those_committed_documents_name(
    sessions: sessionmaker[Session],
    reset: Callable[[], None],
    tmp_path: Path,
    uploads: list[tuple[bytes, bool]],
) -> None:
    reset()
    blobs = DiskBlobStore(tmp_path / f"documents-{os.urandom(4).hex()}")
    for data, commit in uploads:
        with sessions() as session:
            upload(session, blobs, data)
            session.commit() if commit else session.rollback()
    with sessions() as session:
        named = {row.sha256 for row in session.query(Document)}
    assert stored(blobs) == named


# ---- loket documents gc ----------------------------------------------------------------------


def test_gc_removes_old_orphans_and_keeps_named_and_recent_files(
    sessions: sessionmaker[Session], blobs: DiskBlobStore, engine: Engine
) -> None:
    with sessions.begin() as session:
        upload(session, blobs)
    orphan, recent = blobs.put(OTHER_PDF), blobs.put(b"%PDF-1.4 recent")  # a crash left them
    age(blobs, PDF, TWO_HOURS)
    age(blobs, OTHER_PDF, TWO_HOURS)
    dry = collect_orphans(engine, blobs, dry_run=True)
    assert dry.orphans == [orphan] and dry.young_orphans_kept == 1
    assert stored(blobs) == {sha(PDF), orphan, recent}
    report = collect_orphans(engine, blobs)
    assert report.orphans == [orphan] and report.bytes_freed == len(OTHER_PDF)
    assert stored(blobs) == {sha(PDF), recent}
    assert collect_orphans(engine, blobs).orphans == []


@pytest.fixture
def cli_store(
    database_url: str, blobs: DiskBlobStore, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("LOKET_DATABASE_URL", database_url)
    monkeypatch.setenv("LOKET_DOCUMENTS_DIR", str(blobs.root))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_gc_command_dry_run_removes_nothing_then_gc_removes_the_orphan(
    sessions: sessionmaker[Session], blobs: DiskBlobStore, cli_store: None
) -> None:
    with sessions.begin() as session:
        upload(session, blobs)
    orphan = blobs.put(OTHER_PDF)
    age(blobs, OTHER_PDF, TWO_HOURS)
    result = CliRunner().invoke(app, ["gc", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["would_remove"] == [orphan]
    assert stored(blobs) == {sha(PDF), orphan}
    result = CliRunner().invoke(app, ["gc", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["removed"] == [orphan]
    assert stored(blobs) == {sha(PDF)}
    result = CliRunner().invoke(app, ["gc"])
    assert result.exit_code == 0 and "removed 0" in result.output
