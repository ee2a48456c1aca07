"""Masking secrets in anything badgegate writes: logs, error messages, curl reproductions.

Two kinds of secret are masked: credentials recognisable by their shape (``Bearer`` and ``Basic``
authorization values, ``client_secret`` / ``access_token`` / ``refresh_token`` members of forms,
queries and JSON, passwords in URLs), and any value registered with :func:`register_secret`
(static tokens, client secrets, fetched access tokens), wherever it appears.
"""

from __future__ import annotations

import re
import threading
import urllib.parse
from collections.abc import Iterable, Mapping

MASK = "***"
# Values shorter than this are not registered: masking every "t" or "abc" in every message would
# make output unreadable, and such a value is no secret anyway (shape-based masking still applies).
MIN_SECRET_LENGTH = 8

_SECRET_KEYS = r"(?:client_secret|access_token|refresh_token|id_token|password|secret|token)"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization schemes: keep the scheme, mask the credentials (token68 syntax). Lower-case
    # "basic" is left alone: in prose it is an adjective far more often than a scheme.
    (re.compile(r"\b(Bearer|bearer|BEARER|Basic|BASIC)(\s+)[A-Za-z0-9._~+/-]+=*"), rf"\1\2{MASK}"),
    # JSON members: "client_secret": "value"
    (re.compile(rf'(?i)("{_SECRET_KEYS}"\s*:\s*")(?:[^"\\]|\\.)*(")'), rf"\1{MASK}\2"),
    # Form bodies and query strings: client_secret=value
    (re.compile(rf"(?i)(\b{_SECRET_KEYS}=)[^&\s'\"]+"), rf"\1{MASK}"),
    # Passwords in URLs: scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+@"), rf"\1{MASK}@"),
)
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

_lock = threading.Lock()
_registered: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember ``value`` as a secret: from now on :func:`redact` masks it everywhere.

    Its URL-encoded form is registered too, so it is also masked inside query strings and
    form bodies. ``None`` and values shorter than ``MIN_SECRET_LENGTH`` are ignored.
    """
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        _registered.add(value)
        quoted = urllib.parse.quote_plus(value)
        if quoted != value:
            _registered.add(quoted)


def register_secrets(values: Iterable[str | None]) -> None:
    """Register each of ``values`` with :func:`register_secret`."""
    for value in values:
        register_secret(value)


def redact(text: str) -> str:
    """Return ``text`` with every credential and registered secret replaced by ``***``."""
    with _lock:
        # Longest first, so a secret containing another is masked whole.
        secrets = sorted(_registered, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Return a copy of ``headers`` safe to show: credentials masked, the scheme kept."""
    shown: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in _SECRET_HEADERS:
            scheme, _, rest = str(value).partition(" ")
            shown[name] = f"{scheme} {MASK}" if rest else MASK
        else:
            shown[name] = redact(str(value))
    return shown
