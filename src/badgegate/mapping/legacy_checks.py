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
from badgegate.mapping.model import ColumnFate, MigrationMapping, TableFate

UNREPRESENTABLE = re.compile("[\x00\ud800-\udfff]")
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "timestamp": (dt.datetime,),
}

_EXACT_TYPES: dict[str, type] = {
    "text": str,
    "integer": int,
    "boolean": bool,
    "timestamp": dt.datetime,
}


def printable(text: str) -> str:
    """``text`` with NUL bytes and unpaired surrogates escaped, safe to print and encode."""
    escaped = text.replace("\x00", "\\x00")
    return escaped.encode("utf-8", "backslashreplace").decode("utf-8")


def row_problems(
    badge: Mapping[str, Any], requirements: Sequence[Mapping[str, Any]], mapping: MigrationMapping
) -> list[Finding]:
    """Error findings for rows that cannot be migrated as they are."""
    legacy_id = printable(str(badge.get(mapping.badges.key)))
    findings = _shape_problems(badge, mapping.badges, legacy_id, "")
    for index, requirement in enumerate(requirements):
        prefix = f"/requirements/{index}"
        findings += _shape_problems(requirement, mapping.requirements, legacy_id, prefix)
        parent = requirement.get(mapping.requirements.parent or "")
        if parent != badge.get(mapping.badges.key):
            findings.append(
                Finding(
                    rule="legacy-requirement-parent",
                    message="requirement belongs to another badge",
                    pointer=f"{prefix}/{mapping.requirements.parent}",
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


def _shape_problems(
    row: Mapping[str, Any], table: TableFate, legacy_id: str, prefix: str
) -> list[Finding]:
    findings = []
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
        if _plainly_fits(column, value):
            continue
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


def _plainly_fits(column: ColumnFate, value: Any) -> bool:
    """True for the common values :func:`_value_problem` accepts, decided cheaply."""
    kind = type(value)
    if kind is not _EXACT_TYPES.get(column.type):
        return False
    if kind is str:
        return UNREPRESENTABLE.search(value) is None
    if kind is dt.datetime:
        zone: object = value.tzinfo
        return zone is None
    return True


def _value_problem(column: ColumnFate, value: Any) -> tuple[str, str] | None:
    if value is _ABSENT:
        return ("legacy-row-shape", "is missing from the row")
    if value is None:
        return None if column.nullable else ("legacy-row-shape", "is NULL but NOT NULL")
    expected = _PYTHON_TYPES[column.type]
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
    checks: list[tuple[bool, str, str, str]] = [
        (status not in STATUSES, "legacy-unknown-status", "/status", f"unknown status {status!r}"),
        (not 0 <= progress <= 100, "legacy-progress-range", "/progress", "progress outside 0..100"),
        (
            status == mapping.award_status and progress < 100,
            "legacy-award-below-100",
            "/progress",
            f"{status} badge at {progress} %",
        ),
        (
            status == mapping.award_status and not all(completed),
            "legacy-award-with-open-requirements",
            "/requirements",
            f"{status} badge with {completed.count(False)} open requirement(s)",
        ),
        (
            status == "NOT_STARTED" and (any(completed) or progress > 0),
            "legacy-not-started-with-progress",
            "/status",
            f"NOT_STARTED badge at {progress} % with {sum(completed)} completed requirement(s)",
        ),
    ]
    findings = [
        Finding(rule, message, pointer=pointer, severity="warning", record_id=legacy_id)
        for failed, rule, pointer, message in checks
        if failed
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
    rows = [("", badge)] + [(f"/requirements/{i}", row) for i, row in enumerate(requirements)]
    for prefix, row in rows:
        if row["updated_at"] is not None and row["updated_at"] < row["created_at"]:
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
