"""Verify Open Badges 3.0 credentials: Data Integrity proofs and VC-JWTs.

:func:`verify_credential` gives the verifier's findings (empty when the credential verifies):
an embedded ``eddsa-rdfc-2022`` proof is checked over the RDFC-1.0 canonical form of the
credential, made with the JSON-LD contexts shipped in the package (nothing is fetched); a
compact JWS (RS256, ES256, EdDSA) is checked with the key its header names. Keys come from
``did:key``, a JWS header ``jwk``, the ``keys`` given (see :func:`load_keys`), and, only with
``allow_network``, from ``did:web`` and https verification methods. :func:`verify_file` adds
the data model's findings (``validate`` in verify mode) for a file, baked images included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from badgegate.findings import Finding
from badgegate.validate.documents import FileResult, load
from badgegate.verify.integrity import Verifying, proof_findings
from badgegate.verify.jwt import token_findings
from badgegate.verify.keys import Keys, load_keys
from badgegate.verify.linked_data import ContextSet, canonical_nquads, pinned_contexts

__all__ = [
    "ContextSet",
    "Keys",
    "canonical_nquads",
    "load_keys",
    "pinned_contexts",
    "verify_credential",
    "verify_file",
]


def verify_credential(
    document: Any,
    keys: Keys | None = None,
    *,
    at: datetime | None = None,
    allow_network: bool = False,
    contexts: ContextSet | None = None,
) -> list[Finding]:
    """Verify a credential: a JSON object with an embedded proof, or a compact JWS string.

    ``at`` is the time judged (default now); ``contexts`` replaces the pinned context set.
    Never raises for bad input: what cannot be verified is a finding.
    """
    keys = keys if keys is not None else Keys()
    at = at or datetime.now(UTC)
    if isinstance(document, str):
        return token_findings(document, keys, at, allow_network)
    if not isinstance(document, dict):
        return [Finding("document-not-object", "a credential is a JSON object or a compact JWS")]
    verifying = Verifying(keys, at, allow_network, contexts)
    return [*proof_findings(document, verifying), *_validity_findings(document, at)]


def _validity_findings(document: dict[str, Any], at: datetime) -> list[Finding]:
    from badgegate.validate.schemas import parse_date_time

    for name in ("validUntil", "expirationDate"):
        value = document.get(name)
        moment = parse_date_time(value) if isinstance(value, str) else None
        if moment is not None and moment < at:
            return [Finding("expired", f"expired at {value}", pointer=f"/{name}", section="8.1")]
    return []


def verify_file(
    path: Path,
    keys: Keys | None = None,
    *,
    at: datetime | None = None,
    allow_network: bool = False,
    variant: str = "strict",
) -> FileResult:
    """Read a credential file (JSON, compact JWS, baked PNG or SVG) and give the verifier's
    verdict: the data model's findings judged in verify mode, then the proof's."""
    from badgegate.validate import detect_kind, validate_document

    at = at or datetime.now(UTC)
    loaded = load(path)
    findings = list(loaded.findings)
    if loaded.document is None:
        return FileResult(path, None, findings)
    findings.extend(
        validate_document(
            loaded.document,
            variant="jsonld" if variant == "jsonld" else "strict",
            mode="verify",
            at=at,
            enveloped=loaded.header is not None,
            from_json=True,
        )
    )
    credential = loaded.token if loaded.token is not None else loaded.document
    findings.extend(verify_credential(credential, keys, at=at, allow_network=allow_network))
    return FileResult(path, detect_kind(loaded.document), _distinct(findings))


def _distinct(findings: list[Finding]) -> list[Finding]:
    """Findings in order, each (rule, pointer) once, as an error if either said so: the data
    model and the verifier both judge expiry, a missing proof and the JWT claims (the data
    model's ``jwt-claims`` gives way to the verifier's ``jwt-claims-mismatch``)."""
    mismatched = {f.pointer for f in findings if f.rule == "jwt-claims-mismatch"}
    kept: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        if finding.rule == "jwt-claims" and finding.pointer in mismatched:
            continue
        key = (finding.rule, finding.pointer)
        if key not in kept or (finding.is_error and not kept[key].is_error):
            kept[key] = finding
    return list(kept.values())
