"""The OpenAPI document at /openapi.json is valid and describes every operation."""

from pathlib import Path
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from schemathesis.core.result import Ok

from loket.web.app import create_app

OPERATIONS = {
    ("get", "/api/v1/health"),
    ("get", "/api/v1/route"),
    ("get", "/api/v1/dossiers/{reference}"),
    ("post", "/api/v1/citizens/{insz}/address"),
}
STAFF_ONLY = {("get", "/api/v1/dossiers/{reference}"), ("post", "/api/v1/citizens/{insz}/address")}


def openapi_document(tmp_path: Path) -> dict[str, Any]:
    # The document needs no database; the app is never asked to open one here.
    with TestClient(create_app(f"sqlite:///{tmp_path / 'unused.db'}")) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_openapi_document_is_valid(tmp_path: Path) -> None:
    validate(openapi_document(tmp_path))


def test_every_operation_is_described_with_its_answers(tmp_path: Path) -> None:
    document = openapi_document(tmp_path)
    found = {(method, path) for path, item in document["paths"].items() for method in item}
    assert found >= OPERATIONS
    for method, path in OPERATIONS:
        operation = document["paths"][path][method]
        assert operation["responses"], (method, path)
        assert "422" in operation["responses"] or path == "/api/v1/health"
        needs_token = (method, path) in STAFF_ONLY
        assert bool(operation.get("security")) == needs_token, (method, path)
        if needs_token:
            assert "401" in operation["responses"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["staffToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["staffToken"]["description"],
    }


def test_the_front_page_is_not_part_of_the_api(tmp_path: Path) -> None:
    assert "/" not in openapi_document(tmp_path)["paths"]


def test_schemathesis_reads_every_operation_without_a_warning(tmp_path: Path) -> None:
    """What the fuzzing in tests/web/test_api_fuzz.py relies on: every operation and every
    response schema resolves (no `$ref` to a missing component, no pattern it cannot use)."""
    document = openapi_document(tmp_path)
    schema = schemathesis.openapi.from_dict(document)
    assert [(w.kind, w.message) for w in schema.iter_schema_warnings()] == []
    loaded = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in loaded), loaded
    described = {(m.upper(), p) for p, item in document["paths"].items() for m in item}
    assert {(r.ok().method.upper(), r.ok().path) for r in loaded} == described
