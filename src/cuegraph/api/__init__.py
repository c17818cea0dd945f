"""The HTTP service: ``create_app(store, settings)`` builds the FastAPI app."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from cuegraph import __version__
from cuegraph.api.errors import install_error_handlers
from cuegraph.api.routes import (
    composers,
    conflicts,
    exports,
    health,
    identify,
    pages,
    scene,
    stats,
    works,
)
from cuegraph.api.routes import sparql as sparql_routes
from cuegraph.api.security import (
    RequestDeadline,
    SecurityHeaders,
    SplitCORS,
    inline_script_csp,
)
from cuegraph.api.sparql.fast import SparqlFastPath
from cuegraph.config import Settings
from cuegraph.store import Store

__all__ = ["create_app"]

# FastAPI's OpenTelemetry hooks (newer FastAPI releases) look up the global providers on every
# request (measured: about 7 % of an `ASK {}`'s time in the app); cuegraph exports none
_NO_TELEMETRY: dict[str, Any] = (
    {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
    if "telemetry" in inspect.signature(FastAPI.__init__).parameters
    else {}
)


def create_app(store: Store, settings: Settings, *, close_store: bool = False) -> FastAPI:
    """Build the app around an open store.

    Args:
        store: the store to serve (the app never opens another).
        settings: service settings (time limits, tokens, CORS origins), read by the caller
            (``cuegraph serve``: :func:`cuegraph.config.from_environment`, once); the app
            never reads the environment.
        close_store: close the store when the app shuts down.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from cuegraph.engine.executor import executor_for

        executor = executor_for(app)
        try:  # query workers ready before the first query (on a very busy machine, soon)
            await asyncio.wait_for(executor.start(), 15)
        except TimeoutError:
            pass
        from cuegraph.api.summary import summary_for

        if summary_for(app).cached:  # /health answers from memory from the start
            app.state.precount = asyncio.ensure_future(summary_for(app).triples())
        yield
        executor.close()
        if close_store:
            store.close()

    app = FastAPI(
        title="cuegraph",
        version=__version__,
        description="Who composed the music in anime, films and games, down to the scene.",
        lifespan=lifespan,
        docs_url=None,  # served below from vendored files: no CDN
        redoc_url=None,
        **_NO_TELEMETRY,
    )

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="cuegraph API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon.png",
        )
        # the page's one inline script (Swagger UI's set-up) is allowed by its hash
        page.headers["Content-Security-Policy"] = inline_script_csp(bytes(page.body).decode())
        return page

    app.state.store = store
    app.state.settings = settings
    # pure ASGI (no BaseHTTPMiddleware): open CORS except /sparql/update, security headers,
    # a deadline on reading request bodies (the outermost)
    # GET/POST /sparql answered without FastAPI's routing, inside the middleware below
    app.add_middleware(SparqlFastPath)
    app.add_middleware(
        SplitCORS,
        update_origins=[o.strip() for o in settings.update_origins.split(",") if o.strip()],
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestDeadline, seconds=settings.body_timeout)
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(sparql_routes.router)
    for router in (
        scene.router,
        composers.router,
        works.router,
        stats.router,
        conflicts.router,
        pages.router,
    ):
        app.include_router(router)
    app.include_router(exports.router)
    app.include_router(identify.router)
    return app
