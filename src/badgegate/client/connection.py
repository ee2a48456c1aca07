"""One authenticated connection to a badge-engine: calls, error mapping, JSON bodies and pages."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from badgegate import json_text
from badgegate.client.auth import TokenSource
from badgegate.client.errors import (
    ProtocolError,
    body_summary,
    http_error,
    operation_name,
    unreachable_error,
)
from badgegate.client.paging import Page, parse_link_header, parse_total, walk_pages
from badgegate.client.results import UpsertResult
from badgegate.errors import ConfigError
from badgegate.transport import Transport, redact

logger = logging.getLogger("badgegate.http")

Record = dict[str, Any]
RUN_HEADER = "X-Badgegate-Run"
_RUN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def check_run_id(run_id: str) -> str:
    """Return ``run_id`` if the engine accepts it (1..128 of ``[A-Za-z0-9._:-]``), else raise."""
    if not _RUN_ID.fullmatch(run_id):
        raise ConfigError(
            f"run id {run_id!r} is not valid; "
            "use 1 to 128 characters of letters, digits and . _ : -"
        )
    return run_id


class EngineConnection:
    """Sends calls to the engine at ``base_url`` and turns answers into records or typed errors.

    Adds ``Accept: application/json``, the bearer token (refreshed once after a 401 when the
    token source can) and ``X-Badgegate-Run``; never follows redirects.
    """

    def __init__(
        self,
        base_url: str,
        transport: Transport,
        tokens: TokenSource | None,
        *,
        timeout: float,
        retries: int,
    ) -> None:
        self.base_url = base_url
        self.transport = transport
        self.tokens = tokens
        self.timeout = timeout
        self.retries = retries

    def request(
        self,
        method: str,
        target: str,
        *,
        scope: str | None = None,
        authenticate: bool = True,
        run_id: str | None = None,
        idempotent: bool = False,
        headers: Mapping[str, str] | None = None,
        **request_args: Any,
    ) -> requests.Response:
        """Send one call to ``target`` (a path under the base URL, or an absolute URL).

        Raises the typed :class:`EngineHTTPError` for 4xx/5xx (naming ``scope`` on a 403),
        :class:`EngineUnreachable` when the engine cannot be reached, and
        :class:`ProtocolError` for a redirect.
        """
        url = target if target.startswith(("http://", "https://")) else self.base_url + target
        all_headers = {"Accept": "application/json", **(headers or {})}
        if run_id is not None:
            all_headers[RUN_HEADER] = check_run_id(run_id)
        for attempt in range(2):
            if authenticate and self.tokens is not None:
                all_headers["Authorization"] = f"Bearer {self.tokens.token()}"
            response = self._send(method, url, all_headers, idempotent, request_args)
            if response.status_code != 401 or attempt or not self._may_refresh(authenticate):
                break
            logger.info("%s %s answered 401; fetching a new token", method, redact(url))
        if response.status_code >= 400:
            raise http_error(response, base_url=self.base_url, scope=scope)
        if 300 <= response.status_code < 400 and response.status_code != 304:
            raise self.unexpected(response, "no redirect")
        return response

    def _may_refresh(self, authenticate: bool) -> bool:
        return authenticate and self.tokens is not None and self.tokens.invalidate()

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        idempotent: bool,
        request_args: dict[str, Any],
    ) -> requests.Response:
        try:
            return self.transport.send(
                method,
                url,
                headers=dict(headers),
                idempotent=idempotent,
                retries=self.retries,
                timeout=self.timeout,
                **request_args,
            )
        except requests.RequestException as error:
            raise unreachable_error(error, base_url=self.base_url, method=method, url=url) from None

    def json(self, response: requests.Response) -> Record:
        """The response body as a JSON object, or a :class:`ProtocolError` saying what came."""
        try:
            body = json_text.loads(response.content)
        except ValueError:
            raise self.unexpected(response, "application/json", what="a non-JSON body") from None
        if not isinstance(body, dict):
            raise self.unexpected(response, "a JSON object", what=f"a JSON {type(body).__name__}")
        return body

    def unexpected(
        self, response: requests.Response, expected: str, *, what: str | None = None
    ) -> ProtocolError:
        """A :class:`ProtocolError` for an answer the API does not allow here."""
        request = response.request
        operation = operation_name(request.method or "GET", request.url or "", self.base_url)
        shown = what or "an unexpected answer"
        location = response.headers.get("Location")
        detail = f"; Location: {redact(location)}" if location else ""
        return ProtocolError(
            f"engine answered {response.status_code} with {shown} ({body_summary(response)}) "
            f"to {operation}; expected {expected}{detail}"
        )

    def upsert(
        self, method: str, target: str, scope: str, run_id: str | None, **request_args: Any
    ) -> requests.Response:
        """Send an upsert (idempotent by the equality rule) and check its status is 201/200/304."""
        response = self.request(
            method, target, scope=scope, run_id=run_id, idempotent=True, **request_args
        )
        if response.status_code not in (200, 201, 304):
            raise self.unexpected(response, "201 created, 200 replaced or 304 unchanged")
        return response

    def upsert_record(
        self, method: str, target: str, scope: str, run_id: str | None, record: Any
    ) -> UpsertResult[Record]:
        """Upsert a JSON record; the stored record comes back on 201/200, nothing on 304."""
        response = self.upsert(method, target, scope, run_id, json=record)
        body = None if response.status_code == 304 else self.json(response)
        return UpsertResult(response.status_code, body)

    def page(
        self, target: str, member: str, scope: str, params: Mapping[str, Any] | None = None
    ) -> Page[Record]:
        """Fetch one page of a list endpoint whose records are in ``member``."""
        return self.read_page(self.fetch_page(target, scope, params), member)

    def fetch_page(
        self, target: str, scope: str, params: Mapping[str, Any] | None = None
    ) -> requests.Response:
        """Fetch one page of a list endpoint, unread (:meth:`read_page` reads it)."""
        query = {name: value for name, value in (params or {}).items() if value is not None}
        return self.request("GET", target, scope=scope, params=query or None)

    def read_page(self, response: requests.Response, member: str) -> Page[Record]:
        """A fetched page whose records are in ``member``, or the error saying what is wrong."""
        body = self.json(response)
        items = self._members(body, member, dict, response)
        jws: list[str] = []
        if member == "credential":
            jws = self._members(body, "compactJwsString", str, response)
        return Page(
            items=items,
            total=parse_total(response.headers.get("X-Total-Count")),
            links=parse_link_header(response.headers.get("Link")),
            compact_jws=jws,
            url=response.request.url or "",
        )

    def pages(
        self, target: str, member: str, scope: str, params: Mapping[str, Any]
    ) -> Iterator[Page[Record]]:
        """Every page of a list endpoint, from ``params`` on, following ``next`` links."""
        first = self.page(target, member, scope, params)
        return walk_pages(first, lambda url: self.page(url, member, scope), base_url=self.base_url)

    def _members(
        self, body: Record, member: str, kind: type, response: requests.Response
    ) -> list[Any]:
        values = body.get(member, [])
        if not isinstance(values, list) or not all(isinstance(item, kind) for item in values):
            expected = "objects" if kind is dict else "strings"
            raise self.unexpected(response, f"'{member}' to be an array of {expected}")
        return values
