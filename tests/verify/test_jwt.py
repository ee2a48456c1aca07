"""VC-JWTs: RS256, ES256 and EdDSA; keys by header jwk or kid (did:key or a keys file); VC 1.1
(``vc`` claim) and VC 2.0 (the credential as payload); claims matched with the credential."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from badgegate.samples import sample_credential
from badgegate.verify import Keys, verify_credential
from badgegate.verify.keys import base58btc_decode

AT = datetime(2026, 1, 1, tzinfo=UTC)
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int(value: int, size: int) -> str:
    return _b64(value.to_bytes(size, "big"))


class Signer:
    """A key pair for one alg: signs a JWS and spells its public JWK."""

    def __init__(self, alg: str) -> None:
        self.alg = alg
        if alg == "RS256":
            self.private: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif alg == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
        else:
            self.private = ed25519.Ed25519PrivateKey.generate()

    def jwk(self) -> dict[str, str]:
        public = self.private.public_key()
        if self.alg == "RS256":
            numbers = public.public_numbers()
            return {"kty": "RSA", "n": _int(numbers.n, 256), "e": _int(numbers.e, 3)}
        if self.alg == "ES256":
            numbers = public.public_numbers()
            return {"kty": "EC", "crv": "P-256", "x": _int(numbers.x, 32), "y": _int(numbers.y, 32)}
        raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}

    def sign(self, data: bytes) -> bytes:
        if self.alg == "RS256":
            return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        if self.alg == "ES256":
            r, s = decode_dss_signature(self.private.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return self.private.sign(data)

    def token(self, payload: dict[str, Any], **header: Any) -> str:
        head = {"alg": self.alg, "typ": "JWT", **header}
        signing_input = f"{_b64(json.dumps(head).encode())}.{_b64(json.dumps(payload).encode())}"
        return f"{signing_input}.{_b64(self.sign(signing_input.encode()))}"


def _payload(vc11: bool = False, **claims: Any) -> dict[str, Any]:
    credential = sample_credential("3f1b1c1e-2a7f-4f7e-9a43-5c1b6a2d8e90")
    standard = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()),
    }
    if vc11:
        return {**standard, "vc": credential, **claims}
    return {**credential, **standard, **claims}


def _rules(token: str, keys: Keys | None = None) -> list[str]:
    return [f.rule for f in verify_credential(token, keys, at=AT)]


@pytest.mark.parametrize("alg", ["RS256", "ES256", "EdDSA"])
@pytest.mark.parametrize("vc11", [False, True])
def test_a_signed_token_verifies_with_its_header_jwk(alg, vc11):
    signer = Signer(alg)
    assert _rules(signer.token(_payload(vc11), jwk=signer.jwk())) == []


@pytest.mark.parametrize("alg", ["RS256", "ES256", "EdDSA"])
def test_a_kid_is_matched_in_the_keys_given(alg):
    signer = Signer(alg)
    kid = "https://issuer.example/profiles/badgegate#key-1"
    token = signer.token(_payload(), kid=kid)
    assert _rules(token) == ["unknown-key"]
    assert _rules(token, Keys.from_document({"keys": [{**signer.jwk(), "kid": kid}]})) == []


def test_a_did_key_kid_carries_its_key():
    signer = Signer("EdDSA")
    raw = signer.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    multikey = "z" + _base58(b"\xed\x01" + raw)
    assert base58btc_decode(multikey[1:])[2:] == raw
    assert _rules(signer.token(_payload(), kid=f"did:key:{multikey}#{multikey}")) == []


def _base58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = _BASE58[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


@pytest.mark.parametrize("alg", ["RS256", "ES256", "EdDSA"])
def test_tampering_fails_the_signature(alg):
    signer = Signer(alg)
    token = signer.token(_payload(), jwk=signer.jwk())
    head, payload, signature = token.split(".")
    changed = json.loads(base64.urlsafe_b64decode(payload + "=="))
    changed["name"] = "Another credential"
    forged = f"{head}.{_b64(json.dumps(changed).encode())}.{signature}"
    assert _rules(forged) == ["signature-invalid"]
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert _rules(f"{head}.{payload}.{flipped}") == ["signature-invalid"]
    assert _rules(f"{head}.{payload}.c2lnbmF0dXJl") == ["signature-invalid"]  # "signature"
    other = Signer(alg)
    assert _rules(other.token(_payload(), jwk=signer.jwk())) == ["signature-invalid"]


def test_an_alg_that_does_not_fit_the_key():
    signer = Signer("EdDSA")
    token = signer.token(_payload(), jwk=Signer("RS256").jwk())
    assert _rules(token) == ["signature-invalid"]


@pytest.mark.parametrize(
    ("claims", "rule"),
    [
        ({"iss": "https://someone.else/"}, "jwt-claims-mismatch"),
        ({"jti": "urn:uuid:00000000-0000-0000-0000-000000000000"}, "jwt-claims-mismatch"),
        ({"nbf": 1}, "jwt-claims-mismatch"),
        ({"validUntil": "2025-01-01T00:00:00Z", "exp": 1735689600}, "expired"),
        ({"validUntil": "2025-01-01T00:00:00Z", "exp": 1}, "jwt-claims-mismatch"),
    ],
)
def test_claims_agree_with_the_credential(claims, rule):
    signer = Signer("EdDSA")
    assert rule in _rules(signer.token(_payload(**claims), jwk=signer.jwk()))


def test_a_private_key_in_the_header_is_refused():
    signer = Signer("EdDSA")
    jwk = {**signer.jwk(), "d": "AAAA"}
    assert _rules(signer.token(_payload(), jwk=jwk)) == ["unknown-key"]
