"""Findings about legacy rows themselves: rows that cannot be migrated, and inconsistencies.

A row that cannot be represented (a NUL byte or an unpaired surrogate in a text, a value of the
wrong type, a column the mapping does not know) is an ``error`` finding and is not migrated.
Inconsistencies of the legacy data (a COMPLETED badge at 40 %, an unparseable target_date) are
``warning`` findings: reported with the legacy id, never repaired.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from badgegate.findings import Finding
from badgegate.legacy.tables import STATUSES
from badgegate.mapping.model import EXACT_TYPES, ColumnFate, MigrationMapping, TableFate

UNREPRESENTABLE = re.compile("[\x00\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with NUL bytes and unpaired surrogates escaped, safe to print and encode."""
    escaped = text.replace("\x00", "\\x00")
    return escaped.encode("utf-8", "backslashreplace").decode("utf-8")


def row_problems(
    badge: Mapping[str, Any], requirements: Sequence[Mapping[str, Any]], mapping: MigrationMapping
) -> list[Finding]:
    """Error findings for rows that cannot be migrated as they are."""
    key, parent_column = mapping.badges.key, mapping.requirements.parent
    badge_key = badge.get(key)
    legacy_id = printable(str(badge_key))
    findings: list[Finding] = []
    if not _plainly_fits_row(badge, mapping.badges):
        findings += _shape_problems(badge, mapping.badges, legacy_id, "")
    for index, requirement in enumerate(requirements):
        if not _plainly_fits_row(requirement, mapping.requirements):
            prefix = f"/requirements/{index}"
            findings += _shape_problems(requirement, mapping.requirements, legacy_id, prefix)
        parent = requirement.get(parent_column or "")
        if parent != badge_key:
            findings.append(
                Finding(
                    rule="legacy-requirement-parent",
                    message="requirement belongs to another badge",
                    pointer=f"/requirements/{index}/{parent_column}",
                    record_id=legacy_id,
                    expected=legacy_id,
                    actual=printable(str(parent)),
                )
            )
    keys = [row.get(mapping.requirements.key) for row in requirements]
    if len(set(map(repr, keys))) != len(keys):
        findings.append(
            Finding("legacy-duplicate-key", "requirement ids repeat", record_id=legacy_id)
        )
    return findings


def _plainly_fits_row(row: Mapping[str, Any], table: TableFate) -> bool:
    """True when ``row`` is a dict of exactly the table's columns, each value plain.

    Plain: of the column's exact Python type (a text without NUL bytes or surrogates, a naive
    timestamp), or NULL where the column allows it. Such a row has no shape problems.
    """
    # As many members as columns, and every column found: exactly the table's columns.
    if type(row) is not dict or len(row) != len(table.value_types):
        return False
    for name, kind, nullable in table.value_types:
        value = row.get(name, _ABSENT)  # never of a column's type
        exact = type(value)
        if exact is not kind:
            if value is None and nullable:
                continue
            return False
        if exact is str:
            if "\x00" in value:
                return False
            try:  # UTF-8 refuses exactly the surrogates; faster than searching for them
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif exact is dt.datetime and value.tzinfo is not None:
            return False
    return True


def _shape_problems(
    row: Mapping[str, Any], table: TableFate, legacy_id: str, prefix: str
) -> list[Finding]:
    """The shape problems of a row that does not plainly fit its table."""
    findings: list[Finding] = []
    for name in row if not table.column_names.issuperset(row) else ():
        if table.column(name) is None:
            findings.append(
                Finding(
                    rule="legacy-unmapped-column",
                    message=f"{table.name}.{name} has no fate in the migration mapping",
                    pointer=f"{prefix}/{name}",
                    record_id=legacy_id,
                )
            )
    for column in table.columns:
        value = row.get(column.name, _ABSENT)
        problem = _value_problem(column, value)
        if problem:
            findings.append(
                Finding(
                    rule=problem[0],
                    message=f"{column.qualified_name} {problem[1]}",
                    pointer=f"{prefix}/{column.name}",
                    record_id=legacy_id,
                )
            )
    return findings


_ABSENT = object()


def _value_problem(column: ColumnFate, value: Any) -> tuple[str, str] | None:
    if value is _ABSENT:
        return ("legacy-row-shape", "is missing from the row")
    if value is None:
        return None if column.nullable else ("legacy-row-shape", "is NULL but NOT NULL")
    expected = EXACT_TYPES[column.type]
    if not isinstance(value, expected) or (column.type == "integer" and isinstance(value, bool)):
        return ("legacy-row-shape", f"holds a {type(value).__name__}, not {column.type}")
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return ("legacy-row-shape", "holds a timestamp with a zone; legacy timestamps are naive")
    if isinstance(value, str) and UNREPRESENTABLE.search(value):
        return ("legacy-unrepresentable", f"holds {_what(value)}, which JSON in UTF-8 cannot carry")
    return None


def _what(text: str) -> str:
    match = UNREPRESENTABLE.search(text)
    assert match is not None
    char = match.group()
    kind = "a NUL byte" if char == "\x00" else f"an unpaired surrogate U+{ord(char):04X}"
    return f"{kind} at position {match.start()}"


def inconsistencies(
    badge: Mapping[str, Any], requirements: Sequence[Mapping[str, Any]], mapping: MigrationMapping
) -> list[Finding]:
    """Warning findings for inconsistent legacy data (reported, never repaired)."""
    legacy_id = printable(str(badge["id"]))
    status, progress = badge["status"], badge["progress"]
    completed = [row["completed"] for row in requirements]
    awarded = status == mapping.award_status
    failed: list[tuple[str, str, str]] = []
    if status not in STATUSES:
        failed.append(("legacy-unknown-status", "/status", f"unknown status {status!r}"))
    if not 0 <= progress <= 100:
        failed.append(("legacy-progress-range", "/progress", "progress outside 0..100"))
    if awarded and progress < 100:
        failed.append(("legacy-award-below-100", "/progress", f"{status} badge at {progress} %"))
    if awarded and not all(completed):
        message = f"{status} badge with {completed.count(False)} open requirement(s)"
        failed.append(("legacy-award-with-open-requirements", "/requirements", message))
    if status == "NOT_STARTED" and (any(completed) or progress > 0):
        message = (
            f"NOT_STARTED badge at {progress} % with {sum(completed)} completed requirement(s)"
        )
        failed.append(("legacy-not-started-with-progress", "/status", message))
    findings = [
        Finding(rule, message, pointer=pointer, severity="warning", record_id=legacy_id)
        for rule, pointer, message in failed
    ]
    findings += _date_findings(badge, requirements, legacy_id)
    return findings


def _date_findings(
    badge: Mapping[str, Any], requirements: Sequence[Mapping[str, Any]], legacy_id: str
) -> list[Finding]:
    findings = [
        Finding(
            "legacy-unparseable-date",
            f"badges.{name} {badge[name]!r} is not an ISO 8601 date",
            pointer=f"/{name}",
            severity="warning",
            record_id=legacy_id,
            actual=badge[name],
        )
        for name in ("start_date", "target_date")
        if badge[name] is not None and not _is_iso_date(badge[name])
    ]
    for index, row in enumerate([badge, *requirements]):
        if row["updated_at"] is not None and row["updated_at"] < row["created_at"]:
            prefix = f"/requirements/{index - 1}" if index else ""
            findings.append(
                Finding(
                    "legacy-updated-before-created",
                    "updated_at is before created_at",
                    pointer=f"{prefix}/updated_at",
                    severity="warning",
                    record_id=legacy_id,
                )
            )
    return findings


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text[:10])
        if len(text) > 10:
            dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
