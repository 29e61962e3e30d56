"""The table of attestations loket issued: which dossier, which agency, the SHA-256 of the
signed PDF as handed out, the certificate that signed it, and whether the agency has since
revoked it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base
from loket.texts import N_

# "LA-" and 12 base32 characters (60 random bits).
REFERENCE_LENGTH = 15
# A staff username, as the rest of loket spells them.
ACTOR_MAX_LENGTH = 64
REASON_MAX_LENGTH = 500


class AttestationKind(StrEnum):
    """What an attestation attests."""

    LIVING_WAGE = "living-wage"
    ADDRESS = "address"
    TAX_COLLECTION = "tax-collection"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[AttestationKind, str] = {
    AttestationKind.LIVING_WAGE: N_("Attestation of living wage"),
    AttestationKind.ADDRESS: N_("Attestation of address"),
    AttestationKind.TAX_COLLECTION: N_("Attestation of tax collection"),
}


def _one_of(column: str, choices: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(str(choice)) for choice in choices)})"


class Attestation(Base):
    """One issued PDF. The reference is printed on it and stored in its metadata; anyone
    holding the PDF can ask loket whether it is exactly this one and still valid."""

    __tablename__ = "attestation"
    __table_args__ = (
        CheckConstraint(_one_of("kind", AttestationKind), name="kind"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("language IN ('nl', 'fr', 'de', 'en')", name="language"),
    )

    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    language: Mapped[str] = mapped_column(String(2))
    sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by: Mapped[str] = mapped_column(String(ACTOR_MAX_LENGTH))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(ACTOR_MAX_LENGTH))
    revoked_reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))
    # SHA-256 of the agency certificate that signed it, so that a later revocation of that
    # certificate can be told on /verify/{reference} without the PDF (empty before 0009).
    signer_fingerprint: Mapped[str | None] = mapped_column(String(64))
