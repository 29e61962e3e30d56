"""Browser sessions for citizens and staff, and staff passwords.

A session cookie holds a random secret; the database keeps only its SHA-256, so a copy of the
database does not let anyone sign in. Passwords are hashed with Argon2.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from loket.cases.model import Dossier, StaffUser
from loket.logins.model import LoginSession
from loket.logins.ratelimit import check_rate, forget_attempts
from loket.people.model import Citizen

LOGIN_ATTEMPTS = 5
LOGIN_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
# Checked against when the username is unknown, so that the answer takes as long either way.
_NO_USER_HASH = _hasher.hash(secrets.token_urlsafe(32))


class LoginError(PermissionError):
    """A login that did not succeed; the message never says which part was wrong."""

    def __init__(self) -> None:
        super().__init__("the username or password is wrong")


class PasswordError(ValueError):
    """A password that may not be set; the message says why."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_password(session: Session, username: str, password: str) -> None:
    user = session.get(StaffUser, username)
    if user is None:
        raise PasswordError(f"username: {username!r} is unknown")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"password: use at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = _hasher.hash(password)
    session.flush()


def _start(session: Session, now: datetime, hours: int, **who: object) -> tuple[LoginSession, str]:
    token = secrets.token_urlsafe(32)
    login = LoginSession(
        token_hash=_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        **who,
    )
    session.add(login)
    session.flush()
    return login, token


def start_citizen_session(
    session: Session, citizen_id: int, now: datetime, hours: int = 8
) -> tuple[LoginSession, str]:
    """A new session for a citizen whose identity was established (eID, OIDC or demo)."""
    if session.get(Citizen, citizen_id) is None:
        raise LookupError(f"citizen {citizen_id} is unknown")
    return _start(session, now, hours, kind="citizen", citizen_id=citizen_id)


def staff_login(
    session: Session, username: str, password: str, now: datetime, hours: int = 8
) -> tuple[LoginSession, str]:
    """Check a staff password and start a session: LoginError when it is wrong,
    TooManyAttempts after five tries in fifteen minutes for the same username."""
    key = f"staff-login:{username.lower()[:64]}"
    check_rate(session, key, LOGIN_ATTEMPTS, LOGIN_WINDOW, now)
    user = session.get(StaffUser, username)
    stored = user.password_hash if user is not None and user.password_hash else _NO_USER_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        raise LoginError() from None
    if user is None or not user.password_hash:
        raise LoginError()
    forget_attempts(session, key)
    return _start(session, now, hours, kind="staff", staff_username=user.username)


def find_session(session: Session, token: str, now: datetime) -> LoginSession | None:
    """The live session a cookie belongs to, or None for an unknown or expired one."""
    if not token or len(token) > 100:
        return None
    login = session.get(LoginSession, _digest(token))
    if login is None or login.expires_at <= now:
        return None
    return login


def end_session(session: Session, token: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))


def staff_user_of(session: Session, login: LoginSession) -> StaffUser | None:
    if login.staff_username is None:
        return None
    return session.get(StaffUser, login.staff_username)


def citizen_of(session: Session, login: LoginSession) -> Citizen | None:
    if login.citizen_id is None:
        return None
    return session.get(Citizen, login.citizen_id)


def purge_expired(session: Session, now: datetime) -> int:
    """Delete sessions past their end; returns how many."""
    result = session.execute(delete(LoginSession).where(LoginSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)


def demo_citizens(session: Session, limit: int = 6) -> list[Citizen]:
    """Citizens offered on the demo login page: per language the first two registered that
    have a dossier (so that there is something to see), or simply the first two."""
    chosen: list[Citizen] = []
    has_dossier = select(Dossier.id).where(Dossier.citizen_id == Citizen.id).exists()
    for language in ("nl", "fr", "de"):
        by_language = select(Citizen).where(Citizen.language == language).order_by(Citizen.id)
        found = list(session.scalars(by_language.where(has_dossier).limit(2)))
        chosen.extend(found or session.scalars(by_language.limit(2)))
    return chosen[:limit]
