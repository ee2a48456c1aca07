"""Validate OB 3.0 documents: the schema first (formats asserted), then the rules beyond it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from badgegate.errors import ConfigError
from badgegate.findings import Finding
from badgegate.validate import rules
from badgegate.validate.model import VC_V1_CONTEXT, VC_V2_CONTEXT
from badgegate.validate.schemas import compiled, schema_findings

Variant = Literal["strict", "jsonld"]
Mode = Literal["conformance", "verify"]
Kind = Literal[
    "credential",
    "endorsement",
    "achievement",
    "profile",
    "credentials-response",
    "imsx-status-info",
    "progress",
]
# kind -> (schema name, root class of the rules; None: schema only)
KINDS: dict[str, tuple[str, str | None]] = {
    "credential": ("achievement-credential", "AchievementCredential"),
    "endorsement": ("endorsement-credential", "EndorsementCredential"),
    "achievement": ("achievement", "Achievement"),
    "profile": ("profile", "Profile"),
    "credentials-response": ("get-credentials-response", "GetOpenBadgeCredentialsResponse"),
    "imsx-status-info": ("imsx-status-info", None),
    "progress": ("progress-record", None),
}


def validate(
    document: Any,
    kind: Kind,
    *,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
    enveloped: bool = False,
    record_id: str | None = None,
) -> list[Finding]:
    """Validate ``document`` as ``kind``; return every finding (empty when valid).

    ``enveloped`` says the credential came inside a compact JWS (its proof), so no ``no-proof``.
    ``record_id`` is copied into every finding (for served records).
    """
    if kind not in KINDS:
        raise ConfigError(f"unknown document kind {kind!r}; use one of {', '.join(KINDS)}")
    if mode not in ("conformance", "verify"):
        raise ConfigError(f"unknown mode {mode!r}; use conformance or verify")
    findings = _document_findings(document)
    if not findings:
        findings = _validated(document, kind, variant, mode, at, enveloped)
    if record_id is not None:
        findings = [dataclasses.replace(finding, record_id=record_id) for finding in findings]
    return findings


def _validated(
    document: dict[str, Any],
    kind: str,
    variant: str,
    mode: str,
    at: datetime | None,
    enveloped: bool,
) -> list[Finding]:
    schema_name, root_class = KINDS[kind]
    findings: list[Finding] = []
    if kind in ("credential", "endorsement") and _is_vc11(document):
        document, findings = _as_vc20(document)
    if kind == "progress":
        variant = "strict"
    findings.extend(schema_findings(schema_name, variant, document))
    if root_class is not None:
        context = rules.RuleContext(mode=mode, at=at or datetime.now(UTC), enveloped=enveloped)
        findings.extend(rules.check(document, root_class, context))
    return findings


def _document_findings(document: Any) -> list[Finding]:
    if not isinstance(document, dict):
        return [
            Finding(
                rule="document-not-object",
                message=f"expected a JSON object, got {_json_type(document)}",
            )
        ]
    if _too_deep(document):
        return [
            Finding(
                rule="document-too-deep",
                message="nested too deeply, cyclic or holding non-JSON values; not validated",
            )
        ]
    return []


def _too_deep(document: Any) -> bool:
    """True when nesting exceeds what can be validated safely (or the value is not JSON).

    ``json.dumps`` walks the document in C and raises on deep nesting, cycles and non-JSON
    values; that is cheaper than a Python walk and protects the native validator's stack.
    """
    try:
        json.dumps(document)
    except (RecursionError, ValueError, TypeError):
        return True
    return False


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _is_vc11(document: dict[str, Any]) -> bool:
    contexts = document.get("@context")
    return isinstance(contexts, list) and bool(contexts) and contexts[0] == VC_V1_CONTEXT


def _as_vc20(document: dict[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    """Read a VC 1.1 credential as its VC 2.0 equivalent, with a ``vc11-form`` warning."""
    converted = dict(document)
    converted["@context"] = [VC_V2_CONTEXT, *document["@context"][1:]]
    for old, new in (("issuanceDate", "validFrom"), ("expirationDate", "validUntil")):
        if old in converted:
            converted[new] = converted.pop(old)
    warning = Finding(
        rule="vc11-form",
        message="VC Data Model 1.1 credential (2018 context, issuanceDate): accepted for "
        "verification only; issue VC 2.0 credentials",
        pointer="/@context/0",
        severity="warning",
        section="B.1.2",
    )
    return converted, [warning]


def validate_many(
    documents: Iterable[Any],
    kind: Kind = "credential",
    *,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
    schema_only: bool = False,
) -> list[list[Finding]]:
    """Validate many documents of one kind; one findings list per document, in order.

    The schema step is a single compiled jsonschema-rs validator, asked ``is_valid`` first so
    valid documents cost one native call; ``schema_only`` skips the rules.
    """
    schema_name, root_class = KINDS[kind]
    validator = compiled(schema_name, "strict" if kind == "progress" else variant)
    context = rules.RuleContext(mode=mode, at=at or datetime.now(UTC))
    results: list[list[Finding]] = []
    for document in documents:
        if _document_findings(document) or _is_vc11(document) or not validator.is_valid(document):
            results.append(
                validate(document, kind, variant=variant, mode=mode, at=context.at)
                if not schema_only
                else _schema_only(document, kind, variant)
            )
        elif schema_only or root_class is None:
            results.append([])
        else:
            results.append(rules.check(document, root_class, context))
    return results


def _schema_only(document: Any, kind: str, variant: str) -> list[Finding]:
    return _document_findings(document) or schema_findings(KINDS[kind][0], variant, document)


def record_ids(findings: Sequence[Finding]) -> set[str]:
    """The record ids named by ``findings`` (for summaries of served data)."""
    return {finding.record_id for finding in findings if finding.record_id is not None}
