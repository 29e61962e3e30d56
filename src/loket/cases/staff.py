"""Staff users and their API tokens.

A token is shown once, when the user is created; only its Argon2 hash is kept. The token is
`<id>.<secret>`: the id finds the user, the secret proves it.
"""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.choices import Role
from loket.cases.model import Agency, Office, StaffUser

_hasher = PasswordHasher()
# Verified against when a token id is unknown, so that the answer takes as long either way.
_NO_USER_HASH = _hasher.hash(secrets.token_urlsafe(32))


class StaffError(ValueError):
    """A staff request that cannot be carried out; the message names the parameter."""


class InvalidToken(PermissionError):
    def __init__(self) -> None:
        super().__init__("the API token is missing, unknown or wrong")


def add_user(
    session: Session, username: str, role: str, agency: str, office_id: str | None = None
) -> tuple[StaffUser, str]:
    """Create a staff user; returns the user and the one-time token."""
    roles = [r.value for r in Role]
    if role not in roles:
        raise StaffError(f"role: {role!r} is not one of {', '.join(roles)}")
    if session.get(Agency, agency) is None:
        raise StaffError(f"agency: {agency!r} is unknown")
    if office_id is not None:
        office = session.get(Office, office_id)
        if office is None or office.agency_code != agency:
            raise StaffError(f"office: {office_id!r} is not an office of {agency}")
    if not username or session.get(StaffUser, username) is not None:
        raise StaffError(f"username: {username!r} is empty or already taken")
    user = StaffUser(username=username, role=role, agency_code=agency, office_id=office_id)
    token = _new_token(user)
    session.add(user)
    session.flush()
    return user, token


def issue_token(session: Session, username: str) -> str:
    """A new API token for an existing staff user; the old one stops working."""
    user = session.get(StaffUser, username)
    if user is None:
        raise StaffError(f"username: no staff user {username!r}")
    token = _new_token(user)
    session.flush()
    return token


def _new_token(user: StaffUser) -> str:
    """Set a fresh token on `user` (only its Argon2 hash is stored) and return it, once."""
    user.token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    user.token_hash = _hasher.hash(secret)
    return f"{user.token_id}.{secret}"


def authenticate(session: Session, token: str) -> StaffUser:
    """The staff user a token belongs to, or InvalidToken."""
    token_id, _, secret = token.partition(".")
    if not token_id or not secret:
        raise InvalidToken()
    user = session.scalar(select(StaffUser).where(StaffUser.token_id == token_id))
    try:
        _hasher.verify(user.token_hash if user else _NO_USER_HASH, secret)
    except (VerificationError, InvalidHashError):
        raise InvalidToken() from None
    if user is None:
        raise InvalidToken()
    return user
