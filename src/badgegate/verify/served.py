"""Judging the proofs a target serves: each must verify, with a key the issuer publishes.

A target that publishes issuer keys (its Profile names, in ``otherIdentifier`` entries, a
``did:key`` verification method with ``identifierType`` ``ext:verificationMethod`` or a URL of
its keys with ``ext:verificationKeys``) signs what it issues: there a credential
without a proof is an error, unless Data Integrity's safe mode forbids signing it (a term no
context defines would drop out of what is signed); elsewhere it is a warning, unless proofs are
required.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from badgegate.findings import Finding, Severity
from badgegate.verify.integrity import Verifying, proof_findings
from badgegate.verify.keys import KeyFormatError, Keys, PublicKey, from_did_key
from badgegate.verify.linked_data import canonical_nquads

KEYS_IDENTIFIER_TYPE = "ext:verificationKeys"
METHOD_IDENTIFIER_TYPE = "ext:verificationMethod"


def _named(profile: Mapping[str, Any], identifier_type: str) -> list[str]:
    entries = profile.get("otherIdentifier")
    return [
        entry["identifier"]
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
        and entry.get("identifierType") == identifier_type
        and isinstance(entry.get("identifier"), str)
    ]


def published_keys_url(profile: Mapping[str, Any]) -> str | None:
    """The URL of the issuer's public keys its Profile names, if any."""
    urls = _named(profile, KEYS_IDENTIFIER_TYPE)
    return urls[0] if urls else None


def named_methods(profile: Mapping[str, Any]) -> Keys:
    """The ``did:key`` verification methods the Profile names (``ext:verificationMethod``)."""
    keys: dict[str, PublicKey] = {}
    for method in _named(profile, METHOD_IDENTIFIER_TYPE):
        try:
            key = from_did_key(method)
        except KeyFormatError:
            continue
        if key is not None:
            keys[method] = key
    return Keys(keys)


def served_proof_findings(
    record: Mapping[str, Any],
    published: Keys | None,
    *,
    issuer_id: str | None = None,
    require: bool = False,
    at: datetime | None = None,
) -> list[Finding]:
    """The findings of one served JSON credential's proofs. ``published`` are the keys the
    target's issuer ``issuer_id`` publishes (None when it publishes none): they speak for the
    credentials of that issuer (all, when ``issuer_id`` is None), whose proofs must name one
    of them. With ``require`` an unsigned credential is an error everywhere."""
    record_id = str(record.get("id", "<credential without id>"))
    if "proof" not in record:
        return [_unsigned(record, record_id, published is not None, require)]
    keys = published if published is not None else Keys()
    findings = proof_findings(dict(record), Verifying(keys, at or datetime.now(UTC)))
    if published is not None and issuer_id in (None, _issuer_id(record)):
        proofs = record["proof"] if isinstance(record["proof"], list) else [record["proof"]]
        for index, proof in enumerate(proofs):
            method = proof.get("verificationMethod") if isinstance(proof, dict) else None
            if isinstance(method, str) and method not in published.by_id:
                findings.append(
                    Finding(
                        "unpublished-key",
                        f"signed with {method}, which is not among the issuer's published keys",
                        f"/proof/{index}/verificationMethod",
                    )
                )
    return [
        Finding(f.rule, f.message, f.pointer, f.severity, record_id, f.expected, f.actual)
        for f in findings
    ]


def _unsigned(record: Mapping[str, Any], record_id: str, signs: bool, require: bool) -> Finding:
    """An unsigned credential: an error where the target signs or proofs are required, unless
    it cannot be signed without dropping data (safe mode: a term no context defines), which is
    a warning saying so, as it is on a target that does not sign."""
    severity: Severity = "error" if signs or require else "warning"
    message = "the credential carries no proof"
    if severity == "error":
        unsignable = canonical_nquads(dict(record)).findings
        if unsignable:
            severity = "warning"
            message += f" (it cannot be signed as it is: {unsignable[0].message})"
        else:
            why = "the target publishes issuer keys" if signs else "proofs are required"
            message += f" although {why}"
    return Finding("unsigned", message, "/proof", severity, record_id)


def _issuer_id(record: Mapping[str, Any]) -> Any:
    issuer = record.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer
