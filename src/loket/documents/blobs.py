"""Content-addressed storage of uploaded bytes: a blob is named by its SHA-256 and written once.

`BlobStore` is the small interface the rest of loket uses; `DiskBlobStore` keeps blobs on disk.
"""

import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class UnknownBlob(LookupError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"no stored file has SHA-256 {sha256}")
        self.sha256 = sha256


class BlobStore(Protocol):
    """Where document bytes live; an object store can take the place of the disk."""

    def put(self, data: bytes) -> str:
        """Store `data` and return its SHA-256 in lower-case hex; storing it again is a no-op."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`; `UnknownBlob` when there are none."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> bool:
        """Remove the blob; False when there was none."""
        ...

    def size(self, sha256: str) -> int | None:
        """The blob's size in bytes; None when there is none."""
        ...

    def stored(self) -> Iterator[tuple[str, datetime]]:
        """Every blob's SHA-256 with the time it was last written (UTC)."""
        ...

    def exclusive(self) -> AbstractContextManager[None]:
        """Held while deciding to delete a blob, and by a committed upload while it makes sure
        its blob is there, so that the two never interleave (across processes)."""
        ...


def checked_sha256(sha256: str) -> str:
    """`sha256` when it is 64 lower-case hex characters; a ValueError naming it otherwise.

    A blob name ends up in a file path, so anything else (`../`, a slash) is refused outright."""
    if not isinstance(sha256, str) or not _SHA256_HEX.match(sha256):
        raise ValueError(f"sha256 must be 64 lower-case hex characters, got {sha256!r}")
    return sha256


class DiskBlobStore:
    """Blobs as files at `root/ab/cd/<sha256>`; two levels keep directories small."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        name = checked_sha256(sha256)
        return self.root / name[:2] / name[2:4] / name

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_of(sha256)
        if target.exists():
            try:
                # Touched, so that `loket documents gc` sees a fresh upload of old bytes as new.
                os.utime(target)
                return sha256
            except FileNotFoundError:
                pass  # removed meanwhile as an orphan: write it again
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed into place: a crash leaves either no file or
        # the whole file under its name, never half of one that a later `put` would trust.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            return self.path_of(sha256).read_bytes()
        except FileNotFoundError:
            raise UnknownBlob(sha256) from None

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def delete(self, sha256: str) -> bool:
        try:
            self.path_of(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def size(self, sha256: str) -> int | None:
        try:
            return self.path_of(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def stored(self) -> Iterator[tuple[str, datetime]]:
        for path in self.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*"):
            if not _SHA256_HEX.match(path.name) or path.parent.parent.name != path.name[:2]:
                continue  # temporary files of a write in progress, or anything not ours
            try:
                written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            except FileNotFoundError:
                continue  # deleted while listing
            yield path.name, written

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
