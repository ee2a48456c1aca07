"""The legacy side: what each legacy badge must be in badge-engine, checked against the spill.

Each badge goes through the mapping's ``forward`` to its records' keys and digests; a chunk of
badges is looked up in the spill with one query. Badges whose records are all there with equal
digests agree; the rest become candidates for a second look after re-fetching.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from badgegate import json_text
from badgegate.findings import Finding
from badgegate.ids import record_urn
from badgegate.legacy.dataset import LegacyRow
from badgegate.mapping import MigrationMapping, forward
from badgegate.mapping.legacy_checks import printable
from badgegate.reconcile.records import digest, key_of
from badgegate.reconcile.spill import Spill

Pair = tuple[str, str]


@dataclasses.dataclass
class Expectation:
    """One legacy badge and the records it must have in badge-engine (kind -> key, digest)."""

    legacy_id: str
    status: str
    badge: LegacyRow
    requirements: list[LegacyRow]
    records: dict[str, tuple[str, bytes]]
    credential_key: str
    findings: list[str]
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def representable(self) -> bool:
        """False when the badge cannot be migrated at all (it has no records)."""
        return bool(self.records)


@dataclasses.dataclass(frozen=True)
class Forwarded:
    """What forwarding one badge gives: its records' keys and digests, and its findings (as
    report entries, JSON text).

    This, not the badge's rows, is what a forwarding process sends back.
    """

    records: dict[str, tuple[str, bytes]]
    credential_key: str
    findings: list[str]


def forwarded(
    badge: LegacyRow,
    requirements: Sequence[LegacyRow],
    *,
    mapping: MigrationMapping,
    issuer: Mapping[str, Any],
) -> Forwarded:
    """Forward one badge and keep the keys and digests of its records."""
    migrated = forward(badge, requirements, mapping=mapping, issuer=issuer)
    legacy_id = str(badge.get("id"))
    # The records' own ids hold the keys when they were made from this same legacy id.
    keyed_alike = migrated.legacy_id == legacy_id
    namespace = mapping.namespace
    records: dict[str, tuple[str, bytes]] = {}
    for kind, record in (
        ("achievement", migrated.achievement),
        ("credential", migrated.credential),
        ("progress", migrated.progress),
    ):
        if record is not None:
            record_id = record["id"] if keyed_alike else record_urn(namespace, kind, legacy_id)  # type: ignore[arg-type]
            records[kind] = (key_of(record_id), digest(record))
    if "credential" in records:
        credential_key = records["credential"][0]
    else:
        credential_key = key_of(record_urn(namespace, "credential", legacy_id))
    status = str(badge.get("status"))
    findings = [json_text.dumps(legacy_finding_entry(f, status)) for f in migrated.findings]
    return Forwarded(records, credential_key, findings)


def expectation(badge: LegacyRow, requirements: list[LegacyRow], result: Forwarded) -> Expectation:
    """The expectation of a badge, from its rows and what forwarding it gave."""
    return Expectation(
        legacy_id=str(badge.get("id")),
        status=str(badge.get("status")),
        badge=badge,
        requirements=requirements,
        records=result.records,
        credential_key=result.credential_key,
        findings=result.findings,
    )


def check_chunk(spill: Spill, expectations: Sequence[Expectation]) -> list[Expectation]:
    """Compare a chunk with the spill, mark what it accounts for; return those that differ."""
    wanted: list[Pair] = []
    for item in expectations:
        wanted += [(kind, key) for kind, (key, _) in item.records.items()]
        if "credential" not in item.records:
            wanted.append(("credential", item.credential_key))
    served = spill.digests(wanted)
    differing = []
    for item in expectations:
        for kind, (key, expected) in item.records.items():
            actual = served.get((kind, key))
            if actual is None:
                item.problems.append(f"missing {kind}")
            elif actual != expected:
                item.problems.append(f"changed {kind}")
        if "credential" not in item.records and ("credential", item.credential_key) in served:
            item.problems.append("unexpected credential")
        if item.problems:
            differing.append(item)
    spill.mark_matched(served)
    return differing


def legacy_finding_entry(finding: Finding, status: str) -> dict[str, Any]:
    """A legacy finding as a report entry."""
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "legacyId": finding.record_id if finding.record_id is not None else "",
        "status": printable(status),
        "pointer": finding.pointer,
        "message": finding.message,
    }
