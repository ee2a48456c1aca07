"""VC-JWT: a compact JWS whose payload is the credential (VC 2.0) or holds it as ``vc`` (VC 1.1).

The signature is verified with RS256, ES256 or EdDSA and the key of the header's ``jwk`` or
``kid``; ``iss``, ``jti``, ``nbf`` and ``exp`` must agree with the credential where present,
and ``exp`` must not have passed.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from badgegate.findings import Finding
from badgegate.validate import jws
from badgegate.validate.schemas import parse_date_time
from badgegate.verify import keys as keys_module
from badgegate.verify.keys import KeyFormatError, Keys, PublicKey

# JWS alg -> the key kind it needs
ALGORITHMS = {"RS256": "RSA", "ES256": "P-256", "EdDSA": "Ed25519"}
SECTION = "VC-JOSE-COSE / OB 3.0 8.4"


def token_findings(token: str, keys: Keys, at: datetime, allow_network: bool) -> list[Finding]:
    """Verify a compact JWS credential; a finding for each problem."""
    try:
        header, payload = jws.decode(token)
    except jws.JwsError as error:
        return [Finding("jws-malformed", str(error))]
    signing_input, _, encoded_signature = token.strip().rpartition(".")
    findings: list[Finding] = []
    key, key_findings = _key(header, keys, allow_network)
    findings.extend(key_findings)
    signature = _signature(encoded_signature)
    alg = header.get("alg")
    if key is not None:
        if ALGORITHMS.get(alg if isinstance(alg, str) else "") != key.kind:
            findings.append(
                Finding(
                    "signature-invalid",
                    f"alg {alg!r} does not fit the {key.kind} key; RS256 needs RSA, ES256 "
                    "P-256, EdDSA Ed25519",
                    pointer="/alg",
                    actual=alg,
                )
            )
        elif signature is None or not key.verify(signature, signing_input.encode("ascii")):
            findings.append(
                Finding(
                    "signature-invalid",
                    f"the {alg} signature does not verify (the payload changed after signing, "
                    "or another key signed it)",
                    section=SECTION,
                )
            )
    findings.extend(claim_findings(payload, at))
    return findings


def _signature(encoded: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return None


def _key(
    header: dict[str, Any], keys: Keys, allow_network: bool
) -> tuple[PublicKey | None, list[Finding]]:
    kid, jwk = header.get("kid"), header.get("jwk")
    try:
        if isinstance(jwk, dict):
            return keys_module.from_jwk(jwk), []
        if isinstance(kid, str):
            key = keys.get(kid)
            if key is None and allow_network:
                key = keys_module.fetch_key(kid)
            if key is not None:
                return key, []
    except KeyFormatError as error:
        return None, [Finding("unknown-key", f"the JWS key cannot be used: {error}")]
    where = (
        f"no key for kid {kid}" if isinstance(kid, str) else "the header has neither jwk nor kid"
    )
    return None, [
        Finding(
            "unknown-key",
            f"{where}; pass the issuer's key with --keys (a JWK with that kid)",
            pointer="/kid",
        )
    ]


def claim_findings(payload: dict[str, Any], at: datetime) -> list[Finding]:
    """``iss``, ``jti``, ``nbf`` and ``exp`` agree with the credential; ``exp`` not passed."""
    credential = jws.credential_of(payload)
    issuer = credential.get("issuer")
    expected = {
        "iss": issuer.get("id") if isinstance(issuer, dict) else issuer,
        "jti": credential.get("id"),
        "nbf": _seconds(credential.get("validFrom", credential.get("issuanceDate"))),
        "exp": _seconds(credential.get("validUntil", credential.get("expirationDate"))),
    }
    findings = [
        Finding(
            "jwt-claims-mismatch",
            f"the {claim} claim does not match the credential",
            pointer=f"/{claim}",
            expected=value,
            actual=payload[claim],
            section="8.4",
        )
        for claim, value in expected.items()
        if claim in payload and value is not None and payload[claim] != value
    ]
    exp = payload.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp < at.timestamp():
        moment = datetime.fromtimestamp(exp, UTC).isoformat()
        findings.append(Finding("expired", f"the JWT expired at {moment}", pointer="/exp"))
    return findings


def _seconds(value: Any) -> int | None:
    moment = parse_date_time(value) if isinstance(value, str) else None
    return int(moment.timestamp()) if moment is not None else None
