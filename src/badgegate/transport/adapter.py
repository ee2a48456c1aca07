"""The transport: one pooled ``requests.Session`` whose adapter applies every request policy.

Anything that sends through :attr:`Transport.session` — the API client, schemathesis
(``case.call(session=transport.session)``), ad-hoc probes — goes through :class:`PolicyAdapter`:
the write guard, default timeouts, TLS settings, the rate cap, retries with backoff, and
logging with secrets masked.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import requests
from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

from badgegate import __version__
from badgegate.config import HarnessConfig
from badgegate.transport.curl import curl_command
from badgegate.transport.failures import failure_kind
from badgegate.transport.guard import WriteGuard, effective_rate_limit, guard_for
from badgegate.transport.policies import (
    IDEMPOTENT_METHODS,
    RateLimiter,
    RetryPolicy,
    parse_retry_after,
)
from badgegate.transport.redaction import redact, register_secrets

logger = logging.getLogger("badgegate.http")

Timeout = float | tuple[float, float] | tuple[float, None] | None
_OPTIONS_ATTRIBUTE = "_badgegate_send_options"


class _SendOptions:
    """Per-request options the client attaches to a prepared request."""

    __slots__ = ("idempotent", "retries")

    def __init__(self, *, idempotent: bool, retries: int | None) -> None:
        self.idempotent = idempotent
        self.retries = retries


def mark_request(
    request: PreparedRequest, *, idempotent: bool = False, retries: int | None = None
) -> PreparedRequest:
    """Attach send options to ``request``: ``idempotent`` makes a POST retryable."""
    setattr(request, _OPTIONS_ATTRIBUTE, _SendOptions(idempotent=idempotent, retries=retries))
    return request


def _options(request: PreparedRequest) -> _SendOptions:
    found = getattr(request, _OPTIONS_ATTRIBUTE, None)
    return (
        found if isinstance(found, _SendOptions) else _SendOptions(idempotent=False, retries=None)
    )


def _discard(response: Response) -> None:
    """Release a response that is being retried, so its connection returns to the pool."""
    with contextlib.suppress(requests.RequestException):
        _ = response.content
    response.close()


class PolicyAdapter(HTTPAdapter):
    """An HTTP adapter applying the transport's policies to every request sent through it."""

    def __init__(self, transport: Transport, *, pool_size: int = 16) -> None:
        super().__init__(pool_connections=pool_size, pool_maxsize=pool_size)
        self._transport = transport

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: Timeout = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> Response:
        """Send ``request`` under the write guard, timeouts, TLS settings, rate cap and retries."""
        transport = self._transport
        method = (request.method or "GET").upper()
        transport.check_write(method, request.url or "")
        policy = transport.retry_policy_for(request)
        settings: dict[str, Any] = {
            "stream": stream,
            "timeout": timeout if timeout is not None else transport.timeout,
            "verify": transport.effective_verify(verify),
            "cert": cert,
            "proxies": proxies,
        }
        attempt = 0
        while True:
            transport.throttle()
            started = time.perf_counter()
            try:
                response = super().send(request, **settings)
            except (requests.ConnectionError, requests.Timeout) as error:
                if isinstance(error, requests.exceptions.SSLError) or attempt >= policy.retries:
                    _log_failure(request, error)
                    raise
                transport.wait_before_retry(
                    request, attempt, policy.delay(attempt), failure_kind(error)
                )
                attempt += 1
                continue
            _log_exchange(request, response, time.perf_counter() - started)
            if response.status_code not in policy.statuses or attempt >= policy.retries:
                return response
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            delay = policy.delay(attempt, retry_after=retry_after)
            _discard(response)
            transport.wait_before_retry(request, attempt, delay, f"status {response.status_code}")
            attempt += 1


def _log_exchange(request: PreparedRequest, response: Response, elapsed: float) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    url = redact(request.url or "")
    logger.debug(
        "%s %s -> %s in %.1f ms", request.method, url, response.status_code, elapsed * 1000
    )
    if response.status_code >= 400:
        logger.debug("reproduce with: %s", curl_command(request))


def _log_failure(request: PreparedRequest, error: Exception) -> None:
    logger.debug("%s %s failed: %s", request.method, redact(request.url or ""), redact(str(error)))


class _ConfiguredSession(requests.Session):
    """A session whose configured CA bundle beats ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE``.

    requests lets those variables override ``Session.verify`` whenever a call does not pass
    ``verify``; an explicit ``ca_bundle`` setting must win (a per-call ``verify`` still does).
    """

    def __init__(self, ca_bundle: str | None) -> None:
        super().__init__()
        self.ca_bundle = ca_bundle

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: Any,
        stream: Any,
        verify: Any,
        cert: Any,
    ) -> Any:
        """requests' merge, with the configured CA bundle in place of the environment's."""
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if self.ca_bundle and verify in (None, True):
            settings["verify"] = self.ca_bundle
        return settings


class Transport:
    """The one way badgegate sends HTTP: a pooled session with the policies of its adapter.

    ``write_guard`` is the extension point for read-only runs: a callable ``(method, url)``
    called before every request, that raises (preferably :class:`WriteRefused`) to stop it.
    """

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        rate_limit: float | None = None,
        write_guard: WriteGuard | None = None,
        ca_bundle: str | Path | None = None,
        verify_tls: bool = True,
        retry: RetryPolicy | None = None,
        secrets: Iterable[str | None] = (),
        pool_size: int = 16,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout: tuple[float, float] = (connect_timeout, read_timeout)
        self.rate_limiter = RateLimiter(rate_limit) if rate_limit else None
        self.write_guard = write_guard
        self.ca_bundle = str(ca_bundle) if ca_bundle else None
        self.verify_tls = verify_tls
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        register_secrets(secrets)
        self.session: requests.Session = _ConfiguredSession(self.ca_bundle)
        self.session.headers["User-Agent"] = f"badgegate/{__version__}"
        self.session.verify = self.effective_verify(True)
        adapter = PolicyAdapter(self, pool_size=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    @classmethod
    def from_config(cls, config: HarnessConfig, **overrides: Any) -> Transport:
        """Build a transport from a :class:`~badgegate.config.HarnessConfig` (read by name).

        On the ``staging`` profile it carries the staging write guard (token endpoint exempt)
        and a rate cap even when ``rate_limit`` is unset (see :mod:`badgegate.transport.guard`).
        """
        settings: dict[str, Any] = {
            "rate_limit": effective_rate_limit(config),
            "write_guard": guard_for(config),
            "ca_bundle": config.ca_bundle,
            "verify_tls": config.verify_tls,
            "secrets": config.secrets,
        }
        settings.update(overrides)
        return cls(**settings)

    def __repr__(self) -> str:
        return (
            f"Transport(timeout={self.timeout}, rate_limiter={self.rate_limiter!r}, "
            f"retries={self.retry.retries}, verify={self.effective_verify(True)!r}, "
            f"write_guard={'set' if self.write_guard else 'none'})"
        )

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool = False,
        retries: int | None = None,
        timeout: Timeout = None,
        allow_redirects: bool = False,
        **request_args: Any,
    ) -> Response:
        """Send one request through the session; ``idempotent=True`` makes a POST retryable.

        ``request_args`` are those of :class:`requests.Request` (``headers``, ``params``,
        ``json``, ``data``, ``auth``). Redirects are not followed unless asked for.
        """
        prepared = self.session.prepare_request(requests.Request(method, url, **request_args))
        mark_request(prepared, idempotent=idempotent, retries=retries)
        settings = self.session.merge_environment_settings(prepared.url, {}, False, None, None)
        return self.session.send(
            prepared, timeout=timeout, allow_redirects=allow_redirects, **settings
        )

    def check_write(self, method: str, url: str) -> None:
        """Run the write guard (if any) on a request about to be sent."""
        if self.write_guard is not None:
            self.write_guard(method, url)

    def effective_verify(self, requested: bool | str) -> bool | str:
        """The TLS verification to use: off when ``verify_tls`` is false, else the CA bundle."""
        if not self.verify_tls:
            return False
        if requested is True and self.ca_bundle:
            return self.ca_bundle
        return requested

    def retry_policy_for(self, request: PreparedRequest) -> RetryPolicy:
        """The retry policy of ``request``: no retries unless it is idempotent and replayable."""
        options = _options(request)
        method = (request.method or "GET").upper()
        replayable = request.body is None or isinstance(request.body, (bytes, str))
        if not replayable or not (method in IDEMPOTENT_METHODS or options.idempotent):
            return self.retry.with_retries(0)
        if options.retries is not None:
            return self.retry.with_retries(options.retries)
        return self.retry

    def throttle(self) -> None:
        """Wait for the rate cap, if one is set."""
        if self.rate_limiter is not None:
            self.rate_limiter.acquire()

    def wait_before_retry(
        self, request: PreparedRequest, attempt: int, delay: float, reason: str
    ) -> None:
        """Log a retry and wait ``delay`` seconds before it."""
        logger.warning(
            "%s %s: %s; retrying in %.2f s (retry %d of %d)",
            request.method,
            redact(request.url or ""),
            redact(reason),
            delay,
            attempt + 1,
            self.retry_policy_for(request).retries,
        )
        self._sleep(delay)
