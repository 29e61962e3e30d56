"""Error bodies of the API: `{"detail": {"error": code, "message": text, ...}}`."""

from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from loket.web.api.schemas import ErrorBody, InvalidRequestBody


def api_error(
    status: int,
    error: str,
    message: str,
    parameter: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HTTPException:
    """An HTTPException with the API's error body; the message is prefixed with the parameter
    when it does not name it already."""
    if parameter is not None and not message.startswith(f"{parameter}:"):
        message = f"{parameter}: {message}"
    detail = {"error": error, "message": message, "parameter": parameter, **extra}
    return HTTPException(status_code=status, detail=detail, headers=headers)


# Codes for the errors Starlette and FastAPI raise themselves, before a route runs.
_PLAIN_ERRORS = {
    400: "malformed-request",
    404: "not-found",
    405: "method-not-allowed",
}


def in_api_shape(error: StarletteHTTPException) -> StarletteHTTPException:
    """The error with the API's error body: FastAPI answers a body it cannot parse (JSON that
    is not UTF-8, a broken multipart form) with a bare string, which no client can tell from
    another error by its code."""
    if isinstance(error.detail, dict):
        return error
    detail = {
        "error": _PLAIN_ERRORS.get(error.status_code, "error"),
        "message": str(error.detail),
        "parameter": "body" if error.status_code == 400 else None,
    }
    return HTTPException(error.status_code, detail, error.headers)


def _parameter(location: tuple[int | str, ...]) -> tuple[str, str]:
    where = str(location[0]) if location else "body"
    name = ".".join(str(part) for part in location[1:]) or where
    return where, name


async def invalid_request(_request: Request, error: Exception) -> JSONResponse:
    """422 for parameters and bodies that do not have the declared shape.

    The input values are left out of the answer: it never repeats what a client sent.
    """
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        where, name = _parameter(tuple(item.get("loc", ())))
        problems.append({"parameter": name, "location": where, "message": str(item["msg"])})
    message = "; ".join(f"{p['parameter']}: {p['message']}" for p in problems)
    body = {
        "detail": {
            "error": "invalid-parameter",
            "message": message or "the request is not valid",
            "parameter": problems[0]["parameter"] if problems else None,
            "problems": problems,
        }
    }
    return JSONResponse(body, status_code=422)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI descriptions of the error answers a route gives."""
    described: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        model = InvalidRequestBody if status == 422 else ErrorBody
        described[status] = {"model": model}
    return described
