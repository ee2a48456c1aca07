"""Bearer tokens for the API client: a static token, or OAuth 2.0 client credentials."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

import requests

from badgegate.client.errors import (
    ProtocolError,
    Unauthorized,
    body_summary,
    excerpt,
    unreachable_error,
)
from badgegate.errors import ExitCode
from badgegate.secret import Secret
from badgegate.transport import Transport, curl_command, redact, register_secret

# Refresh a token this long before the engine says it expires (at most a tenth of its life).
EXPIRY_MARGIN = 5.0


class TokenSource(Protocol):
    """Where the client's bearer token comes from."""

    def token(self) -> str:
        """The current access token (fetched or refreshed when needed)."""

    def invalidate(self) -> bool:
        """Forget the current token; return whether a fresh one can be obtained."""

    def describe(self) -> str:
        """A short description without any secret, for reprs."""


class StaticToken:
    """A token given by the user; it cannot be refreshed."""

    def __init__(self, token: str | Secret) -> None:
        self._token = Secret(token)
        register_secret(self._token)

    def token(self) -> str:
        """Return the token."""
        return self._token.reveal()

    def invalidate(self) -> bool:
        """A static token cannot be replaced: always ``False``."""
        return False

    def describe(self) -> str:
        """``static token``."""
        return "static token"


class ClientCredentials:
    """OAuth 2.0 client credentials grant with HTTP Basic client authentication.

    The token is fetched on first use, cached until shortly before it expires, and replaced
    when :meth:`invalidate` is called (the client does so once after a 401).
    """

    def __init__(
        self,
        transport: Transport,
        token_url: str,
        client_id: str,
        client_secret: str | Secret,
        scopes: Sequence[str],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client_secret = Secret(client_secret)
        register_secret(self._client_secret)
        self._transport = transport
        self.token_url = token_url
        self.client_id = client_id
        self.scopes = tuple(scopes)
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Secret | None = None
        self._expires_at = 0.0
        self.granted_scopes: tuple[str, ...] = ()

    def describe(self) -> str:
        """``client credentials of 'id' at URL``."""
        return f"client credentials of {self.client_id!r} at {redact(self.token_url)}"

    def token(self) -> str:
        """Return a valid access token, fetching a new one when none is cached or it expired."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                self._fetch()
            assert self._token is not None
            return self._token.reveal()

    def invalidate(self) -> bool:
        """Forget the cached token so the next call fetches a new one."""
        with self._lock:
            self._token = None
        return True

    def _fetch(self) -> None:
        form = {"grant_type": "client_credentials", "scope": " ".join(self.scopes)}
        try:
            response = self._transport.send(
                "POST",
                self.token_url,
                data=form,
                auth=(self.client_id, self._client_secret.reveal()),
                headers={"Accept": "application/json"},
                idempotent=True,
            )
        except requests.RequestException as error:
            raise unreachable_error(
                error, base_url=self.token_url, method="POST", url=self.token_url
            ) from None
        body = self._token_body(response)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise ProtocolError(
                f"token endpoint {redact(self.token_url)} answered without an access_token"
            )
        register_secret(token)
        lifetime = body.get("expires_in")
        self._token = Secret(token)
        self._expires_at = self._expiry(lifetime)
        self.granted_scopes = tuple(str(body.get("scope") or "").split())

    def _expiry(self, lifetime: object) -> float:
        if not isinstance(lifetime, (int, float)) or isinstance(lifetime, bool):
            return float("inf")
        margin = min(EXPIRY_MARGIN, lifetime / 10)
        return self._clock() + lifetime - margin

    def _token_body(self, response: requests.Response) -> dict[str, object]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code == 200 and isinstance(body, dict):
            return body
        if response.status_code in (400, 401) and isinstance(body, dict):
            raise self._refused(response, body)
        raise ProtocolError(
            f"token endpoint {redact(self.token_url)} answered {response.status_code} with "
            f"{body_summary(response)}; expected a JSON token response"
        )

    def _refused(self, response: requests.Response, body: dict[str, object]) -> Unauthorized:
        code = body.get("error", "unknown error")
        description = body.get("error_description")
        detail = f"{code} ({description})" if description else str(code)
        message = redact(
            f"token endpoint {self.token_url} refused client {self.client_id!r}: {detail}; "
            "check BADGEGATE_CLIENT_ID / BADGEGATE_CLIENT_SECRET and the scopes it may request"
        )
        error = Unauthorized(
            message,
            status=response.status_code,
            method="POST",
            url=redact(self.token_url),
            description=redact(str(detail)),
            excerpt=excerpt(response),
            exit_code=ExitCode.USAGE,  # refused client credentials are a configuration error
        )
        error.reproduction = curl_command(response.request)
        return error
