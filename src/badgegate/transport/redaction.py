"""Masking secrets in anything badgegate writes: logs, error messages, curl reproductions.

Secrets are masked in two ways. By shape: ``Bearer`` and ``Basic`` authorization values, and the
values of members named like a credential (``client_secret``, ``access_token``, ``refresh_token``,
``password``, ``token``, ...) in JSON, Python reprs, keyword reprs, forms and query strings,
whichever side of an exchange they are on (a target may echo them), and passwords in URLs. By
value: every secret registered with :func:`register_secret` (static tokens, client secrets,
fetched access tokens), whatever its length, wherever it appears as a whole token — raw,
URL-encoded, JSON-escaped or base64-encoded. A value is masked only where it stands alone, not
inside a longer word, so a short secret never garbles the text around it; a value that is a
common word of badgegate's own messages (such as ``token``) is not registered, since masking it
would hide the message, not a secret.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.parse
from collections.abc import Iterable, Mapping

from badgegate.secret import Secret, reveal

MASK = "***"
# Words that badgegate's own messages and HTTP are made of: a "secret" equal to one of them would
# mask the message rather than a secret. Shape-based masking still covers such a value.
COMMON_WORDS = frozenset(
    {
        "access",
        "admin",
        "auth",
        "authorization",
        "basic",
        "bearer",
        "client",
        "credential",
        "credentials",
        "engine",
        "error",
        "false",
        "none",
        "null",
        "password",
        "secret",
        "test",
        "token",
        "true",
        "user",
    }
)
# A registered value counts only as a whole token: not preceded or followed by a letter or digit.
_BEFORE = r"(?<![A-Za-z0-9])"
_AFTER = r"(?![A-Za-z0-9])"

_SECRET_KEYS = r"(?:client_secret|access_token|refresh_token|id_token|password|secret|token)"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization schemes: keep the scheme, mask the credentials (token68 syntax). Lower-case
    # "basic" is left alone: in prose it is an adjective far more often than a scheme.
    # A common word after the scheme is prose ("the bearer token is invalid"), not a credential.
    (
        re.compile(
            r"\b(Bearer|bearer|BEARER|Basic|BASIC)(\s+)"
            r"(?!(?i:tokens?|credentials?|auth|authentication|scheme|challenge|realm)\b)"
            r"[A-Za-z0-9._~+/-]+=*"
        ),
        rf"\1\2{MASK}",
    ),
    # JSON members: "client_secret": "value"
    (re.compile(rf'(?i)("{_SECRET_KEYS}"\s*:\s*")(?:[^"\\]|\\.)*(")'), rf"\1{MASK}\2"),
    # Python dict reprs: 'client_secret': 'value'
    (re.compile(rf"(?i)('{_SECRET_KEYS}'\s*:\s*')(?:[^'\\]|\\.)*(')"), rf"\1{MASK}\2"),
    # Keyword reprs: client_secret='value' or client_secret="value"
    (re.compile(rf"(?i)(\b{_SECRET_KEYS}=)(['\"])(?:(?!\2)[^\\]|\\.)*\2"), rf"\1\2{MASK}\2"),
    # Form bodies and query strings: client_secret=value
    (re.compile(rf"(?i)(\b{_SECRET_KEYS}=)(?!['\"])[^&\s'\"]+"), rf"\1{MASK}"),
    # Passwords in URLs: scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+@"), rf"\1{MASK}@"),
)
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

_lock = threading.Lock()
_registered: set[str] = set()
_pattern: re.Pattern[str] | None = None


def secret_forms(value: str) -> set[str]:
    """The ways ``value`` can appear in text: raw, URL-encoded, JSON-escaped, base64."""
    encoded = value.encode("utf-8")
    forms = {
        value,
        urllib.parse.quote_plus(value),
        urllib.parse.quote(value, safe=""),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        base64.b64encode(encoded).decode("ascii"),
        base64.b64encode(encoded).decode("ascii").rstrip("="),
        base64.urlsafe_b64encode(encoded).decode("ascii").rstrip("="),
    }
    return {form for form in forms if form}


def is_common_word(value: str) -> bool:
    """True when ``value`` is one of the words badgegate's messages are made of."""
    return value.strip().lower() in COMMON_WORDS


def register_secret(value: str | Secret | None) -> None:
    """Remember ``value`` as a secret: from now on :func:`redact` masks it everywhere.

    Every form of :func:`secret_forms` is registered. ``None``, empty values and common words
    (:data:`COMMON_WORDS`) are ignored; any other value is registered whatever its length.
    """
    global _pattern
    text = reveal(value)
    if not text or is_common_word(text):
        return
    forms = secret_forms(text)
    with _lock:
        if forms <= _registered:
            return
        _registered.update(forms)
        _pattern = None


def register_secrets(values: Iterable[str | Secret | None]) -> None:
    """Register each of ``values`` with :func:`register_secret`."""
    for value in values:
        register_secret(value)


def _registered_pattern() -> re.Pattern[str] | None:
    global _pattern
    with _lock:
        if _pattern is None and _registered:
            # Longest first, so a secret containing another is masked whole.
            forms = sorted(_registered, key=lambda form: (-len(form), form))
            alternatives = "|".join(re.escape(form) for form in forms)
            _pattern = re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}")
        return _pattern


def redact(text: str) -> str:
    """Return ``text`` with every credential and registered secret replaced by ``***``."""
    registered = _registered_pattern()
    if registered is not None:
        text = registered.sub(MASK, text)
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
