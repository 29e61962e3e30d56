"""What a signed-PDF check found: the verdict, its reasons, and the time it was judged at.

`as_json` is the external contract of `loket documents verify --json` and the API: keys are
only ever added.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from loket.documents.verdicts import Verdict

RevocationSource = Literal["embedded", "local", "none"]


class TimeSource(StrEnum):
    """Where the time a signature was judged at comes from."""

    TIMESTAMP = "timestamp"  # the signature's own timestamp, from a trusted TSA
    DOCUMENT_TIMESTAMP = "document-timestamp"  # the first trusted document timestamp after it
    REQUESTED = "requested"  # asked for (`--at`, or loket's record of issuing it)
    NOW = "now"


@dataclass(frozen=True)
class ProvenTime:
    moment: datetime
    source: TimeSource
    authority: str | None  # the timestamp authority that proves it, if any

    @property
    def words(self) -> str:
        """Plain words: "judged at 2023-06-01 10:00 UTC, the time proven by …"."""
        at = f"judged at {self.moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        if self.source == TimeSource.TIMESTAMP:
            return f"{at}, the time proven by the signature timestamp of {self.authority}"
        if self.source == TimeSource.DOCUMENT_TIMESTAMP:
            return f"{at}, the time proven by the document timestamp of {self.authority}"
        if self.source == TimeSource.REQUESTED:
            return f"{at}, the time asked for"
        return f"{at}, the time of this check (no trusted timestamp proves an earlier one)"


@dataclass(frozen=True)
class Verification:
    """The outcome for one PDF; with several signatures, the details are the worst one's."""

    verdict: Verdict
    signer_subject: str | None = None
    signer_serial: str | None = None
    signer_fingerprint_sha256: str | None = None
    signing_time: datetime | None = None
    timestamp_time: datetime | None = None
    covers_whole_document: bool = False
    modification_level: str | None = None
    revocation_checked: bool = False
    revocation_source: RevocationSource = "none"
    signature_count: int = 0
    validation: ProvenTime | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return self.verdict.label

    @property
    def validation_time(self) -> datetime | None:
        return self.validation.moment if self.validation else None

    @property
    def validation_time_source(self) -> str | None:
        return str(self.validation.source) if self.validation else None

    @property
    def judged_at(self) -> str | None:
        return self.validation.words if self.validation else None

    def as_json(self) -> dict[str, Any]:
        return {
            "verdict": str(self.verdict),
            "label": self.label,
            "signer_subject": self.signer_subject,
            "signer_serial": self.signer_serial,
            "signer_fingerprint_sha256": self.signer_fingerprint_sha256,
            "signing_time": _iso(self.signing_time),
            "timestamp_time": _iso(self.timestamp_time),
            "covers_whole_document": self.covers_whole_document,
            "modification_level": self.modification_level,
            "revocation_checked": self.revocation_checked,
            "revocation_source": self.revocation_source,
            "signature_count": self.signature_count,
            "validation_time": _iso(self.validation_time),
            "validation_time_source": self.validation_time_source,
            "validation_time_authority": self.validation.authority if self.validation else None,
            "judged_at": self.judged_at,
            "problems": list(self.problems),
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def worse(first: Verdict, second: Verdict) -> Verdict:
    """The worse of two verdicts."""
    return max(first, second, key=lambda verdict: verdict.severity)
