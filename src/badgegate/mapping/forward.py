"""Forward: one legacy badge with its requirements -> its badge-engine records.

Every badge gives an OB 3.0 ``Achievement`` (requirements as result descriptions) and a
progress record; a badge whose status is the mapping's ``award_status`` also gives an
``OpenBadgeCredential`` (unsigned). Where each column goes is read from the mapping; the rest
(ids, types, the credential's derived members) is fixed here.
"""

from __future__ import annotations

import copy
import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from badgegate.findings import Finding, has_errors
from badgegate.mapping import documents as docs
from badgegate.mapping.documents import JsonObject
from badgegate.mapping.legacy_checks import inconsistencies, printable, row_problems
from badgegate.mapping.model import ColumnFate, MigrationMapping
from badgegate.mapping.transforms import PARENT_KEY, TRANSFORMS

Issuer = str | Mapping[str, Any]


@dataclasses.dataclass(frozen=True)
class MigratedBadge:
    """The records one legacy badge becomes, and the findings about it.

    When the badge cannot be represented, the records are None and ``findings`` say why.
    """

    legacy_id: str
    achievement_key: uuid.UUID | None
    achievement: JsonObject | None
    credential: JsonObject | None
    progress_key: uuid.UUID | None
    progress: JsonObject | None
    findings: list[Finding]

    @property
    def representable(self) -> bool:
        """True when the badge's records were made."""
        return self.achievement is not None

    @property
    def credential_key(self) -> uuid.UUID | None:
        """The credential's key, when the badge was awarded."""
        return uuid.UUID(self.credential["id"]) if self.credential is not None else None


def forward(
    badge_row: Mapping[str, Any],
    requirement_rows: Sequence[Mapping[str, Any]],
    *,
    mapping: MigrationMapping,
    issuer: Issuer,
) -> MigratedBadge:
    """Migrate one legacy badge: an Achievement, a progress record, maybe a credential.

    ``issuer`` is the tenant's Profile id or Profile object (the credential's issuer).
    Never raises for bad data: an unrepresentable row gives error findings and no records.
    """
    problems = row_problems(badge_row, requirement_rows, mapping)
    legacy_id = badge_row.get(mapping.badges.key)
    if has_errors(problems) or not isinstance(legacy_id, str):
        return MigratedBadge(printable(str(legacy_id)), None, None, None, None, None, problems)
    requirements = sorted(requirement_rows, key=lambda row: row[mapping.requirements.key])
    findings = inconsistencies(badge_row, requirements, mapping)
    achievement = _achievement(badge_row, requirements, mapping)
    credential = None
    if badge_row["status"] == mapping.award_status:
        credential = _credential(badge_row, requirements, achievement, mapping, issuer)
        if credential is None:
            findings.append(_out_of_range(legacy_id))
    progress = _progress(badge_row, requirements, mapping, credential)
    return MigratedBadge(
        legacy_id=legacy_id,
        achievement_key=docs.key(mapping, "achievement", legacy_id),
        achievement=achievement,
        credential=credential,
        progress_key=docs.key(mapping, "progress", legacy_id),
        progress=progress,
        findings=findings,
    )


def _achievement(
    badge: Mapping[str, Any], requirements: Sequence[Mapping[str, Any]], mapping: MigrationMapping
) -> JsonObject:
    achievement: JsonObject = {
        "id": docs.urn(mapping, "achievement", badge[mapping.badges.key]),
        "type": ["Achievement"],
        "criteria": {},
    }
    if requirements:
        achievement["resultDescription"] = [
            {
                "id": docs.urn(mapping, "requirement", row[mapping.requirements.key]),
                "type": ["ResultDescription"],
                "resultType": "Status",
            }
            for row in requirements
        ]
    _place_columns(achievement, "achievement", badge, requirements, mapping)
    return docs.ordered(achievement, docs.ACHIEVEMENT_ORDER)


def _progress(
    badge: Mapping[str, Any],
    requirements: Sequence[Mapping[str, Any]],
    mapping: MigrationMapping,
    credential: JsonObject | None,
) -> JsonObject:
    legacy_id = badge[mapping.badges.key]
    progress: JsonObject = {
        "id": docs.urn(mapping, "progress", legacy_id),
        "type": [docs.PROGRESS_TYPE],
        "achievement": docs.urn(mapping, "achievement", legacy_id),
        "requirements": [
            {"id": docs.urn(mapping, "requirement", row[mapping.requirements.key])}
            for row in requirements
        ],
        "legacy": {},
    }
    if credential is not None:
        progress["credential"] = credential["id"]
    _place_columns(progress, "progress", badge, requirements, mapping)
    return docs.ordered(progress, docs.PROGRESS_ORDER)


def _place_columns(
    document: JsonObject,
    name: str,
    badge: Mapping[str, Any],
    requirements: Sequence[Mapping[str, Any]],
    mapping: MigrationMapping,
) -> None:
    for column in mapping.badges.migrated:
        if column.document == name:
            _place(document, column, badge[column.name], None)
    for position, row in enumerate(requirements):
        for column in mapping.requirements.migrated:
            if column.document == name and column.transform != PARENT_KEY:
                _place(document, column, row[column.name], position)


def _place(document: JsonObject, column: ColumnFate, value: Any, position: int | None) -> None:
    pointer = docs.resolve(column.pointer, position)
    assert pointer is not None
    if value is None:
        if column.document == "progress":  # OB 3.0 documents omit nulls; progress keeps them
            docs.place(document, pointer, None)
        return
    docs.place(document, pointer, TRANSFORMS[column.transform or ""].forward(value))


def _credential(
    badge: Mapping[str, Any],
    requirements: Sequence[Mapping[str, Any]],
    achievement: JsonObject,
    mapping: MigrationMapping,
    issuer: Issuer,
) -> JsonObject | None:
    legacy_id = badge[mapping.badges.key]
    valid_from = docs.valid_from(mapping, badge["created_at"], badge["updated_at"])
    if valid_from is None:
        return None
    subject: JsonObject = {
        "type": ["AchievementSubject"],
        "identifier": [docs.identity_object(mapping, legacy_id)],
        "achievement": copy.deepcopy(achievement),
    }
    if requirements:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": description["id"],
                "status": docs.result_status(row["completed"]),
            }
            for description, row in zip(achievement["resultDescription"], requirements, strict=True)
        ]
    credential: JsonObject = {
        "@context": [docs.VC_CONTEXT, docs.OB_CONTEXT],
        "id": docs.urn(mapping, "credential", legacy_id),
        "type": list(docs.CREDENTIAL_TYPES),
        "name": achievement.get("name", ""),
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": valid_from,
        "credentialSubject": subject,
    }
    return credential


def _out_of_range(legacy_id: str) -> Finding:
    return Finding(
        rule="legacy-award-time-out-of-range",
        message="COALESCE(updated_at, created_at) has no UTC instant in the years 1-9999; "
        "the badge is not awarded",
        pointer="/updated_at",
        record_id=printable(legacy_id),
    )
