"""The verdicts a signed-PDF check can reach, each with the words a clerk reads on screen.

Worse verdicts rank higher, so a document with several signatures takes its worst one.
"""

from enum import StrEnum


class Verdict(StrEnum):
    """What a clerk may conclude about a PDF presented as an original."""

    ACCEPTED = "accepted"
    REVOCATION_UNKNOWN = "revocation-unknown"
    UNTRUSTED = "untrusted"
    BROKEN = "broken"
    UNSIGNED = "unsigned"
    INVALID_FILE = "invalid-file"

    @property
    def label(self) -> str:
        """Plain English for the counter; the code stays stable for scripts."""
        return _LABELS[self]

    @property
    def severity(self) -> int:
        """How bad the verdict is: 0 is accepted; when signatures disagree the highest wins."""
        return _SEVERITY[self]


_LABELS = {
    Verdict.ACCEPTED: "accepted as original",
    Verdict.BROKEN: "signature broken — changed after signing",
    Verdict.UNTRUSTED: "signer not trusted",
    Verdict.REVOCATION_UNKNOWN: "revocation not checked",
    Verdict.UNSIGNED: "not signed — needs a look",
    Verdict.INVALID_FILE: "not a readable PDF",
}

_SEVERITY = {
    Verdict.ACCEPTED: 0,
    Verdict.REVOCATION_UNKNOWN: 1,
    Verdict.UNTRUSTED: 2,
    Verdict.BROKEN: 3,
    Verdict.UNSIGNED: 4,
    Verdict.INVALID_FILE: 5,
}
