"""The faults that damage response headers: content type, the Bearer challenge, ``Allow``.

They sit in one middleware around the whole application, so every answer (errors from the
method guard included) shows the defect the way a misconfigured proxy or framework would.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from badgegate.engine.faults.catalogue import (
    JSON_CONTENT_TYPE_LOST,
    NO_WWW_AUTHENTICATE,
    WRONG_ALLOW_HEADER,
)

Headers = list[tuple[bytes, bytes]]
#: What ``wrong-allow-header`` answers: every method of the API, whatever the path allows.
EVERY_METHOD = b"DELETE, GET, POST, PUT"


class HeaderFaultsMiddleware:
    """Rewrites the response headers as the active header faults say."""

    def __init__(self, app: ASGIApp, faults: frozenset[str]) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and rewrite the headers of its answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_rewritten(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = rewrite_headers(message["status"], message["headers"], self.faults)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_rewritten)


def rewrite_headers(status: int, headers: Headers, faults: frozenset[str]) -> Headers:
    """The headers of an answer with ``status`` as the header faults damage them."""
    rewritten: Headers = []
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"www-authenticate" and status == 401 and NO_WWW_AUTHENTICATE in faults:
            continue
        if lowered == b"allow" and status == 405 and WRONG_ALLOW_HEADER in faults:
            value = EVERY_METHOD
        if (
            lowered == b"content-type"
            and value.startswith(b"application/json")
            and JSON_CONTENT_TYPE_LOST in faults
        ):
            value = b"text/html; charset=utf-8"
        rewritten.append((name, value))
    return rewritten
