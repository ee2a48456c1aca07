"""What the engine accepts: every upload is validated with the OB 3.0 validator.

Credentials, Achievements, Profiles and progress records go through :mod:`badgegate.validate`;
an error finding rejects the upload with a 400 whose description lists the first findings
(rule, JSON pointer, message). Warnings (``no-proof`` and the like) never reject. The
``accept-invalid`` fault switches this off (see :mod:`badgegate.engine.model.records`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from badgegate.engine.wire.imsx import ApiError
from badgegate.findings import Finding
from badgegate.vocabulary import RecordKind

UploadKind = Literal[RecordKind, "profile"]
SHOWN_FINDINGS = 5
_TITLES: dict[UploadKind, str] = {
    "credential": "AchievementCredential",
    "achievement": "Achievement",
    "progress": "progress record",
    "profile": "Profile",
}


def _validator(kind: UploadKind) -> Callable[..., list[Finding]]:
    # Imported on first use: the validator compiles its schemas lazily, and the engine's
    # start-up (and the CLI) should not pay for the import before the first upload.
    from badgegate import validate

    validators: dict[UploadKind, Callable[..., list[Finding]]] = {
        "credential": validate.validate_credential,
        "achievement": validate.validate_achievement,
        "progress": validate.validate_progress_record,
        "profile": validate.validate_profile,
    }
    return validators[kind]


def upload_errors(kind: UploadKind, document: Any) -> list[Finding]:
    """The error findings of ``document`` as a ``kind`` upload (empty when acceptable).

    ``document`` is parsed JSON the engine has already serialised (so neither cyclic nor too
    deep): the validator's own safety walk is skipped.
    """
    return [finding for finding in _validator(kind)(document, from_json=True) if finding.is_error]


def upload_errors_many(kind: RecordKind, documents: Sequence[Any]) -> list[list[Finding]]:
    """:func:`upload_errors` for many documents of one kind (one compiled validator pass)."""
    from badgegate.validate import validate_many

    return [
        [finding for finding in findings if finding.is_error]
        for findings in validate_many(documents, kind, from_json=True)
    ]


def rejection(kind: UploadKind, errors: Sequence[Finding], *extra: str) -> ApiError:
    """A 400 ``invalid_data`` naming the first findings: ``[rule] /pointer: message``."""
    lines = [f"[{f.rule}] {f.pointer or '/'}: {f.message}" for f in errors] + list(extra)
    shown = "; ".join(lines[:SHOWN_FINDINGS])
    more = len(lines) - SHOWN_FINDINGS
    suffix = f"; and {more} more" if more > 0 else ""
    return ApiError(400, f"invalid {_TITLES[kind]} ({len(lines)} error(s)): {shown}{suffix}")


def credential_issuer_id(doc: dict[str, Any]) -> str | None:
    """Return the credential's issuer id (``issuer`` as a string or ``issuer.id``), if any."""
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer.strip() else None


def jws_errors(header: dict[str, Any], payload: dict[str, Any]) -> list[Finding]:
    """The errors of a compact JWS credential: its header, its claims and the credential it
    carries (the signature itself is not verified here)."""
    from badgegate.validate.jws import claim_findings, credential_of, header_findings

    findings = header_findings(header) + claim_findings(payload)
    findings += upload_errors("credential", credential_of(payload))
    return [finding for finding in findings if finding.is_error]
