"""Offices are reference data, kept between tests on PostgreSQL: the e-mail addresses a test
gives them are taken away again after it."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, update

from loket.cases.model import Office


@pytest.fixture(autouse=True)
def offices_without_email(engine: Engine) -> Iterator[None]:
    yield
    with engine.begin() as connection:
        connection.execute(update(Office).where(Office.email.is_not(None)).values(email=None))
