"""Pact matchers in badge-engine's terms: ids, URIs, timestamps, paging headers, errors.

Contracts should be neither brittle nor loose: types and regular expressions for values the
consumers only carry along (ids, URIs, timestamps), exact values only where a consumer truly
depends on them (status codes, ``type`` members, the ``@context`` order, error codes).
"""

from __future__ import annotations

import itertools
from typing import Any

from badgegate.contracts.names import disable_tracking
from badgegate.ob3 import MINOR_BY_STATUS, OB3_CONTEXTS

disable_tracking()
from pact import match  # noqa: E402  (after tracking is off)

# RFC 3339 date-time with a zone: ``Z`` or a numeric offset. The verifier's own datetime matcher
# rejects ``+00:00`` (see the stack notes), so timestamps are matched by this pattern instead.
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
URN_UUID_PATTERN = "^urn:uuid:" + UUID_PATTERN + "$"
URI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"
_REGEX_SPECIALS = frozenset(".^$*+?()[]{}|\\")


def timestamp(example: str) -> Any:
    """An RFC 3339 date-time with a zone (``Z`` or an offset); ``example`` is the sample value."""
    return match.regex(example, regex=TIMESTAMP_PATTERN)


def urn_uuid(example: str) -> Any:
    """A ``urn:uuid:`` URN in lower case."""
    return match.regex(example, regex=URN_UUID_PATTERN)


def uri(example: str) -> Any:
    """Any absolute URI (a URL or a URN)."""
    return match.regex(example, regex=URI_PATTERN)


def text(example: str) -> Any:
    """Any string."""
    return match.str(example)


def integer(example: int) -> Any:
    """Any integer."""
    return match.int(example)


def exact(value: str) -> Any:
    """Exactly ``value``, even inside a type-matched array (where plain values match by type)."""
    escaped = "".join("\\" + char if char in _REGEX_SPECIALS else char for char in value)
    return match.regex(value, regex=f"^{escaped}$")


def exact_list(values: tuple[str, ...] | list[str]) -> list[Any]:
    """Exactly these strings in this order (for ``type`` sets and ``@context``)."""
    return [exact(value) for value in values]


def ob3_context() -> list[Any]:
    """The ``@context`` of an OB 3.0 document, exactly and in order (consumers depend on it)."""
    return exact_list(OB3_CONTEXTS)


def total_count(example: int) -> Any:
    """An ``X-Total-Count`` header: a non-negative decimal integer."""
    return match.regex(str(example), regex=r"^\d+$")


def link_header(example: str, *relations: str) -> Any:
    """An RFC 8288 ``Link`` header that has a link for each of ``relations``, in any order.

    The URLs are the provider's own, so only their shape is fixed; the relations are what
    a consumer follows (``next`` above all), so each one must be present. The verifier's
    regular expressions have no look-ahead, so every order of the relations is spelled out.
    """
    orders = itertools.permutations(relations)
    alternatives = ("".join(rf".*{_link_to(name)}" for name in order) + ".*" for order in orders)
    return match.regex(example, regex="^(" + "|".join(alternatives) + ")$")


def _link_to(relation: str) -> str:
    return rf'<[^>]+>\s*;[^,]*rel="?[^",]*\b{relation}\b'


def imsx_status(status: int, *, minor: str | None = None, description: str = "refused") -> Any:
    """An ``Imsx_StatusInfo`` error body: exact code major, severity and code minor."""
    value = minor or MINOR_BY_STATUS[status]
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": match.str(description),
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "TargetEndSystem",
                    "imsx_codeMinorFieldValue": value,
                }
            ]
        },
    }


def boolean(example: bool) -> Any:
    """Any boolean."""
    return match.bool(example)


def match_type(example: Any) -> Any:
    """Anything of the same JSON type as ``example`` (objects: the same members' types)."""
    return match.type(example)


def each_like(example: Any, *, minimum: int = 1, maximum: int | None = None) -> Any:
    """An array of at least ``minimum`` (at most ``maximum``) items shaped like ``example``."""
    return match.each_like(example, min=minimum, max=maximum)


def regex(example: str, pattern: str) -> Any:
    """A string matching ``pattern`` (the verifier's regular expressions have no look-around)."""
    return match.regex(example, regex=pattern)


def respond_with_any_of(interaction: Any, example: int, statuses: tuple[int, ...]) -> None:
    """Let the interaction's response status be any of ``statuses`` (a Pact V4 status-code
    matcher); the mock server answers ``example``."""
    import json

    import pact_ffi

    rule = {"value": example, "pact:matcher:type": "statusCode", "status": list(statuses)}
    pact_ffi.response_status_v2(interaction._handle, json.dumps(rule))
