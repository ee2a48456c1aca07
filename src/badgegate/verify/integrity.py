"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (VC DI EdDSA §3.2).

Verifying one proof: the proof options are the proof without ``proofValue``, given the
document's ``@context``; both they and the document without its proof are canonicalized
(RDFC-1.0) and hashed with SHA-256; the Ed25519 signature in ``proofValue`` must cover the
proof options' hash followed by the document's. ``proofPurpose``, ``created``, ``expires`` and
``verificationMethod`` are checked too.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from typing import Any

from badgegate.findings import Finding
from badgegate.validate.schemas import parse_date_time
from badgegate.verify import keys as keys_module
from badgegate.verify.keys import KeyFormatError, Keys, PublicKey
from badgegate.verify.linked_data import Canonical, ContextSet, canonical_nquads

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PURPOSE = "assertionMethod"
SECTION = "VC DI EdDSA 3.2"


@dataclasses.dataclass
class Verifying:
    """What verifying a credential's proofs needs: keys, the time, network, contexts."""

    keys: Keys
    at: datetime
    allow_network: bool = False
    context_set: ContextSet | None = None
    canonical_document: Canonical | None = None

    def document_canon(self, unsecured: dict[str, Any]) -> Canonical:
        """The unsecured document's canonical form, made once for all its proofs."""
        if self.canonical_document is None:
            self.canonical_document = canonical_nquads(unsecured, self.context_set)
        return self.canonical_document


def proof_findings(document: dict[str, Any], verifying: Verifying) -> list[Finding]:
    """Verify every proof embedded in ``document``; a finding for each problem."""
    proofs = document.get("proof")
    if proofs is None:
        return [Finding("no-proof", "no embedded proof to verify", pointer="/proof")]
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    if isinstance(proofs, list):
        if not proofs:
            return [Finding("no-proof", "the proof list is empty", pointer="/proof")]
        pointers = [f"/proof/{index}" for index in range(len(proofs))]
    else:
        proofs, pointers = [proofs], ["/proof"]
    findings: list[Finding] = []
    for proof, pointer in zip(proofs, pointers, strict=True):
        findings.extend(_one_proof(unsecured, proof, pointer, verifying))
    if verifying.canonical_document is not None:  # what the document itself holds, said once
        findings.extend(verifying.canonical_document.findings)
    return findings


def _one_proof(
    unsecured: dict[str, Any], proof: Any, pointer: str, verifying: Verifying
) -> list[Finding]:
    if not isinstance(proof, dict):
        return [Finding("proof-malformed", "a proof is a JSON object", pointer=pointer)]
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return [
            Finding(
                "unsupported-cryptosuite",
                f"proof type {proof.get('type')!r} with cryptosuite "
                f"{proof.get('cryptosuite')!r} is not verified; badgegate verifies "
                f"{PROOF_TYPE} with {CRYPTOSUITE}",
                pointer=pointer,
                expected=CRYPTOSUITE,
                actual=proof.get("cryptosuite", proof.get("type")),
            )
        ]
    findings = _proof_option_findings(proof, pointer, verifying.at)
    key, key_findings = _key(proof.get("verificationMethod"), pointer, verifying)
    signature = _signature(proof.get("proofValue"))
    findings.extend(key_findings)
    if signature is None:
        findings.append(
            Finding(
                "signature-invalid",
                "proofValue is not a base58btc (z...) Ed25519 signature of 64 bytes",
                pointer=f"{pointer}/proofValue",
                section=SECTION,
            )
        )
    context_finding = _context_finding(unsecured, proof, pointer)
    if context_finding is not None:
        return [*findings, context_finding]
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    options["@context"] = unsecured.get("@context")
    options_canon = canonical_nquads(options, verifying.context_set)
    findings.extend(_at(options_canon.findings, pointer))
    document_canon = verifying.document_canon(unsecured)
    if key is None or signature is None:
        return findings
    if options_canon.nquads is None or document_canon.nquads is None:
        return findings
    data = _hash(options_canon.nquads) + _hash(document_canon.nquads)
    if not key.verify(signature, data):
        findings.append(
            Finding(
                "signature-invalid",
                f"the Ed25519 signature does not verify with the key of "
                f"{proof['verificationMethod']} (the credential or its proof changed after "
                "signing, or another key signed it)",
                pointer=f"{pointer}/proofValue",
                section=SECTION,
            )
        )
    return findings


def _hash(nquads: str) -> bytes:
    return hashlib.sha256(nquads.encode("utf-8")).digest()


def _at(findings: list[Finding], pointer: str) -> list[Finding]:
    return [dataclasses.replace(finding, pointer=pointer) for finding in findings]


def _proof_option_findings(proof: dict[str, Any], pointer: str, at: datetime) -> list[Finding]:
    findings: list[Finding] = []
    if proof.get("proofPurpose") != PURPOSE:
        findings.append(
            Finding(
                "proof-purpose",
                f"a credential's proof has proofPurpose {PURPOSE}",
                pointer=f"{pointer}/proofPurpose",
                expected=PURPOSE,
                actual=proof.get("proofPurpose"),
            )
        )
    for name in ("created", "expires"):
        if name not in proof:
            continue
        moment = parse_date_time(proof[name]) if isinstance(proof[name], str) else None
        if moment is None:
            findings.append(
                Finding(
                    "proof-malformed",
                    f"{name} is not an XML Schema date-time with a zone",
                    pointer=f"{pointer}/{name}",
                    actual=proof[name],
                )
            )
        elif name == "created" and moment > at:
            findings.append(
                Finding(
                    "created-in-future",
                    f"the proof was created at {proof[name]}, after {at.isoformat()}",
                    pointer=f"{pointer}/created",
                )
            )
        elif name == "expires" and moment < at:
            findings.append(
                Finding(
                    "expired", f"the proof expired at {proof[name]}", pointer=f"{pointer}/expires"
                )
            )
    return findings


def _key(method: Any, pointer: str, verifying: Verifying) -> tuple[PublicKey | None, list[Finding]]:
    where = f"{pointer}/verificationMethod"
    if not isinstance(method, str) or not method:
        return None, [Finding("proof-malformed", "verificationMethod must be a URL", pointer=where)]
    try:
        key = verifying.keys.get(method)
        if key is None and verifying.allow_network:
            key = keys_module.fetch_key(method)
    except KeyFormatError as error:
        return None, [Finding("unknown-key", f"{method}: {error}", pointer=where)]
    if key is None:
        hint = (
            "it was not found there"
            if verifying.allow_network
            else "pass its key with --keys (or allow the network to resolve it)"
        )
        return None, [Finding("unknown-key", f"no key for {method}; {hint}", pointer=where)]
    if key.kind != "Ed25519":
        message = f"{method} is a {key.kind} key; {CRYPTOSUITE} needs an Ed25519 key"
        return None, [Finding("unknown-key", message, pointer=where)]
    return key, []


def _signature(proof_value: Any) -> bytes | None:
    if not isinstance(proof_value, str):
        return None
    try:
        signature = keys_module.multibase_decode(proof_value)
    except KeyFormatError:
        return None
    return signature if len(signature) == 64 else None


def _context_finding(
    unsecured: dict[str, Any], proof: dict[str, Any], pointer: str
) -> Finding | None:
    """A proof's own ``@context`` must be where the document's begins (VC DI 4.3)."""
    if "@context" not in proof:
        return None
    wanted = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
    document = unsecured.get("@context")
    document = document if isinstance(document, list) else [document]
    if document[: len(wanted)] == wanted:
        return None
    return Finding(
        "proof-malformed",
        "the proof's @context must be where the document's @context begins",
        pointer=f"{pointer}/@context",
    )
