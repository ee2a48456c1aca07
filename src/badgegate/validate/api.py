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
from badgegate.validate.schemas import exact_schema_findings, schema_findings, screening
from badgegate.validate.vocabulary import VC_V1_CONTEXT, VC_V2_CONTEXT

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
    from_json: bool = False,
) -> list[Finding]:
    """Validate ``document`` as ``kind``; return every finding (empty when valid).

    ``enveloped`` says the credential came inside a compact JWS (its proof), so no ``no-proof``.
    ``record_id`` is copied into every finding (for served records). ``from_json`` says the
    document is what ``json.loads`` returned (default hooks): it cannot be cyclic or hold
    non-JSON values and the parser bounded its depth, so the safety walk is skipped.
    """
    if kind not in KINDS:
        raise ConfigError(f"unknown document kind {kind!r}; use one of {', '.join(KINDS)}")
    if mode not in ("conformance", "verify"):
        raise ConfigError(f"unknown mode {mode!r}; use conformance or verify")
    findings = _document_findings(document, from_json)
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
    screened = screening(schema_name, variant).is_valid(document)
    if not screened:
        findings.extend(exact_schema_findings(schema_name, variant, document))
    if root_class is not None:
        context = rules.RuleContext(mode=mode, at=at or datetime.now(UTC), enveloped=enveloped)
        findings.extend(rules.check(document, root_class, context, screened=screened))
    return findings


def _document_findings(document: Any, from_json: bool = False) -> list[Finding]:
    if not isinstance(document, dict):
        return [
            Finding(
                rule="document-not-object",
                message=f"expected a JSON object, got {_json_type(document)}",
                requirement="an OB 3.0 document is a JSON object",
                section="B.1",
            )
        ]
    if not from_json and not _plain_json(document) and _too_deep(document):
        return [
            Finding(
                rule="document-too-deep",
                message="nested too deeply, cyclic or holding non-JSON values; not validated",
                requirement="a document is plain JSON that can be validated safely",
            )
        ]
    return []


# What the plain-JSON walk accepts by itself: nesting far below what ``json.dumps`` can encode
# from an ordinary call depth and far above any OB 3.0 document; containers enough for any
# credential (beyond, or through a cycle, the walk stops and ``json.dumps`` decides).
PLAIN_DEPTH = 200
PLAIN_CONTAINERS = 100_000
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain_json(document: dict[str, Any]) -> bool:
    """True for the common document: exact dicts (string keys), lists and scalars, not deep.

    Level by level, without recursion. False means "ask :func:`_too_deep`", which gives the
    verdict for subclasses, tuples, other key types, cycles and very deep or large documents.
    """
    level: list[Any] = [document]
    depth = seen = 0
    while level:
        depth, seen = depth + 1, seen + len(level)
        if depth > PLAIN_DEPTH or seen > PLAIN_CONTAINERS:
            return False
        containers: list[Any] = []
        for node in level:
            if type(node) is dict:
                try:
                    "".join(node)  # raises unless every key is a str
                except TypeError:
                    return False
                node = node.values()
            for value in node:
                kind = type(value)
                if kind is dict or kind is list:
                    containers.append(value)
                elif kind not in _SCALARS:
                    return False
        level = containers
    return True


def _too_deep(document: Any) -> bool:
    """True when nesting exceeds what can be validated safely (or the value is not JSON).

    ``json.dumps`` walks the document in C and raises on deep nesting, cycles and non-JSON
    values, which protects the native validator's stack.
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
        requirement="new credentials use the VC 2.0 data model",
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
    from_json: bool = False,
) -> list[list[Finding]]:
    """Validate many documents of one kind; one findings list per document, in order.

    The same verdicts as :func:`validate` (``from_json`` as there), judged at one time ``at``;
    ``schema_only`` skips the rules. A valid document costs one native schema call and one
    pass of the rules; only invalid ones are explained in detail.
    """
    schema_name, root_class = KINDS[kind]
    variant = "strict" if kind == "progress" else variant
    screening_validator = screening(schema_name, variant)
    context = rules.RuleContext(mode=mode, at=at or datetime.now(UTC))
    results: list[list[Finding]] = []
    for document in documents:
        if (
            _document_findings(document, from_json)
            or _is_vc11(document)
            or not screening_validator.is_valid(document)
        ):
            results.append(
                _schema_only(document, kind, variant, from_json)
                if schema_only
                else validate(
                    document, kind, variant=variant, mode=mode, at=context.at, from_json=from_json
                )
            )
        elif schema_only or root_class is None:
            results.append([])
        else:
            results.append(rules.check(document, root_class, context, screened=True))
    return results


def _schema_only(document: Any, kind: str, variant: str, from_json: bool) -> list[Finding]:
    return _document_findings(document, from_json) or schema_findings(
        KINDS[kind][0], variant, document
    )


def record_ids(findings: Sequence[Finding]) -> set[str]:
    """The record ids named by ``findings`` (for summaries of served data)."""
    return {finding.record_id for finding in findings if finding.record_id is not None}
