"""Requests and responses of a check, recorded while it runs and attached when it fails.

:class:`ExchangeRecorder` listens to a ``requests`` session; :func:`exchange_document` turns one
response (and the request that got it) into evidence with credentials masked, which
:func:`~badgegate.report.evidence.attach_evidence` attaches with ``redact_fields`` redacted in
the bodies.
"""

from __future__ import annotations

import collections
import json
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import requests

from badgegate.config import HarnessConfig
from badgegate.report.evidence import attach_evidence
from badgegate.transport import redact, redact_headers

#: The most recent exchanges kept: the ones that led to a failure, not a whole walk of pages.
KEPT = 10
#: Characters of a body that is not JSON kept in the evidence.
TEXT_LIMIT = 20_000


class ExchangeRecorder:
    """Keeps the last :data:`KEPT` responses ``session`` receives while the recorder is open."""

    def __init__(self, session: requests.Session, *, config: HarnessConfig | None = None) -> None:
        self.session = session
        self.config = config
        self.responses: collections.deque[requests.Response] = collections.deque(maxlen=KEPT)

    def __enter__(self) -> ExchangeRecorder:
        self.session.hooks["response"].append(self._record)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.session.hooks["response"].remove(self._record)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.responses.append(response)

    def attach(self) -> None:
        """Attach each recorded exchange to the running Allure test, oldest first."""
        for number, response in enumerate(self.responses, 1):
            request = response.request
            path = urlsplit(request.url or "").path
            attach_evidence(
                f"request and response {number}: {request.method} {path} -> {response.status_code}",
                exchange_document(response),
                config=self.config,
            )


def exchange_document(response: requests.Response) -> dict[str, Any]:
    """``response`` and its request as evidence: credentials in headers and URL masked,
    JSON bodies as documents (so ``redact_fields`` applies to them), other bodies as text."""
    request = response.request
    return {
        "request": {
            "method": request.method,
            "url": redact(request.url or ""),
            "headers": redact_headers(dict(request.headers)),
            "body": _body(request.body),
        },
        "response": {
            "status": response.status_code,
            "headers": redact_headers(dict(response.headers)),
            "body": _body(response.content),
        },
    }


def _body(content: bytes | str | None) -> Any:
    if not content:
        return None
    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
    try:
        return json.loads(text)
    except ValueError:
        return redact(text[:TEXT_LIMIT])
