"""Forward: one legacy badge with its requirements -> its badge-engine records.

Every badge gives an OB 3.0 ``Achievement`` (requirements as result descriptions) and a
progress record; a badge whose status is the mapping's ``award_status`` also gives an
``OpenBadgeCredential`` (unsigned). Where each column goes is read from the mapping; the rest
(ids, types, the credential's derived members) is fixed here.
"""

from __future__ import annotations

import dataclasses
import operator
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from badgegate.findings import Finding, has_errors
from badgegate.ids import record_urn
from badgegate.mapping import documents as docs
from badgegate.mapping.documents import JsonObject
from badgegate.mapping.legacy_checks import inconsistencies, printable, row_problems
from badgegate.mapping.model import MigrationMapping
from badgegate.mapping.plan import ForwardPlan, forward_plan
from badgegate.ob3 import OB3_CONTEXTS

Issuer = str | Mapping[str, Any]


@dataclasses.dataclass(frozen=True)
class MigratedBadge:
    """The records one legacy badge becomes, and the findings about it.

    When the badge cannot be represented, the records are None and ``findings`` say why.
    """

    legacy_id: str
    achievement: JsonObject | None
    credential: JsonObject | None
    progress: JsonObject | None
    findings: list[Finding]

    @property
    def representable(self) -> bool:
        """True when the badge's records were made."""
        return self.achievement is not None

    @property
    def achievement_key(self) -> uuid.UUID | None:
        """The Achievement's key, when the badge's records were made."""
        return _key_of(self.achievement)

    @property
    def credential_key(self) -> uuid.UUID | None:
        """The credential's key, when the badge was awarded."""
        return _key_of(self.credential)

    @property
    def progress_key(self) -> uuid.UUID | None:
        """The progress record's key, when the badge's records were made."""
        return _key_of(self.progress)


def _key_of(record: JsonObject | None) -> uuid.UUID | None:
    """The key in a record's ``urn:uuid:`` id."""
    return uuid.UUID(record["id"]) if record is not None else None


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
        return MigratedBadge(printable(str(legacy_id)), None, None, None, problems)
    requirement_key = mapping.requirements.key
    requirements = sorted(requirement_rows, key=operator.itemgetter(requirement_key))
    findings = inconsistencies(badge_row, requirements, mapping)
    plan = forward_plan(mapping)
    achievement_id = record_urn(mapping.namespace, "achievement", legacy_id)
    requirement_ids = docs.urns(
        mapping, "requirement", [row[requirement_key] for row in requirements]
    )
    achievement = _achievement(badge_row, requirements, plan, achievement_id, requirement_ids)
    credential = None
    if badge_row["status"] == mapping.award_status:
        credential = _credential(badge_row, requirements, achievement, mapping, issuer)
        if credential is None:
            findings.append(_out_of_range(legacy_id))
    progress_id = record_urn(mapping.namespace, "progress", legacy_id)
    progress = _progress(
        badge_row,
        requirements,
        plan,
        (progress_id, achievement_id),
        requirement_ids,
        credential,
    )
    return MigratedBadge(
        legacy_id=legacy_id,
        achievement=achievement,
        credential=credential,
        progress=progress,
        findings=findings,
    )


def _achievement(
    badge: Mapping[str, Any],
    requirements: Sequence[Mapping[str, Any]],
    plan: ForwardPlan,
    achievement_id: str,
    requirement_ids: Sequence[str],
) -> JsonObject:
    achievement: JsonObject = {
        "id": achievement_id,
        "type": ["Achievement"],
        "criteria": {},
    }
    if requirements:
        achievement["resultDescription"] = [
            {"id": requirement_id, "type": ["ResultDescription"], "resultType": "Status"}
            for requirement_id in requirement_ids
        ]
    plan.fill(achievement, "achievement", badge, requirements)
    return docs.ordered(achievement, docs.ACHIEVEMENT_ORDER)


def _progress(
    badge: Mapping[str, Any],
    requirements: Sequence[Mapping[str, Any]],
    plan: ForwardPlan,
    ids: tuple[str, str],
    requirement_ids: Sequence[str],
    credential: JsonObject | None,
) -> JsonObject:
    """The progress record; ``ids`` are its own id and its achievement's."""
    progress: JsonObject = {
        "id": ids[0],
        "type": [docs.PROGRESS_TYPE],
        "achievement": ids[1],
        "requirements": [{"id": requirement_id} for requirement_id in requirement_ids],
        "legacy": {},
    }
    if credential is not None:
        progress["credential"] = credential["id"]
    plan.fill(progress, "progress", badge, requirements)
    return docs.ordered(progress, docs.PROGRESS_ORDER)


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
        "achievement": docs.copy_json(achievement),
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
        "@context": list(OB3_CONTEXTS),
        "id": record_urn(mapping.namespace, "credential", legacy_id),
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
