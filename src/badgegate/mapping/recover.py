"""Recover: the legacy view rebuilt from what badge-engine serves back, and its consistency.

``recover`` reads every column from where the mapping put it and applies the inverse
transform; it never fills in what is missing (a missing member leaves the column out of the
row, so a comparison names it). ``check_served`` checks what is stored twice or derived (ids,
the credential's validFrom, recipient, results, embedded achievement) against the recovered
rows; ``recover`` raises :class:`RecoveryMismatch` on those errors unless ``strict=False``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from badgegate.errors import BadgegateError
from badgegate.findings import Finding
from badgegate.legacy.dataset import LegacyRow
from badgegate.mapping import documents as docs
from badgegate.mapping.model import ColumnFate, MigrationMapping
from badgegate.mapping.served_checks import served_findings
from badgegate.mapping.transforms import MISSING, PARENT_KEY, TRANSFORMS


class RecoveryMismatch(BadgegateError):
    """Served records contradict each other or the rows they carry."""

    def __init__(self, findings: list[Finding]) -> None:
        lines = "\n  ".join(finding.render() for finding in findings)
        super().__init__(f"served records are inconsistent:\n  {lines}")
        self.findings = findings


def recover(
    achievement: Any,
    credential: Any,
    progress: Any,
    *,
    mapping: MigrationMapping,
    strict: bool = True,
) -> tuple[LegacyRow, list[LegacyRow]]:
    """Rebuild ``(badge_row, requirement_rows)`` from served records (requirements in id order).

    ``recover(*records of forward(rows))`` equals ``rows`` up to the mapping's normalisations.
    """
    badge, requirements = recover_rows(achievement, progress, mapping=mapping)
    if strict:
        findings = served_findings(badge, requirements, achievement, credential, progress, mapping)
        errors = [finding for finding in findings if finding.is_error]
        if errors:
            raise RecoveryMismatch(errors)
    return badge, requirements


def check_served(
    achievement: Any, credential: Any, progress: Any, *, mapping: MigrationMapping
) -> list[Finding]:
    """Findings where the served records contradict each other or the legacy rows they carry."""
    badge, requirements = recover_rows(achievement, progress, mapping=mapping)
    return served_findings(badge, requirements, achievement, credential, progress, mapping)


def recover_rows(
    achievement: Any, progress: Any, *, mapping: MigrationMapping
) -> tuple[LegacyRow, list[LegacyRow]]:
    """The legacy rows as the served Achievement and progress record hold them (no checks)."""
    served = {"achievement": achievement, "progress": progress}
    badge: LegacyRow = {}
    for column in mapping.badges.migrated:
        _recover_column(badge, column, served[column.document], None)
    parent_id = badge.get(mapping.badges.key, MISSING)
    requirements = [
        _recover_requirement(served, positions, parent_id, mapping)
        for positions in _requirement_positions(achievement, progress)
    ]
    key = mapping.requirements.key
    requirements.sort(key=lambda row: (key not in row, str(row.get(key, ""))))
    return badge, requirements


def _requirement_positions(achievement: Any, progress: Any) -> list[dict[str, int | None]]:
    """Pair result descriptions with progress entries by their id (either may be absent)."""
    described = _ids(docs.read(achievement, ("resultDescription",)))
    tracked = _ids(docs.read(progress, ("requirements",)))
    pairs: list[dict[str, int | None]] = []
    for position, record_id in enumerate(described):
        match = tracked.index(record_id) if record_id in tracked else None
        pairs.append({"achievement": position, "progress": match})
    for position, record_id in enumerate(tracked):
        if record_id not in described:
            pairs.append({"achievement": None, "progress": position})
    return pairs


def _ids(entries: Any) -> list[Any]:
    if not isinstance(entries, list):
        return []
    return [entry.get("id") if isinstance(entry, dict) else None for entry in entries]


def _recover_requirement(
    served: Mapping[str, Any],
    positions: Mapping[str, int | None],
    parent_id: Any,
    mapping: MigrationMapping,
) -> LegacyRow:
    row: LegacyRow = {}
    for column in mapping.requirements.migrated:
        position = positions[column.document]
        if column.transform == PARENT_KEY:
            if position is not None and parent_id is not MISSING:
                row[column.name] = parent_id
            continue
        _recover_column(row, column, served[column.document], position)
    return row


def _recover_column(
    row: LegacyRow, column: ColumnFate, document: Any, position: int | None
) -> None:
    raw = docs.read(document, docs.resolve(column.pointer, position))
    value = _inverse(column, raw, position_known=position is not None or "*" not in column.pointer)
    if value is not MISSING:
        row[column.name] = value


def _inverse(column: ColumnFate, raw: Any, *, position_known: bool) -> Any:
    if raw is MISSING:
        # OB 3.0 documents omit NULLs; the progress record writes them as null.
        omitted_null = column.document == "achievement" and column.nullable and position_known
        return None if omitted_null else MISSING
    if raw is None:
        return None
    return TRANSFORMS[column.transform or ""].inverse(raw)


def normalise(
    badge_row: Mapping[str, Any],
    requirement_rows: Sequence[Mapping[str, Any]],
    *,
    mapping: MigrationMapping,
) -> tuple[LegacyRow, list[LegacyRow]]:
    """Legacy rows as ``recover`` gives them back: dropped columns out, declared order applied."""
    badge = {c.name: badge_row[c.name] for c in mapping.badges.migrated if c.name in badge_row}
    kept = [c.name for c in mapping.requirements.migrated]
    requirements = [{name: row[name] for name in kept if name in row} for row in requirement_rows]
    requirements.sort(key=lambda row: str(row.get(mapping.requirements.key, "")))
    return badge, requirements
