"""The engine's ASGI application: routers, the Imsx error handlers and the method guard.

FastAPI's own 404/405/422 answers are replaced: an unknown path is a 404, a known path with
an undocumented method a 405 whose ``Allow`` lists exactly the documented methods (HEAD and
OPTIONS included in neither), and any validation error a 400; all with Imsx bodies.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from badgegate.engine.context import API_BASE, EngineContext, EngineSettings
from badgegate.engine.faults.catalogue import (
    FLAKY,
    HEADER_FAULTS,
    NON_IMSX_ERROR,
    UNSUPPORTED_METHOD_404,
)
from badgegate.engine.faults.flaky import FlakyMiddleware
from badgegate.engine.faults.header_faults import HeaderFaultsMiddleware
from badgegate.engine.routes import ext_routes, oauth_routes, ob3_routes, state_routes
from badgegate.engine.variants import PLAIN
from badgegate.engine.wire.imsx import ApiError, error_response

logger = logging.getLogger("badgegate.engine")
PathTable = list[tuple[re.Pattern[str], tuple[str, ...]]]


def create_app(settings: EngineSettings) -> ASGIApp:
    """Build the engine application for ``settings`` (the store opens at startup)."""
    context = EngineContext(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await context.close()

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.engine = context
    mounted = _routers(settings)
    for prefix, router in mounted:
        app.include_router(router, prefix=prefix)
    _install_error_handlers(app, imsx=NON_IMSX_ERROR not in settings.faults)
    guarded: ASGIApp = MethodGuard(
        app,
        _path_table(mounted),
        imsx=NON_IMSX_ERROR not in settings.faults,
        plain_404=UNSUPPORTED_METHOD_404 in settings.faults,
    )
    if settings.faults & HEADER_FAULTS:
        guarded = HeaderFaultsMiddleware(guarded, settings.faults)
    if FLAKY in settings.faults:
        guarded = FlakyMiddleware(guarded)
    return guarded


def _routers(settings: EngineSettings) -> list[tuple[str, APIRouter]]:
    """The routers to mount, with their prefixes (the plain variant: OB 3.0's alone)."""
    plain = PLAIN in settings.variants
    mounted: list[tuple[str, APIRouter]] = [(API_BASE, ob3_routes.router)]
    if not plain:
        mounted.append((API_BASE, ext_routes.router))
    mounted.append((API_BASE, oauth_routes.router))
    if settings.test_endpoints and not plain:
        mounted.append(("", state_routes.router))
    return mounted


def _path_table(mounted: list[tuple[str, APIRouter]]) -> PathTable:
    methods: dict[str, set[str]] = {}
    for prefix, router in mounted:
        for route in router.routes:
            path = prefix + getattr(route, "path", "")
            methods.setdefault(path, set()).update(getattr(route, "methods", ()) or ())
    table = []
    for path, allowed in methods.items():
        pattern = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(path))
        table.append((re.compile(pattern), tuple(sorted(allowed - {"HEAD", "OPTIONS"}))))
    return table


class MethodGuard:
    """Answers 404 for unknown paths and 405 (with ``Allow``) for undocumented methods."""

    def __init__(
        self, app: ASGIApp, table: PathTable, *, imsx: bool, plain_404: bool = False
    ) -> None:
        self.app = app
        self.table = table
        self.imsx = imsx
        # The unsupported-method-404 fault: an unsupported method gets a plain-text 404.
        self.plain_404 = plain_404

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route the request on, or answer 404/405 before the framework sees it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        allowed = [methods for pattern, methods in self.table if pattern.fullmatch(path)]
        if not allowed:
            error = ApiError(404, f"no resource at {path[:200]}")
        elif not any(method in methods for methods in allowed) and self.plain_404:
            await PlainTextResponse("Not Found", 404)(scope, receive, send)
            return
        elif not any(method in methods for methods in allowed):
            documented = sorted({name for methods in allowed for name in methods})
            error = ApiError(
                405, f"method {method} not allowed", headers={"Allow": ", ".join(documented)}
            )
        else:
            await self.app(scope, receive, send)
            return
        await error_response(error, imsx=self.imsx)(scope, receive, send)


def _install_error_handlers(app: FastAPI, *, imsx: bool) -> None:
    async def on_api_error(_request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        return error_response(error, imsx=imsx)

    async def on_http_error(_request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        headers = dict(error.headers or {})
        return error_response(
            ApiError(error.status_code, str(error.detail), headers=headers), imsx=imsx
        )

    async def on_validation_error(_request: Request, error: Exception) -> Response:
        return error_response(ApiError(400, f"invalid request: {str(error)[:300]}"), imsx=imsx)

    async def on_unexpected(_request: Request, error: Exception) -> Response:
        logger.exception("unexpected error", exc_info=error)
        return error_response(ApiError(500, "internal server error"), imsx=imsx)

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
