"""Request and response bodies of the JSON API, as pydantic models (and so in /openapi.json)."""

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

# The largest id or offset the database takes (PostgreSQL `integer`); a larger number in a path
# or query is refused with 422 before it reaches the database, which would fail on it.
MAX_ID = 2**31 - 1


def _before_the_last_day(value: date) -> date:
    if value == date.max:
        raise PydanticCustomError("date_too_late", "must be before 9999-12-31")
    return value


# The last day of a period that is searched up to the end of that day: the day after it must
# exist in the calendar.
LastDay = Annotated[date, AfterValidator(_before_the_last_day)]


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _as_local(value: datetime) -> datetime:
    return value if value.tzinfo is None else value.astimezone().replace(tzinfo=None)


# A moment stored in UTC (the access log): answered with its offset, so RFC 3339 `date-time`.
UtcTimestamp = Annotated[datetime, AfterValidator(_as_utc)]
# A moment stored as the server's wall-clock time without an offset (dossier history, reviews,
# uploads). OpenAPI's `date-time` requires an offset, which loket does not know for these, so
# the document says what is sent instead of promising a format the answers do not have.
LocalTimestamp = Annotated[
    datetime,
    AfterValidator(_as_local),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?$",
            "description": "Date and time as recorded by the server, without an offset.",
            "examples": ["2026-11-29T14:05:00"],
        }
    ),
]


class ErrorDetail(BaseModel):
    error: str = Field(description="A stable code, e.g. `unknown-postcode`.")
    message: str = Field(description="What went wrong, naming the parameter.")
    parameter: str | None = Field(None, description="The parameter at fault, when there is one.")


class ErrorBody(BaseModel):
    detail: ErrorDetail


class ParameterProblem(BaseModel):
    parameter: str
    location: str = Field(description="`query`, `path` or `body`.")
    message: str


class InvalidRequestDetail(ErrorDetail):
    problems: list[ParameterProblem] = Field(
        default_factory=list,
        description="Each parameter that does not have the declared shape (type, length, "
        "pattern); absent when the shape is right but the value is refused.",
    )


class InvalidRequestBody(BaseModel):
    detail: InvalidRequestDetail


class Candidate(BaseModel):
    municipality: str = Field(description="REFNIS code of the municipality.")
    municipality_name: str
    office_id: str | None


class AmbiguousPostcodeDetail(ErrorDetail):
    candidates: list[Candidate]


class AmbiguousPostcodeBody(BaseModel):
    detail: AmbiguousPostcodeDetail


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]
    version: str
    citizens: int | None
    offices: int | None


class Office(BaseModel):
    id: str = Field(examples=["ocmw-11002"])
    name: str
    municipality: str = Field(description="REFNIS code of the office's municipality.")


class Route(BaseModel):
    postcode: str
    agency: str
    office: Office


class HistoryLine(BaseModel):
    kind: str = Field(description="created, status-changed, transferred, routing-needed, note")
    effective_date: date
    recorded_at: LocalTimestamp
    from_office: str | None
    to_office: str | None
    from_status: str | None
    to_status: str | None
    reason: str | None
    note: str | None


class Dossier(BaseModel):
    reference: str
    agency: str
    type: str
    status: str
    office: Office
    opened_on: date
    closed_on: date | None
    assigned_worker: str | None
    history: list[HistoryLine]


class AddressChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Lengths are those of the stored columns, so a long value is refused, not truncated.
    event_id: str = Field(
        min_length=1, max_length=64, description="Idempotency key: replaying it changes nothing."
    )
    effective_date: date
    street: str = Field(max_length=200)
    house_number: str = Field(max_length=20)
    box: str | None = Field(None, max_length=20)
    postcode: str = Field(max_length=12)
    country: str = Field("BE", max_length=2, description="ISO 3166 two-letter code.")
    source: str | None = Field(None, max_length=40, description="Who reported it; `api` if unset.")


class RecordedAddress(BaseModel):
    street: str
    house_number: str
    box: str | None
    postcode: str
    country: str
    effective_date: date


class Transfer(BaseModel):
    reference: str
    from_office: str
    to_office: str


class Queued(BaseModel):
    reference: str
    office: str
    reason: str = Field(description="moved-abroad, unknown-postcode, ambiguous-postcode, ...")
    detail: str


class AddressChangeOutcome(BaseModel):
    event_id: str
    status: Literal["applied", "history", "duplicate"]
    address: RecordedAddress | None = Field(
        description="The address this request recorded; null for a replayed event."
    )
    transfers: list[Transfer] = Field(description="Dossiers you may see that moved office.")
    queued: list[Queued] = Field(description="Dossiers you may see that wait for routing.")
