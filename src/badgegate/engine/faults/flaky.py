"""The ``flaky`` fault: every fourth request fails, alternately with 503 and a connection reset.

The sequence is deterministic (request 4, 12, 20 … answer 503 with ``Retry-After: 0``;
request 8, 16, 24 … have their connection reset), so tests can rely on it.
"""

from __future__ import annotations

import itertools
import socket
import struct
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from badgegate.engine.wire.imsx import ApiError, error_response

PERIOD = 4


class FlakyMiddleware:
    """Wraps the engine so that one request in :data:`PERIOD` fails."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._counter = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or fail it as the sequence says."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        number = next(self._counter)
        if number % PERIOD:
            await self.app(scope, receive, send)
        elif number % (2 * PERIOD) and _reset_connection(receive):
            await _wait_for_disconnect(receive)
        else:
            busy = ApiError(503, "server busy, retry later", headers={"Retry-After": "0"})
            await error_response(busy)(scope, receive, send)


def _reset_connection(receive: Receive) -> bool:
    """Abort the connection with a TCP reset; ``False`` when the server gives no transport."""
    transport: Any = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is None:
        return False
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    return True


async def _wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
