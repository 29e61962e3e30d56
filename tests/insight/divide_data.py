"""Test data for the digital-divide map: channel events written straight into the table, as
many distinct people as a test needs, in a municipality, service and channel of its choice."""

from datetime import date
from itertools import count

from sqlalchemy import insert
from sqlalchemy.orm import Session

from loket.insight.channels_model import ChannelEvent

GENT, LIEGE, ARLON = "44021", "62063", "81001"
DAY = date(2026, 3, 10)
_people = count(1)


def contacts(
    session: Session,
    people: int,
    *,
    municipality: str | None = GENT,
    channel: str = "online",
    service: str = "leefloon",
    contact: str = "callback",
    outcome: str = "submitted",
    step: str | None = None,
    day: date = DAY,
    keys: list[str] | None = None,
) -> list[str]:
    """One event for each of `people` new people (or for `keys`); their person keys."""
    keys = keys if keys is not None else [f"p{next(_people):015d}" for _ in range(people)]
    if not keys:
        return []
    session.execute(
        insert(ChannelEvent),
        [
            {
                "occurred_on": day,
                "municipality": municipality,
                "service": service,
                "contact": contact,
                "channel": channel,
                "outcome": outcome,
                "step": step,
                "person_key": key,
            }
            for key in keys
        ],
    )
    return keys
