"""Request and response bodies of the exchange API: consultations, authorisations, the
citizen's access log and the privacy officer's flags."""

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from loket.web.api.schemas import ErrorDetail, LocalTimestamp, UtcTimestamp


class ConsultationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    insz: str = Field(max_length=15, examples=["85073003328"])
    category: str = Field(max_length=40, examples=["income-tax"])
    purpose: str = Field(max_length=40, examples=["leefloon-eligibility"])
    dossier: str | None = Field(
        None, max_length=40, description="The dossier that justifies the consultation."
    )


class Released(BaseModel):
    granted: bool
    category: str
    purpose: str
    authorisation: int | None
    legal_basis: str | None
    dossier: str | None
    log_seq: int = Field(description="The access-log entry of this consultation.")
    fields: dict[str, Any] = Field(description="Exactly the fields the category releases.")


class DeniedDetail(ErrorDetail):
    log_seq: int = Field(description="The access-log entry of this refused consultation.")


class DeniedBody(BaseModel):
    detail: DeniedDetail


class AuthorisationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency: str = Field(max_length=16)
    category: str = Field(max_length=40)
    purpose: str = Field(max_length=40)
    legal_basis: str = Field(max_length=2000)
    legal_reference: str | None = Field(None, max_length=200)
    valid_from: date
    valid_to: date | None = None
    requires_open_dossier: bool = True
    dossier_types: list[str] = Field(default_factory=list, max_length=20)
    embargo_days: int = Field(0, ge=0, le=3650)


class RevocationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)
    on: date | None = Field(None, description="First day it no longer holds; today if unset.")


class AuthorisationOut(BaseModel):
    id: int
    agency: str
    category: str
    purpose: str
    legal_basis: str
    legal_reference: str | None
    valid_from: date
    valid_to: date | None
    requires_open_dossier: bool
    dossier_types: list[str]
    embargo_days: int
    granted_by: str
    revoked_on: date | None
    revocation_reason: str | None


class AgencyRef(BaseModel):
    code: str
    name: str


class OfficeRef(BaseModel):
    id: str
    name: str | None


class CitizenLogLine(BaseModel):
    seq: int
    recorded_at: UtcTimestamp
    agency: AgencyRef
    office: OfficeRef | None
    category: str
    purpose: str
    legal_basis: str | None
    authorisation: int | None
    outcome: str = Field(description="`granted` or `denied`.")


class FlagRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field("", max_length=2000)


class FlagOut(BaseModel):
    id: int
    seq: int
    status: str


class OpenFlag(BaseModel):
    id: int
    seq: int
    citizen: str
    comment: str
    created_at: LocalTimestamp
    entry: dict[str, Any] = Field(description="The flagged access-log entry, in full.")


class LogEntryOut(BaseModel):
    """One access-log entry as the privacy officer reads it."""

    seq: int
    recorded_at: UtcTimestamp
    kind: str
    outcome: str = Field(description="`granted` or `denied`.")
    actor: str | None
    office: str | None
    agency: str | None
    citizen: str | None
    category: str | None
    purpose: str | None
    authorisation: int | None
    legal_basis: str | None
    dossier: str | None
    reason: str | None
    visible_from: date | None


class AnomalyOut(BaseModel):
    kind: str = Field(
        description="`repeated-denials`, `no-follow-up`, `peer-outlier` or `outside-office-hours`."
    )
    actor: str
    agency: str | None
    office: str | None
    count: int = Field(description="Entries behind it (distinct citizens for `peer-outlier`).")
    detail: str
    seqs: list[int] = Field(description="A few of the access-log entries behind it.")
