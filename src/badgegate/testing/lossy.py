"""The data-loss fault catalogue: lossy variants of the migration.

Each variant rewrites the upserts of one legacy badge the way a real migration bug would. The
harness's own tests prove that the integrity properties and ``badgegate reconcile`` both catch
every variant and name the record and the field (``LossyMigration.field``).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

from badgegate.client import BatchOperation
from badgegate.legacy.dataset import LegacyRow
from badgegate.mapping import MigrationMapping, forward
from badgegate.mapping import documents as docs

Operations = list[BatchOperation]
Apply = Callable[[LegacyRow, list[LegacyRow], Operations, MigrationMapping], Operations]
TRUNCATE_AT = 255
OTHER_RECIPIENT = "someone.else@example.org"


@dataclasses.dataclass(frozen=True)
class LossyMigration:
    """One lossy variant: what it does, the legacy field a check must name, and how
    ``reconcile`` classifies it (``changed``, ``missing`` or ``unexpected``)."""

    name: str
    description: str
    field: str
    apply: Apply
    reconcile_class: str = "changed"

    def rewrite(
        self, mapping: MigrationMapping
    ) -> Callable[[LegacyRow, list[LegacyRow], Operations], Operations]:
        """This variant as a ``Rewrite`` of one badge's upserts (see ``compare.served``)."""

        def rewrite(
            badge: LegacyRow, requirements: list[LegacyRow], operations: Operations
        ) -> Operations:
            return self.apply(badge, requirements, copy.deepcopy(operations), mapping)

        return rewrite


def _records(operations: Operations, kind: str) -> list[Any]:
    return [operation.record for operation in operations if operation.kind == kind]


def _achievements(operations: Operations) -> list[Any]:
    """The badge's Achievement and the copy embedded in its credential."""
    embedded = [
        credential["credentialSubject"]["achievement"]
        for credential in _records(operations, "credential")
    ]
    return _records(operations, "achievement") + embedded


def _truncate_text(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    for achievement in _achievements(operations):
        criteria = achievement["criteria"]
        if len(criteria.get("narrative", "")) > TRUNCATE_AT:
            criteria["narrative"] = criteria["narrative"][:TRUNCATE_AT]
    return operations


def _drop_requirement(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    for achievement in _achievements(operations):
        if achievement.get("resultDescription"):
            achievement["resultDescription"].pop()
            if not achievement["resultDescription"]:
                del achievement["resultDescription"]
    for credential in _records(operations, "credential"):
        results = credential["credentialSubject"].get("result")
        if results:
            results.pop()
    for progress in _records(operations, "progress"):
        if progress["requirements"]:
            progress["requirements"].pop()
    return operations


def _shift_timezone(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    """Legacy local times written as if they were UTC, converted to the mapping's zone."""
    for progress in _records(operations, "progress"):
        legacy = progress["legacy"]
        local = dt.datetime.fromisoformat(legacy["created_at"])
        try:
            shifted = local.replace(tzinfo=dt.UTC).astimezone(mapping.timezone).replace(tzinfo=None)
        except OverflowError:
            continue
        legacy["created_at"] = shifted.isoformat(timespec="microseconds")
    return operations


def _null_to_empty(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    for progress in _records(operations, "progress"):
        for name, value in progress["legacy"].items():
            if value is None and name not in ("updated_at",):
                progress["legacy"][name] = ""
    for achievement in _achievements(operations):
        achievement["criteria"].setdefault("narrative", "")
    return operations


def _nfc_to_nfd(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    return [
        BatchOperation(operation.kind, _nfd(operation.record), operation.key)
        for operation in operations
    ]


def _nfd(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFD", value)
    if isinstance(value, list):
        return [_nfd(item) for item in value]
    if isinstance(value, dict):
        return {name: _nfd(item) for name, item in value.items()}
    return value


def _replace_recipient(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    other = dataclasses.replace(mapping, recipient_email=OTHER_RECIPIENT)
    for credential in _records(operations, "credential"):
        credential["credentialSubject"]["identifier"] = [docs.identity_object(other, badge["id"])]
    return operations


def _round_progress(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    for progress in _records(operations, "progress"):
        value = progress["progress"]
        if isinstance(value, int):
            progress["progress"] = int(round(value, -1))
    return operations


def _duplicate_record(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    """The Achievement written a second time under a key made from a mangled legacy id."""
    (achievement,) = _records(operations, "achievement")
    twin_key = docs.key(mapping, "achievement", badge["id"] + " ")
    twin = {**copy.deepcopy(achievement), "id": twin_key.urn}
    return [*operations, BatchOperation("achievement", twin, twin_key)]


def _skip_award(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    kept = [operation for operation in operations if operation.kind != "credential"]
    for progress in _records(kept, "progress"):
        progress.pop("credential", None)
    return kept


def _award_unfinished(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    operations: Operations,
    mapping: MigrationMapping,
) -> Operations:
    if badge["status"] != "IN_PROGRESS":
        return operations
    issuer = {"id": "https://issuer.example.org/profile", "type": ["Profile"]}
    existing = _records(operations, "credential")
    if existing:
        issuer = existing[0]["issuer"]
    awarded = forward(
        {**badge, "status": mapping.award_status}, requirements, mapping=mapping, issuer=issuer
    )
    if awarded.credential is None:
        return operations
    return [*operations, BatchOperation("credential", awarded.credential)]


CATALOGUE: tuple[LossyMigration, ...] = (
    LossyMigration(
        "truncated-text",
        f"criteria narratives (badges.content) cut at {TRUNCATE_AT} characters",
        "badges.content",
        _truncate_text,
    ),
    LossyMigration(
        "dropped-requirement",
        "the last requirement of a badge is not migrated",
        "badge_requirements",
        _drop_requirement,
    ),
    LossyMigration(
        "timezone-shift",
        "created_at read as UTC and written in local time",
        "badges.created_at",
        _shift_timezone,
    ),
    LossyMigration(
        "null-to-empty", "NULL texts written as empty strings", "badges", _null_to_empty
    ),
    LossyMigration("nfc-to-nfd", "every string NFD-normalised", "badges", _nfc_to_nfd),
    LossyMigration(
        "recipient-replaced",
        "credentials name another learner's email",
        "recipient",
        _replace_recipient,
    ),
    LossyMigration(
        "progress-rounded", "progress rounded to tens", "badges.progress", _round_progress
    ),
    LossyMigration(
        "record-duplicated",
        "each Achievement written twice under two keys",
        "badges.id",
        _duplicate_record,
        "unexpected",
    ),
    LossyMigration(
        "award-missing",
        "COMPLETED badges are not awarded",
        "badges.status",
        _skip_award,
        "missing",
    ),
    LossyMigration(
        "award-unexpected",
        "IN_PROGRESS badges are awarded too",
        "badges.status",
        _award_unfinished,
        "unexpected",
    ),
)


def lossy_migration(name: str) -> LossyMigration:
    """The catalogue entry called ``name`` (``KeyError`` listing the names otherwise)."""
    for entry in CATALOGUE:
        if entry.name == name:
            return entry
    raise KeyError(f"no lossy migration {name!r}; known: {', '.join(e.name for e in CATALOGUE)}")
