"""Typed errors of the API client, built from Imsx_StatusInfo bodies and transport failures."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import requests

from badgegate.errors import BadgegateError, ExitCode, TargetUnreachable
from badgegate.transport import curl_command, redact
from badgegate.transport.failures import failure_kind

EXCERPT_LIMIT = 500
START_HINT = "start it with `badgegate engine serve` or set BADGEGATE_ENGINE_URL"


class EngineError(BadgegateError):
    """Anything that went wrong talking to a badge-engine.

    ``reproduction`` is a ``curl`` command reproducing the request (secrets masked), when known.
    """

    reproduction: str | None = None


class EngineHTTPError(EngineError):
    """The engine answered with an error status (4xx/5xx).

    Carries the status, the Imsx_StatusInfo codes (``None`` when the body is not one), the
    request (method and redacted URL) and an excerpt of the response body (redacted);
    ``status_info`` is the parsed Imsx_StatusInfo itself.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        method: str,
        url: str,
        code_major: str | None = None,
        code_minor: str | None = None,
        description: str | None = None,
        excerpt: str = "",
        status_info: dict[str, Any] | None = None,
        exit_code: ExitCode | None = None,
    ) -> None:
        super().__init__(message, exit_code=exit_code)
        self.status = status
        self.method = method
        self.url = url
        self.code_major = code_major
        self.code_minor = code_minor
        self.description = description
        self.excerpt = excerpt
        self.status_info = status_info

    @property
    def is_imsx(self) -> bool:
        """True when the error body was an Imsx_StatusInfo."""
        return self.code_major is not None


class InvalidRequest(EngineHTTPError):
    """400: the engine refused the request's data or query parameters."""


class Unauthorized(EngineHTTPError):
    """401: no token, an invalid or expired token, or refused client credentials."""


class Forbidden(EngineHTTPError):
    """403: the token lacks the scope the operation needs."""


class NotFound(EngineHTTPError):
    """404: no such record (in this tenant) or no such endpoint."""


class ServerError(EngineHTTPError):
    """5xx: the engine failed."""


class EngineUnreachable(EngineError, TargetUnreachable):
    """The engine could not be reached: refused, timed out, DNS or TLS failure (exit 3)."""


class ProtocolError(EngineError):
    """The engine answered something the API does not allow: not JSON, wrong shape, bad paging."""


_HINTS = {
    400: "",
    401: "; check BADGEGATE_ENGINE_TOKEN, or BADGEGATE_CLIENT_ID / BADGEGATE_CLIENT_SECRET",
    403: "; the token was not granted the scope this call needs",
    404: "",
}
_CLASSES: dict[int, type[EngineHTTPError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
}


def operation_name(method: str, url: str, base_url: str) -> str:
    """``GET /credentials?limit=5`` for a URL under ``base_url``, else method and full URL."""
    parts = urllib.parse.urlsplit(url)
    base_path = urllib.parse.urlsplit(base_url).path.rstrip("/")
    if url.startswith(base_url.rstrip("/")) and parts.path.startswith(base_path):
        query = f"?{parts.query}" if parts.query else ""
        return redact(f"{method} {parts.path[len(base_path) :] or '/'}{query}")
    return f"{method} {redact(url)}"


def body_summary(response: requests.Response) -> str:
    """``text/html, 1,234 bytes`` for a response body."""
    content_type = response.headers.get("Content-Type", "no content type").split(";")[0]
    return f"{content_type}, {len(response.content):,} bytes"


def excerpt(response: requests.Response) -> str:
    """The start of the response body as text, redacted, at most ``EXCERPT_LIMIT`` characters."""
    text = response.content[:EXCERPT_LIMIT].decode("utf-8", errors="replace")
    return redact(text)


def parse_imsx(response: requests.Response) -> dict[str, Any] | None:
    """The response's Imsx_StatusInfo, or ``None`` when the body is not one."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("imsx_codeMajor"), str):
        return None
    return body


def imsx_minor(status_info: dict[str, Any]) -> str | None:
    """The first ``imsx_codeMinorFieldValue`` of an Imsx_StatusInfo, if any."""
    fields = (status_info.get("imsx_codeMinor") or {}).get("imsx_codeMinorField") or []
    for field in fields:
        if isinstance(field, dict) and isinstance(field.get("imsx_codeMinorFieldValue"), str):
            return str(field["imsx_codeMinorFieldValue"])
    return None


def http_error(
    response: requests.Response, *, base_url: str, scope: str | None = None
) -> EngineHTTPError:
    """Build the typed error for an error response of the engine."""
    request = response.request
    method = (request.method or "GET").upper()
    url = request.url or ""
    operation = operation_name(method, url, base_url)
    status = response.status_code
    status_info = parse_imsx(response)
    cls = _CLASSES.get(status, ServerError if status >= 500 else EngineHTTPError)
    if status_info is None:
        code_major = code_minor = description = None
        detail = f"the body is not an Imsx_StatusInfo ({body_summary(response)})"
    else:
        code_major = str(status_info["imsx_codeMajor"])
        code_minor = imsx_minor(status_info)
        description = status_info.get("imsx_description")
        detail = str(description or "no description")
    minor = f" {code_minor}" if code_minor else ""
    hint = _HINTS.get(status, "")
    if status == 403 and scope:
        hint = f"; the token was not granted {scope}, which this call needs"
    message = redact(f"engine answered {status}{minor} to {operation}: {detail}{hint}")
    error = cls(
        message,
        status=status,
        method=method,
        url=redact(url),
        code_major=code_major,
        code_minor=code_minor,
        description=redact(description) if description else None,
        excerpt=excerpt(response),
        status_info=status_info,
    )
    error.reproduction = curl_command(request)
    return error


def unreachable_error(
    error: requests.RequestException, *, base_url: str, method: str, url: str
) -> EngineUnreachable:
    """Describe why the engine at ``base_url`` could not be reached, and how to fix it."""
    operation = operation_name(method, url, base_url)
    where = f"engine at {redact(base_url)}"
    what = failure_kind(error)
    if isinstance(error, requests.exceptions.SSLError):
        hint = "set BADGEGATE_CA_BUNDLE to the CA that signed its certificate"
    elif isinstance(error, requests.exceptions.ReadTimeout):
        hint = "it may be overloaded; try again later or raise the timeout"
    else:
        hint = START_HINT
    message = f"{where} {what} ({operation}); {hint}"
    unreachable = EngineUnreachable(redact(message))
    if error.request is not None and isinstance(error.request, requests.PreparedRequest):
        unreachable.reproduction = curl_command(error.request)
    return unreachable
