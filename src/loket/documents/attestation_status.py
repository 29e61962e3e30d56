"""Whether an issued attestation still counts, as /verify/{reference} tells its holder: revoked
by its agency, voided by the revocation of the key that signed it, or valid."""

from dataclasses import dataclass
from datetime import UTC, datetime

from loket.documents.attestation_model import Attestation
from loket.documents.issuer_keys import KeyRevocation, RevocationReason, agency_key_revocations


@dataclass(frozen=True)
class AttestationStatus:
    """Whether an issued attestation still counts, as /verify/{reference} tells its holder."""

    revoked_on: datetime | None = None  # loket's local time, as the database keeps it
    reason: str | None = None  # the agency's own words, or why its key no longer counts


def signing_key_revocation(record: Attestation) -> KeyRevocation | None:
    """The revocation of the key that signed `record`, when it voids this attestation."""
    revocations = [r for r in agency_key_revocations() if r.agency_code == record.agency_code]
    if record.signer_fingerprint:
        found = [r for r in revocations if r.fingerprint_sha256 == record.signer_fingerprint]
    else:
        # Issued before loket kept the signer: the key in use then is the first one revoked
        # after the issuing time (keys roll over at the moment of revocation).
        issued = record.issued_at.astimezone(UTC)
        found = [r for r in revocations if r.revoked_at > issued][:1]
    return next((r for r in found if r.applies_to(record.issued_at)), None)


KEY_REVOKED_TEXTS = {
    "nl": "de sleutel waarmee dit attest ondertekend is, werd ingetrokken ({reason})",
    "fr": "la clé qui a signé cette attestation a été révoquée ({reason})",
    "de": "der Schlüssel, mit dem diese Bescheinigung unterzeichnet wurde, wurde widerrufen "
    "({reason})",
    "en": "the key that signed this attestation was revoked ({reason})",
}
REASON_TEXTS: dict[str, dict[RevocationReason, str]] = {
    "nl": {
        RevocationReason.KEY_COMPROMISE: "sleutel gecompromitteerd",
        RevocationReason.UNSPECIFIED: "reden niet opgegeven",
    },
    "fr": {
        RevocationReason.KEY_COMPROMISE: "clé compromise",
        RevocationReason.UNSPECIFIED: "raison non précisée",
    },
    "de": {
        RevocationReason.KEY_COMPROMISE: "Schlüssel kompromittiert",
        RevocationReason.UNSPECIFIED: "kein Grund angegeben",
    },
    "en": {
        RevocationReason.KEY_COMPROMISE: "key compromise",
        RevocationReason.UNSPECIFIED: "reason not given",
    },
}


def attestation_status(record: Attestation, language: str) -> AttestationStatus:
    """Revoked by the agency (its reason), or voided by its signing key's revocation (said in
    `language`), or valid."""
    if record.revoked_at is not None:
        return AttestationStatus(record.revoked_at, record.revoked_reason)
    revocation = signing_key_revocation(record)
    if revocation is None:
        return AttestationStatus()
    texts = REASON_TEXTS.get(language, REASON_TEXTS["en"])
    why = texts.get(revocation.reason, str(revocation.reason))
    template = KEY_REVOKED_TEXTS.get(language, KEY_REVOKED_TEXTS["en"])
    local = revocation.revoked_at.astimezone().replace(tzinfo=None)
    return AttestationStatus(local, template.format(reason=why))
