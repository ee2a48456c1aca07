"""A whole data set through the mapping and back: forward to records, recover from records.

``ServedRecords`` holds what badge-engine serves (or, in memory, what ``forward`` made).
``recover_dataset`` groups served records by the legacy id they carry and rebuilds the legacy
rows from them, with findings for records that are duplicated, untraceable or inconsistent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from badgegate.client import BadgeEngineClient, BatchOperation, NotFound
from badgegate.findings import Finding
from badgegate.legacy.dataset import LegacyDataset, LegacyRow
from badgegate.mapping import MigrationMapping, check_served, forward, normalise, recover_rows
from badgegate.mapping.legacy_checks import printable
from badgegate.mapping.transforms import MISSING, system_identifier_inverse
from badgegate.streaming.planner import operations_of

Record = Any
#: Rewrites the upserts of one badge (a lossy migration); identity when None.
Rewrite = Callable[[LegacyRow, list[LegacyRow], list[BatchOperation]], list[BatchOperation]]


@dataclasses.dataclass
class ServedRecords:
    """Records of the three kinds, as badge-engine serves them."""

    achievements: list[Record] = dataclasses.field(default_factory=list)
    credentials: list[Record] = dataclasses.field(default_factory=list)
    progress: list[Record] = dataclasses.field(default_factory=list)

    def add(self, kind: str, record: Record) -> None:
        """Add one record of ``kind`` (achievement, credential or progress)."""
        {"achievement": self.achievements, "credential": self.credentials}.get(
            kind, self.progress
        ).append(record)


@dataclasses.dataclass
class RecoveredDataset:
    """Legacy rows rebuilt from served records, and what was wrong with the records."""

    badges: list[LegacyRow]
    requirements: list[LegacyRow]
    findings: list[Finding]


def operations_for(
    badge: LegacyRow,
    requirements: list[LegacyRow],
    *,
    mapping: MigrationMapping,
    issuer: str | Mapping[str, Any],
) -> tuple[list[BatchOperation], list[Finding]]:
    """The upserts one legacy badge becomes (none when unrepresentable), and its findings."""
    migrated = forward(badge, requirements, mapping=mapping, issuer=issuer)
    return list(operations_of(migrated)), migrated.findings


def migrate_in_memory(
    dataset: LegacyDataset,
    *,
    mapping: MigrationMapping,
    issuer: str | Mapping[str, Any],
    rewrite: Rewrite | None = None,
) -> tuple[ServedRecords, list[Finding]]:
    """Forward every badge of ``dataset`` (through ``rewrite`` when given), as served records."""
    served = ServedRecords()
    findings: list[Finding] = []
    for operation in iter_operations(
        dataset, mapping=mapping, issuer=issuer, rewrite=rewrite, findings=findings
    ):
        served.add(operation.kind, operation.record)
    return served, findings


def iter_operations(
    dataset: LegacyDataset,
    *,
    mapping: MigrationMapping,
    issuer: str | Mapping[str, Any],
    rewrite: Rewrite | None = None,
    findings: list[Finding] | None = None,
) -> Iterator[BatchOperation]:
    """Every upsert of ``dataset``'s badges in key order; findings go to ``findings``."""
    for badge, requirements in dataset.grouped():
        operations, badge_findings = operations_for(
            badge, requirements, mapping=mapping, issuer=issuer
        )
        if findings is not None:
            findings.extend(badge_findings)
        if rewrite is not None and operations:
            operations = rewrite(badge, requirements, operations)
        yield from operations


def expected_rows(
    dataset: LegacyDataset, *, mapping: MigrationMapping
) -> tuple[list[LegacyRow], list[LegacyRow]]:
    """The legacy rows a lossless migration gives back: representable badges, normalised."""
    badges: list[LegacyRow] = []
    requirements: list[LegacyRow] = []
    for badge, rows in dataset.grouped():
        migrated = forward(badge, rows, mapping=mapping, issuer="urn:example:issuer")
        if migrated.representable:
            kept_badge, kept_rows = normalise(badge, rows, mapping=mapping)
            badges.append(kept_badge)
            requirements.extend(kept_rows)
    return badges, requirements


def recover_dataset(served: ServedRecords, *, mapping: MigrationMapping) -> RecoveredDataset:
    """Group served records by legacy id and rebuild the legacy rows from them."""
    findings: list[Finding] = []
    achievements = _by_legacy_id(served.achievements, _achievement_legacy_id, findings)
    legacy_of_achievement = {
        record.get("id"): legacy_id for legacy_id, record in achievements.items()
    }
    progress = _by_legacy_id(
        served.progress,
        lambda record: legacy_of_achievement.get(record.get("achievement")),
        findings,
    )
    credentials = _by_legacy_id(served.credentials, _credential_legacy_id, findings)
    recovered = RecoveredDataset([], [], findings)
    for legacy_id in sorted(set(achievements) | set(progress) | set(credentials)):
        achievement = achievements.get(legacy_id, MISSING)
        record = progress.get(legacy_id, MISSING)
        credential = credentials.get(legacy_id)
        badge, requirements = recover_rows(achievement, record, mapping=mapping)
        badge.setdefault("id", legacy_id)
        recovered.badges.append(badge)
        recovered.requirements.extend(requirements)
        findings.extend(
            finding
            for finding in check_served(achievement, credential, record, mapping=mapping)
            if finding.rule != "served-id" or achievement is not MISSING
        )
    return recovered


def _by_legacy_id(
    records: Sequence[Record],
    legacy_id_of: Callable[[Record], Any],
    findings: list[Finding],
) -> dict[str, Record]:
    grouped: dict[str, Record] = {}
    for record in records:
        legacy_id = legacy_id_of(record)
        record_id = str(record.get("id"))
        if not isinstance(legacy_id, str):
            findings.append(
                Finding("served-untraceable", "record carries no legacy id", record_id=record_id)
            )
        elif legacy_id in grouped:
            findings.append(
                Finding(
                    "served-duplicate",
                    f"a second record for legacy id {printable(legacy_id)!r}: {record_id}",
                    record_id=printable(legacy_id),
                    expected=str(grouped[legacy_id].get("id")),
                    actual=record_id,
                )
            )
        else:
            grouped[legacy_id] = record
    return grouped


def _achievement_legacy_id(record: Record) -> Any:
    found = system_identifier_inverse(record.get("otherIdentifier"))
    return None if found is MISSING else found


def _credential_legacy_id(record: Record) -> Any:
    subject = record.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return _achievement_legacy_id(achievement) if isinstance(achievement, dict) else None


def read_back(
    client: BadgeEngineClient, dataset: LegacyDataset, *, mapping: MigrationMapping
) -> ServedRecords:
    """Read the records of ``dataset``'s badges back from badge-engine, by key.

    Achievements and progress records are fetched one by one; credentials come from the
    credential list (the OB 3.0 API has no single-credential read), kept when their id is one
    of the data set's.
    """
    from badgegate.mapping import documents as docs

    served = ServedRecords()
    credential_ids = set()
    for badge in dataset.badges:
        legacy_id = badge["id"]
        for kind, fetch in (
            ("achievement", client.get_achievement),
            ("progress", client.get_progress),
        ):
            try:
                served.add(kind, fetch(docs.key(mapping, kind, legacy_id)))  # type: ignore[arg-type]
            except NotFound:
                continue
        credential_ids.add(docs.urn(mapping, "credential", legacy_id))
    for credential in _credentials(client.iter_credentials(page_size=1000)):
        if credential.get("id") in credential_ids:
            served.add("credential", credential)
    return served


def _credentials(items: Iterable[Record | str]) -> Iterator[Record]:
    for item in items:
        if isinstance(item, dict):
            yield item
