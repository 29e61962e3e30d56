"""One database session per request, committed when the request succeeds."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker


async def request_session(request: Request) -> AsyncIterator[Session]:
    """A session in a transaction that commits when the route returns and rolls back when it
    raises, before the response is sent: a client never sees a success that was not stored.

    The dependency is async on purpose: its commit then runs on the event loop instead of
    waiting for a free worker thread. A transaction that holds SQLite's write lock must not
    queue behind threads that are themselves waiting for that lock."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions.begin() as session:
        yield session


# scope="function" closes the transaction before the response leaves, not after it.
SessionDep = Annotated[Session, Depends(request_session, scope="function")]
