"""Compact JWS (VC-JWT) credentials: decode, check the JOSE header and the JWT claims (§8.4).

Signatures are not verified here (key resolution is a verifier's job); the structure, the header
rules and the agreement of the claims with the credential are.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from badgegate.findings import Finding
from badgegate.validate.schemas import parse_date_time

_ALLOWED_HEADERS = frozenset({"alg", "kid", "jwk", "typ"})


class JwsError(ValueError):
    """The text is not a decodable compact JWS."""


def _segment(text: str, name: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, RecursionError) as error:
        raise JwsError(f"the JWS {name} is not base64url-encoded JSON ({error})") from None


def decode(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split and decode a compact JWS into (header, payload); ``JwsError`` if malformed."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[0] or not parts[2]:
        raise JwsError(f"a compact JWS has 3 dot-separated parts and a signature; got {len(parts)}")
    header, payload = _segment(parts[0], "header"), _segment(parts[1], "payload")
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JwsError("the JWS header and payload must be JSON objects")
    return header, payload


def credential_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The credential a JWT payload carries: itself (VC 2.0) or its ``vc`` claim (VC 1.1)."""
    vc = payload.get("vc")
    return vc if isinstance(vc, dict) else payload


def header_findings(header: dict[str, Any]) -> list[Finding]:
    """The JOSE header allows only alg, kid or jwk (one required), and typ ``JWT``."""
    findings: list[Finding] = []

    def add(message: str, pointer: str = "", actual: Any = None) -> None:
        findings.append(
            Finding(
                "jws-header",
                message,
                pointer=pointer,
                actual=actual,
                section="4 (VC-JWT)",
                requirement="the JOSE header names a signing algorithm and its key",
            )
        )

    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        add("alg must name a signature algorithm (RS256 at least)", "/alg", alg)
    if "kid" not in header and "jwk" not in header:
        add("the header must carry kid or jwk to locate the public key")
    jwk = header.get("jwk")
    if isinstance(jwk, dict) and "d" in jwk:
        add("jwk contains the private key member d", "/jwk/d")
    if "typ" in header and header["typ"] != "JWT":
        add("typ, when present, must be JWT", "/typ", header["typ"])
    extra = sorted(set(header) - _ALLOWED_HEADERS)
    if extra:
        add(f"header members not allowed: {', '.join(extra)}", actual=extra)
    return findings


def claim_findings(payload: dict[str, Any]) -> list[Finding]:
    """The JWT claims agree with the credential: iss, jti, nbf, sub, exp (§8.4)."""
    credential = credential_of(payload)
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    findings = [
        *_equal(payload, "iss", issuer_id, "issuer.id"),
        *_equal(payload, "jti", credential.get("id"), "id"),
    ]
    if "sub" in payload and payload["sub"] != subject_id:
        findings.append(_claim("sub", "sub must equal credentialSubject.id", subject_id, payload))
    valid_from = credential.get("validFrom", credential.get("issuanceDate"))
    if "nbf" not in payload:
        findings.append(
            Finding(
                "jwt-nbf-missing",
                "no nbf claim (required by the VC-JWT payload table)",
                pointer="/nbf",
                severity="warning",
                section="8.4",
                requirement="a VC-JWT payload carries nbf",
            )
        )
    else:
        findings.extend(_time_claim(payload, "nbf", valid_from, "validFrom"))
    valid_until = credential.get("validUntil", credential.get("expirationDate"))
    if "exp" in payload or valid_until is not None:
        findings.extend(_time_claim(payload, "exp", valid_until, "validUntil"))
    return findings


def _equal(payload: dict[str, Any], claim: str, expected: Any, name: str) -> list[Finding]:
    if payload.get(claim) == expected:
        return []
    return [_claim(claim, f"{claim} must equal the credential's {name}", expected, payload)]


def _time_claim(payload: dict[str, Any], claim: str, value: Any, name: str) -> list[Finding]:
    moment = parse_date_time(value) if isinstance(value, str) else None
    expected = int(moment.timestamp()) if moment else None
    actual = payload.get(claim)
    if isinstance(actual, int | float) and not isinstance(actual, bool) and expected == int(actual):
        return []
    shown = datetime.fromtimestamp(expected, UTC).isoformat() if expected is not None else None
    return [
        _claim(claim, f"{claim} must be the NumericDate of {name} ({shown})", expected, payload)
    ]


def _claim(claim: str, message: str, expected: Any, payload: dict[str, Any]) -> Finding:
    return Finding(
        "jwt-claims",
        message,
        pointer=f"/{claim}",
        expected=expected,
        actual=payload.get(claim),
        section="8.4",
        requirement="the JWT claims agree with the credential they carry",
    )
