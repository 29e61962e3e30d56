"""Rate limits on guessable secrets (passwords, resume codes), kept in the database so that
every web worker sees the same count."""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from loket.logins.model import AttemptRecord


class TooManyAttempts(PermissionError):
    """Too many attempts with this key in the window; try again after `retry_after`."""

    def __init__(self, retry_after: timedelta) -> None:
        minutes = max(1, int(retry_after.total_seconds() // 60) + 1)
        super().__init__(f"too many attempts; try again in {minutes} minutes")
        self.retry_after = retry_after


def check_rate(session: Session, key: str, limit: int, window: timedelta, now: datetime) -> None:
    """Record an attempt under `key`; TooManyAttempts when `limit` were made within `window`.

    The attempt is recorded before the secret is checked, so a right guess after the limit is
    refused like a wrong one.
    """
    since = now - window
    session.execute(delete(AttemptRecord).where(AttemptRecord.key == key, AttemptRecord.at < since))
    made = session.scalar(
        select(func.count()).where(AttemptRecord.key == key, AttemptRecord.at >= since)
    )
    if (made or 0) >= limit:
        oldest = session.scalar(
            select(func.min(AttemptRecord.at)).where(
                AttemptRecord.key == key, AttemptRecord.at >= since
            )
        )
        raise TooManyAttempts((oldest or now) + window - now)
    session.add(AttemptRecord(key=key[:200], at=now))
    session.flush()


def forget_attempts(session: Session, key: str) -> None:
    """Clear the count after a success, so a user who finally got it right starts afresh."""
    session.execute(delete(AttemptRecord).where(AttemptRecord.key == key))
