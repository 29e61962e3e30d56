"""The table of uploaded documents: who brought which bytes in, through which channel, for
which dossier or request. The bytes themselves live in a blob store under their SHA-256."""

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from loket.contact.choices import Channel
from loket.store.base import Base

# Enough for any real file name; longer ones are shortened keeping their extension.
ORIGINAL_NAME_MAX_LENGTH = 200
# A staff username or a citizen id, as the rest of loket spells them.
UPLOADER_MAX_LENGTH = 64


# A document arrives through one of loket's contact channels: the citizen online, online with
# help from staff, or at the counter. Staff record only the last two; "online" is the citizen's.
UPLOAD_CHANNELS = (Channel.ONLINE, Channel.ASSISTED_ONLINE, Channel.COUNTER)
STAFF_CHANNELS = (Channel.COUNTER, Channel.ASSISTED_ONLINE)


class UploaderKind(StrEnum):
    """Whether `uploaded_by` is a citizen id or a staff username."""

    CITIZEN = "citizen"
    STAFF = "staff"


def _one_of(column: str, choices: Iterable[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(str(choice)) for choice in choices)})"


class Document(Base):
    """One upload. The same bytes uploaded twice are two documents sharing one blob, because
    who brought them, when and for what differs."""

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint(_one_of("channel", UPLOAD_CHANNELS), name="channel"),
        CheckConstraint(_one_of("uploader_kind", UploaderKind), name="uploader_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    # Told from the bytes (see `loket.documents.sniff`), never from the name.
    media_type: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(ORIGINAL_NAME_MAX_LENGTH))
    uploaded_by: Mapped[str] = mapped_column(String(UPLOADER_MAX_LENGTH))
    uploader_kind: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request_draft.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    # The signature check of a PDF (a `loket.documents.verdicts.Verdict` code) and what it
    # found; None for images, which carry no signature to check.
    verdict: Mapped[str | None] = mapped_column(String(32))
    verdict_details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
