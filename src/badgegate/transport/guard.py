"""Staging safety, enforced in the transport: the write guard and the default rate cap.

On the ``staging`` profile no POST/PUT/PATCH/DELETE leaves the process unless ``allow_writes`` is
set and the request's host is on ``write_allowlist``; the OAuth 2.0 token endpoint is exempt,
since fetching a token changes nothing on the target. :meth:`badgegate.transport.Transport.
from_config` installs the guard and the rate cap, so the API client, the fuzz suite and every
probe that sends through the shared session are covered alike. (Legacy databases are kept
read-only by :func:`badgegate.legacy.legacy_engine`.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from badgegate.config import HarnessConfig
from badgegate.errors import ConfigError
from badgegate.transport.redaction import redact

WriteGuard = Callable[[str, str], None]
"""``(method, url) -> None``; raises to stop a request before it leaves the process."""


class WriteRefused(ConfigError):
    """A write guard stopped a request before it left the process (e.g. on staging)."""


#: An extension method no server defines (RFC 9110 §9.1): it cannot change anything, so the
#: staging profile may send it to see how a target refuses an unknown method.
UNKNOWN_METHOD_PROBE = "BADGEGATE-PROBE"
#: Methods that cannot change anything on a target: the staging guard lets only these through
#: (an allow-list: anything else, known or not, counts as a write).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", UNKNOWN_METHOD_PROBE})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Requests per second on staging when the config sets no ``rate_limit``.
STAGING_RATE_LIMIT = 10.0


def is_staging(config: HarnessConfig) -> bool:
    """True when ``config`` runs the ``staging`` profile."""
    return config.profile == "staging"


def writes_allowed(config: HarnessConfig, host: str | None) -> bool:
    """Whether writes may go to ``host``: always off staging; on staging only when allowed."""
    if not is_staging(config):
        return True
    allowlist = config.write_allowlist
    return bool(config.allow_writes) and host is not None and host in allowlist


def token_url_of(config: HarnessConfig) -> str | None:
    """The token endpoint of ``config``: ``token_url``, else ``<engine_url>/oauth/token``."""
    token_url = config.token_url
    if token_url:
        return str(token_url)
    engine_url = config.engine_url
    return str(engine_url).rstrip("/") + "/oauth/token" if engine_url else None


def _without_query(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0].rstrip("/")


def staging_write_guard(
    config: HarnessConfig, *, exempt_urls: Iterable[str] = ()
) -> WriteGuard | None:
    """A guard refusing writes on a staging run, or ``None`` off staging.

    ``exempt_urls`` (the token endpoint) may always be posted to. The guard raises
    :class:`~badgegate.transport.WriteRefused` naming the request and how to allow it.
    """
    if not is_staging(config):
        return None
    exempt = {_without_query(url) for url in exempt_urls}

    def guard(method: str, url: str) -> None:
        if method.upper() in SAFE_METHODS or _without_query(url) in exempt:
            return
        if writes_allowed(config, urlsplit(url).hostname):
            return
        raise WriteRefused(
            f"refused {method.upper()} {redact(url)}: the staging profile is read-only; set "
            "BADGEGATE_ALLOW_WRITES=true and add the host to BADGEGATE_WRITE_ALLOWLIST to allow it"
        )

    return guard


def guard_for(config: HarnessConfig) -> WriteGuard | None:
    """The staging guard of ``config`` with its token endpoint exempt (``None`` off staging)."""
    token_url = token_url_of(config)
    return staging_write_guard(config, exempt_urls=[token_url] if token_url else [])


def effective_rate_limit(config: HarnessConfig) -> float | None:
    """The rate cap of ``config``: ``rate_limit``, else :data:`STAGING_RATE_LIMIT` on staging."""
    rate = config.rate_limit
    if rate:
        return float(rate)
    return STAGING_RATE_LIMIT if is_staging(config) else None
