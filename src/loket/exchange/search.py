"""Searching the access log, for the privacy officer: who consulted whom, when, why and with
what outcome. Reading the log changes nothing and is not itself logged."""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from loket.exchange.log import entry_body
from loket.exchange.model import AccessLogEntry

MAX_LIMIT = 1000


class SearchError(ValueError):
    """A search parameter that cannot be used; the message starts with its name."""


@dataclass(frozen=True)
class LoggedAccess:
    """One access-log entry as the privacy officer reads it: its number, time and full body."""

    seq: int
    recorded_at: datetime
    body: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {**self.body, "seq": self.seq, "recorded_at": self.recorded_at.isoformat()}


def _body_field_pattern(name: str, value: str) -> str:
    """A LIKE pattern that matches exactly the bodies whose top-level `name` is `value`.

    Bodies are canonical JSON (sorted keys, no spaces, a flat object), so the text
    `"name":"value"` with unescaped quotes occurs only as that key and value: inside another
    string the quotes would be escaped.
    """
    encoded = json.dumps(value, ensure_ascii=False)
    fragment = f'"{name}":{encoded}'
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _start_of(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.min)


def _end_of(value: date | datetime) -> datetime:
    """The first instant after `until`: a date includes its whole day."""
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    return datetime.combine(value + timedelta(days=1), time.min)


def search_query(
    *,
    citizen: str | None = None,
    agency: str | None = None,
    actor: str | None = None,
    outcome: str | None = None,
    category: str | None = None,
    purpose: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> Select[AccessLogEntry]:
    """The entries matching every given filter, newest first (no limit)."""
    query = select(AccessLogEntry)
    for column, value in (
        (AccessLogEntry.citizen_insz, citizen),
        (AccessLogEntry.agency, agency),
        (AccessLogEntry.actor, actor),
        (AccessLogEntry.outcome, outcome),
    ):
        if value is not None:
            query = query.where(column == value)
    for name, value in (("category", category), ("purpose", purpose)):
        if value is not None:
            query = query.where(AccessLogEntry.body.like(_body_field_pattern(name, value), "\\"))
    if since is not None:
        query = query.where(AccessLogEntry.recorded_at >= _start_of(since))
    if until is not None:
        query = query.where(AccessLogEntry.recorded_at < _end_of(until))
    return query.order_by(AccessLogEntry.recorded_at.desc(), AccessLogEntry.seq.desc())


def search_log(
    session: Session,
    *,
    citizen: str | None = None,
    agency: str | None = None,
    actor: str | None = None,
    outcome: str | None = None,
    category: str | None = None,
    purpose: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[LoggedAccess]:
    """Access-log entries matching every given filter, newest first.

    `since` and `until` are inclusive; a date covers its whole day (times are UTC, as logged).
    `citizen`, `agency`, `actor` and `outcome` are compared with the searchable columns,
    `category` and `purpose` with the entry's body. At most `limit` entries (1..1000) are
    returned, after skipping `offset`.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit: {limit} is not in 1..{MAX_LIMIT}")
    if offset < 0:
        raise SearchError(f"offset: {offset} is negative")
    if since is not None and until is not None and _start_of(since) >= _end_of(until):
        raise SearchError(f"until: {until} is before since {since}")
    query = search_query(
        citizen=citizen,
        agency=agency,
        actor=actor,
        outcome=outcome,
        category=category,
        purpose=purpose,
        since=since,
        until=until,
    )
    entries = session.scalars(query.limit(limit).offset(offset))
    return [LoggedAccess(e.seq, e.recorded_at, entry_body(e)) for e in entries]
