"""The named, invertible transforms the mapping may use between a legacy value and JSON.

``forward`` turns a non-NULL legacy value into the JSON value stored at the column's target;
``inverse`` turns what badge-engine serves back into the legacy value. An inverse never coerces:
a served value of the wrong shape comes back unchanged, so the comparison shows it. NULL is
handled around the transforms (omitted in OB 3.0 documents, JSON null in the progress record).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Final

PARENT_KEY: Final = "parent-key"
SYSTEM_ID: Final = "systemId"
TIMESTAMP_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$")


class _Missing:
    """What an inverse returns when the served document lacks the value."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


@dataclasses.dataclass(frozen=True)
class Transform:
    """A named pair of functions between legacy values and JSON values."""

    name: str
    column_types: frozenset[str]
    forward: Callable[[Any], Any]
    inverse: Callable[[Any], Any]
    description: str

    @property
    def keeps_value(self) -> bool:
        """True when ``forward`` returns its argument as it is (no call needed)."""
        return self.forward is _same


def _same(value: Any) -> Any:
    return value


def timestamp_to_json(value: dt.datetime) -> str:
    """A naive timestamp as ``YYYY-MM-DDTHH:MM:SS.ffffff`` (always microseconds, no zone)."""
    if value.tzinfo is not None:
        raise ValueError(f"legacy timestamps are naive, got {value.isoformat()}")
    return value.isoformat("T", "microseconds")


def timestamp_from_json(value: Any) -> Any:
    """Inverse of :func:`timestamp_to_json`; anything else is returned unchanged."""
    if isinstance(value, str) and TIMESTAMP_PATTERN.match(value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def system_identifier(value: str) -> list[dict[str, str]]:
    """The legacy id as the Achievement's ``otherIdentifier`` list."""
    return [{"type": "IdentifierEntry", "identifier": value, "identifierType": SYSTEM_ID}]


def system_identifier_inverse(value: Any) -> Any:
    """The ``identifier`` of the first ``systemId`` entry, or MISSING."""
    if not isinstance(value, list):
        return MISSING
    for entry in value:
        if isinstance(entry, dict) and entry.get("identifierType") == SYSTEM_ID:
            return entry.get("identifier", MISSING)
    return MISSING


def _structural(_value: Any) -> Any:
    raise TypeError(f"the {PARENT_KEY} transform is applied by the record structure itself")


TRANSFORMS: dict[str, Transform] = {
    transform.name: transform
    for transform in (
        Transform("text", frozenset({"text"}), _same, _same, "a string, verbatim"),
        Transform(
            "markdown", frozenset({"text"}), _same, _same, "Markdown text, verbatim (OB Markdown)"
        ),
        Transform("integer", frozenset({"integer"}), _same, _same, "an integer, verbatim"),
        Transform("boolean", frozenset({"boolean"}), _same, _same, "a boolean, verbatim"),
        Transform(
            "naive-timestamp",
            frozenset({"timestamp"}),
            timestamp_to_json,
            timestamp_from_json,
            "a naive timestamp as YYYY-MM-DDTHH:MM:SS.ffffff, no zone, no conversion",
        ),
        Transform(
            "system-identifier",
            frozenset({"text"}),
            system_identifier,
            system_identifier_inverse,
            "an IdentifierEntry list with identifierType systemId",
        ),
        Transform(
            PARENT_KEY,
            frozenset({"text"}),
            _structural,
            _structural,
            "the key of the parent badge, given by nesting",
        ),
    )
}
