"""Fuzz the JSON API against its own OpenAPI document with schemathesis, as every staff role
and as a citizen: no answer may be a server error, and every answer must be one the document
describes (status code, content type, body schema, headers).

A short run with a fixed seed is part of `make test`; `LOKET_FUZZ_EXAMPLES=500` (what
`make fuzz` sets) runs many more examples per operation.
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.model import StaffUser
from loket.settings import get_settings
from loket.web.app import create_app
from tests.conftest import reset_data
from tests.web.fuzz_scene import ROLES, FuzzScene, seed

# Examples per operation in the fuzzing phase (the examples and coverage phases add their own).
EXAMPLES = int(os.environ.get("LOKET_FUZZ_EXAMPLES") or 15)
SEED = 13
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # Generating examples for the larger bodies is slow on a shared CI machine; that
            # says nothing about the API.
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
        }
    )


# The document is read once, from an app that never opens its database; requests go to the
# app of the fixture below, on the seeded database. (schemathesis's lazy loader,
# `schemathesis.pytest.from_fixture`, fails on pytest 9.2: it sets `Node._nodeid`.)
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", create_app("sqlite://"), config=_config())
# What the seeded database holds, for the hook below (it runs while examples are generated).
STORED: dict[str, list[str | int]] = {}


@SCHEMA.hook("flatmap_path_parameters")
def existing_things_too(_context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Half of the time, path parameters that name something stored."""
    known = {n: st.sampled_from(STORED[n]) for n in path_parameters or {} if n in STORED}
    if path_parameters is None or not known:
        return st.just(path_parameters)
    stored = st.fixed_dictionaries(known).map(lambda found: {**path_parameters, **found})
    return st.one_of(st.just(path_parameters), stored)


@dataclass
class World:
    """The app on a seeded database, and what was seeded."""

    app: FastAPI
    sessions: sessionmaker[Session]
    directory: Path
    scene: FuzzScene

    def seed(self) -> None:
        self.scene = seed(self.sessions, self.directory)
        STORED.clear()
        STORED.update(self.scene.known)

    def is_seeded(self) -> bool:
        with self.sessions() as session:
            return session.get(StaffUser, f"fuzz-{ROLES[0]}") is not None


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One app and database per back end, shared by all operations."""
    directory = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        shutil.copy(sqlite_template, directory / "loket.db")
        url = f"sqlite:///{directory / 'loket.db'}"
    else:
        engine = request.getfixturevalue("postgres_engine")
        reset_data(engine)
        url = engine.url.render_as_string(hide_password=False)
    app = create_app(url)
    world = World(app, app.state.sessions, directory, FuzzScene())
    world.seed()
    yield world
    app.state.engine.dispose()


@pytest.fixture
def seeded_world(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The world in demo mode (the `X-Demo-Citizen` header stands in for a citizen's login),
    seeded again when a test run in between emptied the database: under pytest-xdist other
    tests share the worker's PostgreSQL database."""
    if not world.is_seeded():
        world.seed()
    STORED.clear()
    STORED.update(world.scene.known)
    monkeypatch.setenv("LOKET_DEMO_MODE", "1")
    get_settings.cache_clear()
    yield world
    get_settings.cache_clear()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def identities(case: Any, scene: FuzzScene) -> Iterator[dict[str, str]]:
    """The headers of each caller who tries this request: every staff role where the operation
    takes a staff token; a citizen (and a staff token, which is no citizen session) on /me."""
    if case.operation.definition.raw.get("security"):
        for role in ROLES:
            yield bearer(scene.tokens[role])
    elif case.operation.path.startswith("/api/v1/me/"):
        yield {"X-Demo-Citizen": scene.citizen}
        yield bearer(scene.tokens["case-worker"])
    else:
        yield {}


@SCHEMA.parametrize()
# `seeded_world` is meant to run once per operation, not once per example.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_answer_is_documented_and_none_is_a_server_error(
    case: Any, seeded_world: World
) -> None:
    for headers in identities(case, seeded_world.scene):
        case.call_and_validate(headers=headers, checks=CHECKS, app=seeded_world.app)


def test_the_fuzzers_callers_are_signed_in(seeded_world: World) -> None:
    """Without this, a fuzz run whose tokens stopped working would still pass: every answer
    would be a documented 401."""
    scene = seeded_world.scene
    with TestClient(seeded_world.app) as client:
        for role in ROLES:
            answer = client.get("/api/v1/authorisations", headers=bearer(scene.tokens[role]))
            expected = 200 if role in ("privacy-officer", "admin") else 403
            assert answer.status_code == expected, (role, answer.text)
        mine = client.get("/api/v1/me/access-log", headers={"X-Demo-Citizen": scene.citizen})
        assert mine.status_code == 200, mine.text
        assert [line["purpose"] for line in mine.json()] == ["leefloon-eligibility"]
