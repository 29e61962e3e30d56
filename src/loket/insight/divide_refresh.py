"""The refresh behind the digital-divide map: marks expired drafts as abandoned at the step they
reached, then recomputes the summary for the periods that new events touch.

Incremental: it remembers the highest event it summarised and the expiry date up to which it
looked for abandoned drafts, and recomputes only the months, quarters and years holding new
events (and always those holding yesterday and today, for events committed late).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.applications.model import RequestDraft
from loket.insight import channels as channel_events
from loket.insight.channels_model import ChannelEvent, ContactKind, Outcome
from loket.insight.divide_aggregate import ALL, recompute_periods

E = ChannelEvent
__all__ = ["ALL", "Period", "RefreshResult", "parse_period", "periods_between", "refresh"]


@dataclass(frozen=True)
class Period:
    """A year ("2026"), a quarter ("2026-Q1") or a month ("2026-03") and its first and last day."""

    key: str
    first: date
    last: date


@dataclass(frozen=True)
class RefreshResult:
    abandoned: int
    periods: tuple[str, ...]
    last_event_id: int


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    return Period(f"{year}-{number:02d}", first, _month_end(first))


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * number - 2, 1)
    return Period(f"{year}-Q{number}", first, _month_end(date(year, 3 * number, 1)))


def year(number: int) -> Period:
    return Period(str(number), date(number, 1, 1), date(number, 12, 31))


def parse_period(key: str) -> Period | None:
    """The period a key names, or None for anything else."""
    try:
        if len(key) == 4:
            return year(int(key))
        if len(key) == 7 and key[4:6] == "-Q" and key[6] in "1234":
            return quarter(int(key[:4]), int(key[6]))
        if len(key) == 7 and key[4] == "-":
            return month(int(key[:4]), int(key[5:]))
    except ValueError:
        return None
    return None


def periods_between(start: date, end: date) -> list[Period]:
    """Every month, quarter and year that holds a day from `start` to `end`."""
    found: dict[str, Period] = {}
    day = date(start.year, start.month, 1)
    while day <= end:
        for period in (
            month(day.year, day.month),
            quarter(day.year, (day.month - 1) // 3 + 1),
            year(day.year),
        ):
            found[period.key] = period
        day = _month_end(day) + timedelta(days=1)
    return sorted(found.values(), key=lambda p: (p.first, -(p.last - p.first).days))


def record_abandoned(session: Session, today: date) -> int:
    """An abandoned-form event for every draft that expired unsent since the last refresh,
    dated on the day it was last touched, at the step it reached. Expired drafts can no longer
    be resumed, so each is counted once."""
    state = channel_events.divide_state(session)
    expired = select(RequestDraft).where(
        RequestDraft.submitted_at.is_(None), RequestDraft.expires_on < today
    )
    if state.abandoned_through is not None:
        expired = expired.where(RequestDraft.expires_on >= state.abandoned_through)
    count = 0
    for draft in session.scalars(expired.order_by(RequestDraft.id)):
        channel_events.record_event(
            session,
            on=draft.updated_at.date(),
            municipality=channel_events.draft_municipality(session, draft),
            service=draft.kind,
            contact=ContactKind.REQUEST,
            channel=draft.channel,
            outcome=Outcome.ABANDONED,
            person=channel_events.draft_person(draft),
            step=draft.step,
        )
        count += 1
    state.abandoned_through = today
    session.flush()
    return count


def recompute(session: Session, periods: Sequence[Period]) -> int:
    """Replace the summary rows of `periods` with fresh ones from the events."""
    return recompute_periods(session, [(p.key, p.first, p.last) for p in periods])


def refresh(session: Session, today: date, since: date | None = None) -> RefreshResult:
    """Record newly abandoned drafts and bring the summary up to date; `since` recomputes every
    period from that day on, whatever was summarised before."""
    abandoned = record_abandoned(session, today)
    state = channel_events.divide_state(session)
    newest = session.scalar(select(func.max(E.id))) or 0
    first_new = session.scalar(select(func.min(E.occurred_on)).where(E.id > state.last_event_id))
    start = since or min(first_new or today, today - timedelta(days=1))
    last_day = session.scalar(select(func.max(E.occurred_on)).where(E.occurred_on >= start))
    periods = periods_between(start, max(last_day or today, today))
    recompute(session, periods)
    state.last_event_id = newest
    session.flush()
    return RefreshResult(abandoned, tuple(p.key for p in periods), newest)
