"""The FastAPI application: the JSON API under /api/v1, /openapi.json, /docs and the pages."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from loket import __version__
from loket.settings import get_settings
from loket.store.engine import make_engine, session_factory
from loket.web import api
from loket.web.api.errors import invalid_request
from loket.web.pages import home, login, my
from loket.web.pages.errors import page_or_api_error
from loket.web.pages.rendering import TEMPLATES

DESCRIPTION = """One front door for citizens and one back-office network for Belgian public
services. Staff operations need the API token printed by `loket user add`, sent as
`Authorization: Bearer <token>`."""


# The HTML pages, in the order their paths are matched.
PAGE_ROUTERS = [home.router, login.router, my.router]


def create_app(database_url: str | None = None) -> FastAPI:
    """The application on `database_url` (LOKET_DATABASE_URL by default)."""
    engine = make_engine(database_url or get_settings().database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
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
    app.add_exception_handler(StarletteHTTPException, page_or_api_error)
    app.middleware("http")(no_sniffing)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=TEMPLATES.parent / "static"), name="static")
    for pages in PAGE_ROUTERS:
        app.include_router(pages)
    return app


async def no_sniffing(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Browsers must take JSON for JSON: text a client sent is never run as a page."""
    response = await call_next(request)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
