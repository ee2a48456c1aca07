"""Consistency of served records with the rows they carry: what is stored twice or derived.

Rules (all errors): ``served-id`` (a record id is not the uuid5 of its legacy id),
``served-link`` (progress record links), ``served-credential-unexpected`` /
``served-credential-missing`` (awarded exactly when the status says so),
``served-valid-from`` (validFrom vs the legacy timestamps), ``served-credential-name``,
``served-embedded-achievement``, ``served-recipient``, ``served-result``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from badgegate.findings import Finding
from badgegate.legacy.dataset import LegacyRow
from badgegate.mapping import documents as docs
from badgegate.mapping.legacy_checks import printable
from badgegate.mapping.model import MigrationMapping
from badgegate.mapping.transforms import MISSING


def served_findings(
    badge: LegacyRow,
    requirements: Sequence[LegacyRow],
    achievement: Any,
    credential: Any,
    progress: Any,
    mapping: MigrationMapping,
) -> list[Finding]:
    """Check served records against the rows recovered from them."""
    legacy_id = badge.get(mapping.badges.key)
    if not isinstance(legacy_id, str):
        return [
            Finding(
                "served-id", "the Achievement carries no systemId legacy id", "/otherIdentifier"
            )
        ]
    check = _Checker(printable(legacy_id))
    check.equal(
        "/id",
        docs.urn(mapping, "achievement", legacy_id),
        docs.read(achievement, ("id",)),
        "served-id",
    )
    check.equal(
        "/id", docs.urn(mapping, "progress", legacy_id), docs.read(progress, ("id",)), "served-id"
    )
    check.equal(
        "/achievement",
        docs.read(achievement, ("id",)),
        docs.read(progress, ("achievement",)),
        "served-link",
    )
    _check_requirement_ids(check, requirements, achievement, mapping)
    expected = _expected_valid_from(badge, mapping)
    if credential is None:
        check.equal("/credential", MISSING, docs.read(progress, ("credential",)), "served-link")
        if expected is not None:
            check.fail(
                "served-credential-missing", "", f"{badge.get('status')} badge has no credential"
            )
    elif expected is None:
        check.fail(
            "served-credential-unexpected",
            "/id",
            f"{badge.get('status', '?')} badge has a credential",
        )
    else:
        _check_credential(
            check, badge, requirements, achievement, credential, progress, expected, mapping
        )
    return check.findings


def _expected_valid_from(badge: Mapping[str, Any], mapping: MigrationMapping) -> str | None:
    """The validFrom an awarded badge must have; None when it must not be awarded."""
    if badge.get("status") != mapping.award_status:
        return None
    created, updated = badge.get("created_at"), badge.get("updated_at")
    if created is None or isinstance(created, str) or isinstance(updated, str):
        return "<unknown>"  # unrecoverable timestamps: the row comparison reports them
    return docs.valid_from(mapping, created, updated)


def _check_requirement_ids(
    check: _Checker, requirements: Sequence[LegacyRow], achievement: Any, mapping: MigrationMapping
) -> None:
    entries = docs.read(achievement, ("resultDescription",))
    served_ids = {
        entry.get("id")
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
    }
    for row in requirements:
        requirement_id = row.get(mapping.requirements.key)
        if isinstance(requirement_id, str):
            expected = docs.urn(mapping, "requirement", requirement_id)
            if expected not in served_ids:
                check.fail("served-id", "/resultDescription", f"no result description {expected}")


def _check_credential(
    check: _Checker,
    badge: LegacyRow,
    requirements: Sequence[LegacyRow],
    achievement: Any,
    credential: Any,
    progress: Any,
    valid_from: str,
    mapping: MigrationMapping,
) -> None:
    legacy_id = badge[mapping.badges.key]
    credential_id = docs.urn(mapping, "credential", legacy_id)
    check.equal("/id", credential_id, docs.read(credential, ("id",)), "served-id")
    check.equal("/credential", credential_id, docs.read(progress, ("credential",)), "served-link")
    if valid_from != "<unknown>":
        check.equal(
            "/validFrom", valid_from, docs.read(credential, ("validFrom",)), "served-valid-from"
        )
    check.equal(
        "/name",
        docs.read(achievement, ("name",)),
        docs.read(credential, ("name",)),
        "served-credential-name",
    )
    subject = docs.read(credential, ("credentialSubject",))
    check.equal(
        "/credentialSubject/achievement",
        achievement,
        docs.read(subject, ("achievement",)),
        "served-embedded-achievement",
    )
    check.equal(
        "/credentialSubject/identifier",
        [docs.identity_object(mapping, legacy_id)],
        docs.read(subject, ("identifier",)),
        "served-recipient",
    )
    check.equal(
        "/credentialSubject/result",
        _expected_results(requirements, mapping),
        _results(subject),
        "served-result",
    )


def _expected_results(
    requirements: Sequence[LegacyRow], mapping: MigrationMapping
) -> dict[str, str]:
    return {
        docs.urn(mapping, "requirement", row[mapping.requirements.key]): docs.result_status(
            row.get("completed")
        )
        for row in requirements
        if isinstance(row.get(mapping.requirements.key), str)
    }


def _results(subject: Any) -> Any:
    results = docs.read(subject, ("result",))
    if results is MISSING:
        return {}
    if not isinstance(results, list) or not all(isinstance(item, dict) for item in results):
        return results
    by_description = {item.get("resultDescription"): item.get("status") for item in results}
    return by_description if len(by_description) == len(results) else results


class _Checker:
    def __init__(self, record_id: str) -> None:
        self.record_id = record_id
        self.findings: list[Finding] = []

    def equal(self, pointer: str, expected: Any, actual: Any, rule: str) -> None:
        if expected != actual:
            self.findings.append(
                Finding(
                    rule,
                    f"served {pointer} differs from what the legacy rows give",
                    pointer=pointer,
                    record_id=self.record_id,
                    expected=_plain(expected),
                    actual=_plain(actual),
                )
            )

    def fail(self, rule: str, pointer: str, message: str) -> None:
        self.findings.append(Finding(rule, message, pointer=pointer, record_id=self.record_id))


def _plain(value: Any) -> Any:
    return "<missing>" if value is MISSING else value
