"""The HTTP service: ``create_app(store, settings)`` builds the FastAPI app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
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
    sparql,
    stats,
    works,
)
from cuegraph.config import Settings
from cuegraph.store import Store

__all__ = ["create_app"]


def create_app(store: Store, settings: Settings | None = None, *,
               close_store: bool = False) -> FastAPI:
    """Build the app around an open store.

    Args:
        store: the store to serve (the app never opens another).
        settings: service settings (time limits, tokens); defaults from the environment.
        close_store: close the store when the app shuts down.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from cuegraph.api.sparql_exec import executor_for

        executor = executor_for(app)
        await executor.start()  # query workers ready before the first query
        if executor.pool is not None:  # /health answers from memory from the start
            from cuegraph.engine.summary import summary_for

            await summary_for(app).triples()
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
    )

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="cuegraph API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon.png")

    app.state.store = store
    app.state.settings = settings
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                       allow_headers=["*"])
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(sparql.router)
    for router in (scene.router, composers.router, works.router, stats.router,
                   conflicts.router, pages.router):
        app.include_router(router)
    app.include_router(exports.router)
    app.include_router(identify.router)
    return app
