"""The FastAPI application: the JSON API under /api/v1, /openapi.json, /docs and the pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loket import __version__
from loket.settings import get_settings
from loket.store.engine import make_engine, session_factory
from loket.web import api
from loket.web.api.errors import in_api_shape, invalid_request
from loket.web.pages import (
    accessibility,
    contact,
    counter,
    home,
    login,
    mandates,
    my,
    privacy,
    requests,
    services,
    staff,
    staff_conflicts,
    staff_control,
    staff_dossier,
    staff_entitlements,
    staff_insight,
    staff_insight_divide,
    staff_outbox,
    staff_queue,
    verify,
)
from loket.web.pages.errors import page_or_api_error
from loket.web.pages.rendering import TEMPLATES

DESCRIPTION = """One front door for citizens and one back-office network for Belgian public
services. Staff operations need the API token printed by `loket user add`, sent as
`Authorization: Bearer <token>`."""


# The HTML pages, in the order their paths are matched.
PAGE_ROUTERS = [
    home.router,
    login.router,
    contact.router,
    mandates.router,
    accessibility.router,
    my.router,
    services.router,
    requests.router,
    staff.router,
    staff_dossier.router,
    staff_outbox.router,
    staff_entitlements.router,
    staff_control.router,
    staff_conflicts.router,
    staff_queue.router,
    staff_insight.router,
    staff_insight_divide.router,
    counter.router,
    privacy.router,
    verify.router,
]


def create_app(database_url: str | None = None) -> FastAPI:
    """The application on `database_url` (LOKET_DATABASE_URL by default)."""
    engine = make_engine(database_url or get_settings().database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Routes run in a thread pool; a few threads per worker keep the CPU busy without
        # making threads fight over the interpreter lock (AnyIO's default is 40).
        to_thread.current_default_thread_limiter().total_tokens = get_settings().web_threads
        yield
        engine.dispose()

    app = FastAPI(
        title="loket",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_middleware(NoSniffing)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=TEMPLATES.parent / "static"), name="static")
    for pages in PAGE_ROUTERS:
        app.include_router(pages)
    return app


async def http_error(request: Request, error: Exception) -> Response:
    """An error page, or on the API an error body of the documented shape."""
    assert isinstance(error, StarletteHTTPException)
    if request.url.path.startswith("/api/"):
        error = in_api_shape(error)
    return await page_or_api_error(request, error)


class NoSniffing:
    """Browsers must take JSON for JSON: text a client sent is never run as a page.

    A plain ASGI middleware (no per-request task or body copy, unlike `@app.middleware`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k != b"x-content-type-options"
                ]
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_header)
