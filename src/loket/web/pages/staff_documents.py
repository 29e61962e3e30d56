"""The documents of a dossier on the staff dossier page: the list with each PDF's verdict in
the reader's language, and the channels a clerk records an upload under."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from loket.documents.model import STAFF_CHANNELS, Document
from loket.documents.storage import dossier_documents
from loket.documents.verdicts import Verdict
from loket.texts import N_
from loket.web.pages.staff import CHANNEL_LABELS

# What a clerk reads next to a document: whether it counts as an original, or why not.
VERDICT_TEXTS = {
    Verdict.ACCEPTED: N_("Accepted as original"),
    Verdict.REVOCATION_UNKNOWN: N_("Not accepted: revocation of the signature was not checked"),
    Verdict.UNTRUSTED: N_("Not accepted: the signer is not trusted"),
    Verdict.BROKEN: N_("Not accepted: the document was changed after signing"),
    Verdict.UNSIGNED: N_("Not signed: needs a look"),
    Verdict.INVALID_FILE: N_("Not accepted: not a readable PDF"),
}
# Images carry no signature: a person looks at them.
NO_VERDICT_TEXT = N_("Image: no signature to check")


@dataclass(frozen=True)
class DocumentLine:
    id: int
    name: str
    uploaded_at: datetime
    uploaded_by: str
    uploader_kind: str
    channel: str
    # A text to translate: how the document came in.
    channel_label: str
    # A text to translate: the verdict, or that an image has none.
    verdict_text: str
    accepted: bool


def verdict_text(document: Document) -> str:
    return VERDICT_TEXTS[Verdict(document.verdict)] if document.verdict else NO_VERDICT_TEXT


def document_lines(session: Session, dossier_id: int) -> list[DocumentLine]:
    """The dossier's documents as the page lists them, oldest first, with those the citizen
    sent with the request that opened it."""
    return [
        DocumentLine(
            id=document.id,
            name=document.original_name,
            uploaded_at=document.uploaded_at,
            uploaded_by=document.uploaded_by,
            uploader_kind=document.uploader_kind,
            channel=document.channel,
            channel_label=CHANNEL_LABELS.get(document.channel, document.channel),
            verdict_text=verdict_text(document),
            accepted=document.verdict == Verdict.ACCEPTED,
        )
        for document in dossier_documents(session, dossier_id, with_requests=True)
    ]


def upload_channels() -> list[tuple[str, str]]:
    """The channels a clerk chooses from, with their labels to translate."""
    return [(str(channel), CHANNEL_LABELS[str(channel)]) for channel in STAFF_CHANNELS]
