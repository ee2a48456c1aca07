"""One-line ``curl`` reproductions of requests, with every secret masked."""

from __future__ import annotations

import shlex

from requests import PreparedRequest

from badgegate.transport.redaction import redact, redact_headers

# Headers curl sets by itself or that would make the reproduction lie about its body.
_OMITTED_HEADERS = frozenset({"content-length", "connection", "accept-encoding"})


def curl_command(request: PreparedRequest) -> str:
    """Return a shell command reproducing ``request`` with ``curl``, secrets masked.

    Authorization values keep their scheme (``Authorization: Bearer ***``) so a reader sees
    which credentials to supply; a body that is not UTF-8 text is left out with a note.
    """
    method = (request.method or "GET").upper()
    parts = ["curl", "-X", method, shlex.quote(redact(request.url or ""))]
    for name, value in redact_headers(request.headers).items():
        if name.lower() not in _OMITTED_HEADERS:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    body = _body_text(request.body)
    if body is not None:
        parts += ["--data-raw", shlex.quote(redact(body))]
    elif request.body is not None:
        parts.append("# (binary or streamed body left out)")
    return " ".join(parts)


def _body_text(body: object) -> str | None:
    if isinstance(body, str):
        return body
    if isinstance(body, bytes):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None
