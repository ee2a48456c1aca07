"""The staging write guard: no POST/PUT/PATCH/DELETE leaves the process unless allowed.

It plugs into :class:`badgegate.transport.Transport` (``write_guard``), so it stops anything
sent through the shared session — generated cases, probes and the client alike. The token
endpoint is exempt: fetching a token changes nothing on the target.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from badgegate.fuzz.document import WRITE_METHODS
from badgegate.fuzz.profiles import writes_allowed
from badgegate.transport import Transport, WriteGuard, WriteRefused, redact


def staging_write_guard(config: object, *, exempt_urls: Iterable[str] = ()) -> WriteGuard | None:
    """A guard refusing writes on a read-only run, or ``None`` when writes are allowed anyway.

    ``exempt_urls`` (the token endpoint) may always be posted to.
    """
    if getattr(config, "profile", "ci") != "staging":
        return None
    exempt = {url.rstrip("/") for url in exempt_urls}

    def guard(method: str, url: str) -> None:
        if method.upper() not in WRITE_METHODS or url.split("?", 1)[0].rstrip("/") in exempt:
            return
        host = urlsplit(url).hostname
        if writes_allowed(config, host):
            return
        raise WriteRefused(
            f"refused {method.upper()} {redact(url)}: the staging profile is read-only; set "
            "BADGEGATE_ALLOW_WRITES=true and add the host to BADGEGATE_WRITE_ALLOWLIST to allow it"
        )

    return guard


def install_write_guard(transport: Transport, config: object, token_url: str) -> None:
    """Put the staging guard on ``transport`` unless it already has a guard."""
    if transport.write_guard is None:
        transport.write_guard = staging_write_guard(config, exempt_urls=[token_url])
