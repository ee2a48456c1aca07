"""The second look: a differing badge, re-fetched, classified and explained in legacy columns.

After re-fetching, a badge whose records now agree was changed mid-run and is not reported.
Otherwise each problem becomes a report entry: ``missing`` (a record badge-engine lacks),
``unexpected`` (a record it should not have, e.g. a credential for an unfinished badge),
``changed`` (with the deepdiff of the legacy rows recovered from what is served, per legacy
column), or ``invariant`` (requirement counts, recipient, award rules across records).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deepdiff import DeepDiff

from badgegate.compare.diff import compare_rows, json_value, keyed_rows
from badgegate.mapping import MigrationMapping, check_served, normalise, recover_rows
from badgegate.mapping.legacy_checks import printable
from badgegate.mapping.transforms import MISSING
from badgegate.reconcile.legacy_side import Expectation, Pair
from badgegate.reconcile.records import data_of, digest, proof_problem

#: Served-record rules about relations between records rather than one record's fields.
INVARIANT_RULES = {
    "served-recipient": "recipient",
    "served-valid-from": "badges.updated_at",
    "served-result": "badge_requirements.completed",
    "served-credential-name": "badges.name",
    "served-embedded-achievement": "badges",
    "served-link": "badges.id",
    "served-id": "badges.id",
}


def wanted_pairs(item: Expectation) -> list[Pair]:
    """The ``(kind, key)`` pairs to re-fetch for a differing badge."""
    pairs = [(kind, key) for kind, (key, _) in item.records.items()]
    if "credential" not in item.records:
        pairs.append(("credential", item.credential_key))
    return pairs


def classify(
    item: Expectation,
    fresh: Mapping[Pair, Any],
    *,
    mapping: MigrationMapping,
    issuer_id: str | None = None,
) -> list[dict[str, Any]]:
    """Report entries for one badge after re-fetching (empty when it agrees after all).

    A credential embeds a snapshot of its issuer's Profile; when the tenant's Profile changed
    since (same ``issuer_id``, other members), the credential still agrees.
    """
    served = {kind: fresh.get((kind, key)) for kind, (key, _) in item.records.items()}
    unexpected = None
    if "credential" not in item.records:
        unexpected = fresh.get(("credential", item.credential_key))
    changed = [
        kind
        for kind, (_, expected) in item.records.items()
        if served[kind] is not None and digest(data_of(kind, served[kind])) != expected
    ]
    entries = [_missing(item, kind) for kind, record in served.items() if record is None]
    if unexpected is not None:
        entries.append(
            _entry(
                item,
                "unexpected",
                "credential",
                f"a {item.status} badge is awarded a credential",
                rules=["served-credential-unexpected"],
            )
        )
    if "credential" in changed and _same_but_issuer_snapshot(item, served, mapping, issuer_id):
        changed.remove("credential")
    if changed:
        entries += _changed(item, served, changed, mapping)
    problem = proof_problem(served.get("credential"))
    if problem is not None:
        entries.append(
            _entry(
                item,
                "invariant",
                "credential",
                f"the credential's proof does not verify: {problem}",
                rules=["served-proof"],
            )
        )
    return entries


def _same_but_issuer_snapshot(
    item: Expectation, served: Mapping[str, Any], mapping: MigrationMapping, issuer_id: str | None
) -> bool:
    """True when the served credential is what the migration gives with the issuer it embeds,
    and that issuer is the expected one."""
    from badgegate.mapping import forward

    issuer = _issuer(served)
    served_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id is None or served_id != issuer_id:
        return False
    migrated = forward(item.badge, item.requirements, mapping=mapping, issuer=issuer)
    credential = served.get("credential")
    if isinstance(credential, dict):
        credential = {name: value for name, value in credential.items() if name != "proof"}
    return bool(migrated.credential == credential)


def _missing(item: Expectation, kind: str) -> dict[str, Any]:
    rules = ["served-credential-missing"] if kind == "credential" else []
    message = f"badge-engine has no {kind} for this legacy badge"
    if kind == "credential":
        message = f"the {item.status} badge is not awarded: badge-engine has no credential"
    return _entry(item, "missing", kind, message, rules=rules)


def _changed(
    item: Expectation, served: Mapping[str, Any], changed: list[str], mapping: MigrationMapping
) -> list[dict[str, Any]]:
    """The changed entry (fields in legacy columns) and any broken invariants."""
    achievement = served.get("achievement") or MISSING
    progress = served.get("progress") or MISSING
    badge, requirements = recover_rows(achievement, progress, mapping=mapping)
    badge.setdefault("id", item.legacy_id)
    expected = keyed_rows(*_listed(normalise(item.badge, item.requirements, mapping=mapping)))
    fields = [d.to_dict() for d in compare_rows(expected, keyed_rows([badge], requirements))]
    findings = [
        finding
        for finding in check_served(
            achievement, served.get("credential"), progress, mapping=mapping
        )
        if finding.rule in INVARIANT_RULES
    ]
    fields += [_finding_field(item, finding) for finding in findings]
    if not fields:
        fields = _document_fields(item, served, changed, mapping)
    rules = sorted({finding.rule for finding in findings})
    message = "served records differ from the legacy rows"
    entries = [_entry(item, "changed", "+".join(changed), message, rules=rules, fields=fields)]
    if "served-recipient" in rules:
        entries.append(
            _entry(
                item,
                "invariant",
                "credential",
                "the credential's recipient breaks the mapping's recipient rule",
                rules=["served-recipient"],
                fields=[f for f in fields if f["field"] == "recipient"],
            )
        )
    return entries + _requirement_counts(item, served)


def _finding_field(item: Expectation, finding: Any) -> dict[str, Any]:
    return {
        "field": INVARIANT_RULES[finding.rule],
        "recordId": printable(item.legacy_id),
        "badgeId": printable(item.legacy_id),
        "change": finding.rule,
        "expected": json_value(finding.expected),
        "actual": json_value(finding.actual),
    }


def _listed(rows: tuple[Any, list[Any]]) -> tuple[list[Any], list[Any]]:
    return [rows[0]], rows[1]


def _requirement_counts(item: Expectation, served: Mapping[str, Any]) -> list[dict[str, Any]]:
    counts = {"legacy": len(item.requirements)}
    achievement, progress = served.get("achievement"), served.get("progress")
    if isinstance(achievement, dict):
        counts["achievement"] = len(achievement.get("resultDescription") or [])
    if isinstance(progress, dict):
        counts["progress"] = len(progress.get("requirements") or [])
    if len(set(counts.values())) <= 1:
        return []
    return [
        _entry(
            item,
            "invariant",
            "achievement",
            f"requirement counts differ: {counts}",
            rules=["requirement-count"],
            fields=[
                {
                    "field": "badge_requirements",
                    "recordId": printable(item.legacy_id),
                    "change": "count",
                    "expected": counts["legacy"],
                    "actual": counts,
                }
            ],
        )
    ]


def _document_fields(
    item: Expectation, served: Mapping[str, Any], changed: list[str], mapping: MigrationMapping
) -> list[dict[str, Any]]:
    """For differences recover cannot see (extra members): JSON paths of the served document."""
    from badgegate.mapping import forward

    migrated = forward(item.badge, item.requirements, mapping=mapping, issuer=_issuer(served))
    expected = {
        "achievement": migrated.achievement,
        "credential": migrated.credential,
        "progress": migrated.progress,
    }
    fields = []
    for kind in changed:
        tree = DeepDiff(expected[kind], served[kind], view="tree")
        for report_type, levels in tree.items():
            for level in levels:
                path = "/".join(str(token) for token in level.path(output_format="list"))
                fields.append(
                    {
                        "field": f"{kind}:/{path}",
                        "recordId": printable(item.legacy_id),
                        "change": report_type,
                        "expected": _plain(level.t1),
                        "actual": _plain(level.t2),
                    }
                )
    return fields


def _issuer(served: Mapping[str, Any]) -> Any:
    credential = served.get("credential")
    return credential.get("issuer", "") if isinstance(credential, dict) else ""


def _plain(value: Any) -> Any:
    return None if type(value).__name__ == "NotPresent" else json_value(value)


def _entry(
    item: Expectation,
    klass: str,
    kind: str,
    message: str,
    *,
    rules: list[str] | None = None,
    fields: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    key = item.records.get(kind, (item.credential_key if kind == "credential" else "", b""))[0]
    return {
        "class": klass,
        "kind": kind,
        "legacyId": printable(item.legacy_id),
        "engineId": f"urn:uuid:{key}" if key else None,
        "status": printable(item.status),
        "rules": rules or [],
        "message": message,
        "fields": fields or [],
    }
