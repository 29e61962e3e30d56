"""Text with a NUL character is refused at the door of the API, with 422 naming the parameter.

No text loket keeps may hold U+0000: PostgreSQL cannot store it in a text column (the request
would end in a server error there, and be stored on SQLite), and no name, address or note needs
it. Files are bytes, not text, and are not looked at here.
"""

import json
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile

from loket.web.api.errors import api_error

NUL = "\x00"


def _nul_paths(value: Any, path: str) -> Iterator[str]:
    """The dotted paths of the strings (and keys) in a JSON value that contain NUL."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                yield where
            yield from _nul_paths(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}.{index}" if path else str(index))


def _query_names(dependant: Dependant) -> Iterator[str]:
    """The query parameters a route declares, also through its dependencies."""
    yield from (field.alias for field in dependant.query_params)
    for dependency in dependant.dependencies:
        yield from _query_names(dependency)


async def _offending_parameter(request: Request) -> str | None:
    for name, value in request.path_params.items():
        if NUL in str(value):
            return str(name)
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return None
    declared = set(_query_names(route.dependant))
    for name, value in request.query_params.multi_items():
        if name in declared and NUL in value:
            return name
    if route.body_field is None:
        return None  # whatever body came with the request, the route does not read it
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        # Already parsed by FastAPI for the route; this is its cached form.
        for name, value in (await request.form()).multi_items():
            text = (value.filename or "") if isinstance(value, UploadFile) else value
            if NUL in text:
                return name
    else:
        body = await request.body()
        # JSON can only carry NUL escaped; a body without the escape needs no parsing.
        if b"\\u0000" in body:
            return next(_nul_paths(json.loads(body), ""), None)
    return None


async def refuse_nul_characters(request: Request) -> None:
    """422 for a path, query or body parameter with a NUL character in it."""
    parameter = await _offending_parameter(request)
    if parameter is not None:
        message = "contains a NUL character (U+0000), which no text may hold"
        raise api_error(422, "invalid-parameter", message, parameter or "body")
