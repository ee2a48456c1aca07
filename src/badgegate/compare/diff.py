"""Legacy rows against recovered rows, field by field, in legacy ``table.column`` names.

Rows are keyed by their legacy id before the comparison, so every difference deepdiff finds has
a path ``[table, legacy id, column]`` that reads as "column ``badges.name`` of badge ``b-7``".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from deepdiff import DeepDiff

from badgegate.legacy.dataset import LegacyRow
from badgegate.mapping.legacy_checks import printable

BADGES = "badges"
REQUIREMENTS = "badge_requirements"
#: deepdiff report types and how a reader should call them.
CHANGES = {
    "values_changed": "changed",
    "type_changes": "changed type",
    "dictionary_item_added": "unexpected",
    "dictionary_item_removed": "missing",
}


@dataclasses.dataclass(frozen=True)
class RowDifference:
    """One field (or whole row) where the recovered data differs from the legacy data."""

    table: str
    record_id: str
    column: str | None
    change: str
    expected: Any
    actual: Any
    badge_id: str | None = None

    @property
    def field(self) -> str:
        """``table.column``, or just the table when a whole row differs."""
        return f"{self.table}.{self.column}" if self.column else self.table

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (timestamps as ISO 8601, unprintable characters escaped)."""
        return {
            "field": self.field,
            "recordId": self.record_id,
            "badgeId": self.badge_id,
            "change": self.change,
            "expected": json_value(self.expected),
            "actual": json_value(self.actual),
        }

    def render(self) -> str:
        """One line: which field of which record, expected what, got what."""
        owner = (
            f" of badge {self.badge_id!r}" if self.badge_id not in (None, self.record_id) else ""
        )
        what = "row" if self.column is None else "field"
        return (
            f"{self.field} ({what} {self.change}) of {self.table} row "
            f"{printable(self.record_id)!r}{owner}: expected {_show(self.expected)}, "
            f"got {_show(self.actual)}"
        )


def keyed_rows(
    badges: Iterable[Mapping[str, Any]], requirements: Iterable[Mapping[str, Any]]
) -> dict[str, dict[str, LegacyRow]]:
    """Both tables as ``{table: {legacy id: row}}`` (rows without an id get a placeholder key)."""
    keyed: dict[str, dict[str, LegacyRow]] = {BADGES: {}, REQUIREMENTS: {}}
    for table, rows in ((BADGES, badges), (REQUIREMENTS, requirements)):
        for position, row in enumerate(rows):
            key = row.get("id")
            name = key if isinstance(key, str) else f"<row {position} without id>"
            while name in keyed[table]:
                name += " (again)"
            keyed[table][name] = dict(row)
    return keyed


def compare_rows(
    expected: Mapping[str, Mapping[str, LegacyRow]], actual: Mapping[str, Mapping[str, LegacyRow]]
) -> list[RowDifference]:
    """Every difference between two :func:`keyed_rows` mappings, legacy first.

    Rows are paired by table and legacy id; deepdiff runs only on pairs that are not equal.
    """
    differences: list[RowDifference] = []
    for table in (BADGES, REQUIREMENTS):
        before, after = expected.get(table, {}), actual.get(table, {})
        for record_id in sorted(set(before) | set(after)):
            old, new = before.get(record_id), after.get(record_id)
            if old == new:
                continue
            owner = (old or new or {}).get("badge_id")
            row = RowDifference(table, record_id, None, "", old, new, _text(owner))
            if old is None or new is None:
                differences.append(
                    dataclasses.replace(row, change="unexpected" if old is None else "missing")
                )
            else:
                differences += _row_differences(row, old, new)
    return differences


def _row_differences(row: RowDifference, old: LegacyRow, new: LegacyRow) -> list[RowDifference]:
    tree = DeepDiff(old, new, view="tree", verbose_level=2)
    found = []
    for report_type, change in CHANGES.items():
        for level in tree.get(report_type, ()):
            path = level.path(output_format="list")
            found.append(
                dataclasses.replace(
                    row,
                    column=str(path[0]) if path else None,
                    change=change,
                    expected=_value(level.t1),
                    actual=_value(level.t2),
                )
            )
    return sorted(found, key=lambda item: item.column or "")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _value(value: Any) -> Any:
    return None if type(value).__name__ == "NotPresent" else value


def json_value(value: Any) -> Any:
    """A legacy value as JSON: timestamps as ISO 8601, unprintable text escaped."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value


def _show(value: Any, limit: int = 120) -> str:
    text = repr(json_value(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"
