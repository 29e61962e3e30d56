"""Storage: engine, sessions, the declarative base and Alembic migrations."""

from loket.store.base import Base
from loket.store.engine import make_engine, session_factory

__all__ = ["Base", "make_engine", "session_factory"]
