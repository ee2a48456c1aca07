"""Open Badges 3.0 validation: our JSON Schemas plus the rules a JSON Schema cannot state.

Every function returns a list of :class:`badgegate.findings.Finding` (empty when the document
is valid; warnings do not make it invalid). ``variant`` picks the schema variant (``strict``
plain JSON or ``jsonld`` compacted values); ``mode`` ``verify`` turns expiry and not-yet-valid
into errors judged at ``at`` (default: now). Importing this package is cheap: schemas are
compiled on first use, once per process. Every function takes ``from_json=True`` for a
document exactly as ``json.loads`` returned it (default hooks), which skips the safety walk
that guards in-memory documents against deep nesting, cycles and non-JSON values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from badgegate.findings import Finding
from badgegate.validate.api import Kind, Mode, Variant, validate, validate_many

__all__ = [
    "Kind",
    "Mode",
    "Variant",
    "detect_kind",
    "validate",
    "validate_achievement",
    "validate_credential",
    "validate_credentials_response",
    "validate_document",
    "validate_endorsement",
    "validate_imsx_status_info",
    "validate_many",
    "validate_profile",
    "validate_progress_record",
    "validate_served_record",
]


def validate_credential(
    doc: Any,
    *,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
    from_json: bool = False,
) -> list[Finding]:
    """Validate an AchievementCredential (OpenBadgeCredential)."""
    return validate(doc, "credential", variant=variant, mode=mode, at=at, from_json=from_json)


def validate_endorsement(
    doc: Any,
    *,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
    from_json: bool = False,
) -> list[Finding]:
    """Validate an EndorsementCredential."""
    return validate(doc, "endorsement", variant=variant, mode=mode, at=at, from_json=from_json)


def validate_achievement(
    doc: Any,
    *,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
    from_json: bool = False,
) -> list[Finding]:
    """Validate a standalone Achievement (as the extension API stores it)."""
    return validate(doc, "achievement", variant=variant, mode=mode, at=at, from_json=from_json)


def validate_profile(
    doc: Any,
    *,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
    from_json: bool = False,
) -> list[Finding]:
    """Validate a Profile (getProfile / putProfile body)."""
    return validate(doc, "profile", variant=variant, mode=mode, at=at, from_json=from_json)


def validate_credentials_response(
    doc: Any,
    *,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
    from_json: bool = False,
) -> list[Finding]:
    """Validate a GetOpenBadgeCredentialsResponse body (every credential in it too)."""
    return validate(
        doc, "credentials-response", variant=variant, mode=mode, at=at, from_json=from_json
    )


def validate_imsx_status_info(
    doc: Any, *, variant: Variant = "strict", from_json: bool = False
) -> list[Finding]:
    """Validate an Imsx_StatusInfo error body."""
    return validate(doc, "imsx-status-info", variant=variant, from_json=from_json)


def validate_progress_record(doc: Any, *, from_json: bool = False) -> list[Finding]:
    """Validate a badgegate progress record (``schemas/badgegate/progress-record.schema.json``)."""
    return validate(doc, "progress", from_json=from_json)


def detect_kind(doc: Any) -> Kind | None:
    """The document kind its ``type`` (or, for API bodies, its members) says; None if unknown."""
    if not isinstance(doc, dict):
        return None
    value = doc.get("type")
    types = value if isinstance(value, list) else [value]  # items may be unhashable
    for term, kind in _KIND_BY_TYPE:
        if term in types:
            return kind
    if "imsx_codeMajor" in doc:
        return "imsx-status-info"
    if "type" not in doc and ("credential" in doc or "compactJwsString" in doc):
        return "credentials-response"
    return None


_KIND_BY_TYPE: tuple[tuple[str, Kind], ...] = (
    ("EndorsementCredential", "endorsement"),
    ("AchievementCredential", "credential"),
    ("OpenBadgeCredential", "credential"),
    ("VerifiableCredential", "credential"),
    ("Achievement", "achievement"),
    ("Profile", "profile"),
    ("BadgegateProgressRecord", "progress"),
)


def validate_document(
    doc: Any,
    *,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
    enveloped: bool = False,
    from_json: bool = False,
) -> list[Finding]:
    """Validate a document of the kind its ``type`` names (``document-kind`` error if none).

    ``from_json``: the document is what ``json.loads`` returned (see :func:`validate`).
    """
    kind = detect_kind(doc)
    if kind is None:
        if not isinstance(doc, dict):
            return validate(doc, "credential")  # reports document-not-object
        return [
            Finding(
                rule="document-kind",
                message="not an OB 3.0 document badgegate knows: no known term in type",
                pointer="/type" if "type" in doc else "",
                actual=doc.get("type"),
                requirement="type names the OB 3.0 class of the document",
                section="B.2",
            )
        ]
    return validate(
        doc, kind, variant=variant, mode=mode, at=at, enveloped=enveloped, from_json=from_json
    )


def validate_served_record(
    record: Any,
    kind: Kind,
    *,
    record_id: str | None = None,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
    from_json: bool = False,
) -> list[Finding]:
    """Validate one record a badge-engine served; every finding names the record.

    ``record_id`` defaults to the record's ``id`` (``"<no id>"`` when it has none).
    """
    if record_id is None:
        found = record.get("id") if isinstance(record, dict) else None
        record_id = found if isinstance(found, str) else "<no id>"
    return validate(
        record, kind, variant=variant, mode=mode, at=at, record_id=record_id, from_json=from_json
    )
