"""What an upload really is, told from its first bytes, and the limits it must stay within.

The file name is only shown back to the person; it never decides the type (a renamed file stays
what it is).
"""

import math
from collections.abc import Callable

from loket.texts import N_

# Large enough for a multi-page scan from a phone, small enough to keep counter PCs responsive.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_MEBIBYTE = 1024 * 1024

# Signatures from the format definitions: PDF 1.7 section 7.5.2, PNG section 5.2, JPEG SOI
# followed by the first marker's 0xFF.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
ACCEPTED_MEDIA_TYPES = frozenset(media_type for _, media_type in _SIGNATURES)


class UploadRefused(ValueError):
    """An upload loket does not store, with a message marked for translation and its values.

    `str(error)` is the English text; a page shows `error.text(gettext)` instead."""

    def __init__(self, message: str, values: dict[str, str] | None = None) -> None:
        self.message = message
        self.values = values or {}
        super().__init__(message % self.values if self.values else message)

    def text(self, gettext: Callable[[str], str]) -> str:
        translated = gettext(self.message)
        return translated % self.values if self.values else translated


def megabytes(size_bytes: int) -> str:
    """A size in MB with one decimal, rounded up, so a file just over the limit never reads as
    exactly the limit ("10.1 MB", not "10 MB"); whole numbers without the decimal."""
    tenths = math.ceil(size_bytes * 10 / _MEBIBYTE)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def sniff_media_type(data: bytes) -> str | None:
    """The media type the bytes start with (PDF, PNG or JPEG), or None for anything else."""
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    return None


def check_size(size_bytes: int, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse an empty upload or one over `max_bytes`, saying how large it is and may be."""
    if size_bytes == 0:
        raise UploadRefused(N_("The file is empty. Choose the file again."))
    if size_bytes > max_bytes:
        raise UploadRefused(
            N_("The file is %(size)s MB; the limit is %(limit)s MB. Send a smaller file."),
            {"size": megabytes(size_bytes), "limit": megabytes(max_bytes)},
        )


def accepted_media_type(data: bytes, name: str) -> str:
    """The media type of `data` when loket accepts it; `UploadRefused` naming the file if not."""
    media_type = sniff_media_type(data)
    if media_type is None and not name.strip():
        raise UploadRefused(N_("The file is not a PDF, PNG or JPEG."))
    if media_type is None:
        raise UploadRefused(
            N_("The file is not a PDF, PNG or JPEG although it is named %(name)s."),
            {"name": name},
        )
    return media_type
