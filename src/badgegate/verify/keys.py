"""Public keys: from ``did:key``, a JWK, a Multikey document, a ``--keys`` file, or the network.

A key is looked up by the id a proof names (``verificationMethod``) or a JWS ``kid``. Offline,
the only keys are the ones given (``--keys``, a JWS header ``jwk``) and those a ``did:key``
spells out. A key written in the fragment of an https verification method is never trusted:
anyone can write any key there; only the controller's document (fetched with
``allow_network``) says which key is the issuer's.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from badgegate.errors import ConfigError

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_VALUES = {char: value for value, char in enumerate(_BASE58)}
ED25519_MULTICODEC = b"\xed\x01"
P256_MULTICODEC = b"\x80\x24"
NETWORK_TIMEOUT = 10.0


class KeyFormatError(ValueError):
    """A key that cannot be read (bad encoding, unknown type)."""


def base58btc_decode(text: str) -> bytes:
    """Decode base58 (bitcoin alphabet); ``KeyFormatError`` on a character outside it."""
    number = 0
    for char in text:
        value = _BASE58_VALUES.get(char)
        if value is None:
            raise KeyFormatError(f"{char!r} is not a base58btc character")
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def base58btc_encode(data: bytes) -> str:
    """Encode bytes as base58 (bitcoin alphabet)."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(_BASE58[digit])
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + "".join(reversed(digits))


def multibase_decode(value: str) -> bytes:
    """Decode a base58btc multibase string (``z...``)."""
    if not value.startswith("z"):
        raise KeyFormatError("only base58btc multibase values (starting with z) are supported")
    return base58btc_decode(value[1:])


def _b64url(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise KeyFormatError(f"JWK member {name} must be a base64url string")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise KeyFormatError(f"JWK member {name} is not base64url") from None


@dataclasses.dataclass(frozen=True)
class PublicKey:
    """One public key: ``kind`` is ``Ed25519``, ``P-256`` or ``RSA``."""

    kind: str
    key: Any

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Whether ``signature`` is this key's over ``data`` (EdDSA, ES256 raw r||s, RS256)."""
        try:
            if self.kind == "Ed25519":
                self.key.verify(signature, data)
            elif self.kind == "P-256":
                if len(signature) != 64:
                    return False
                der = encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                )
                self.key.verify(der, data, ec.ECDSA(hashes.SHA256()))
            else:
                self.key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True


def from_multikey(value: str) -> PublicKey:
    """A Multikey ``publicKeyMultibase`` (Ed25519 or P-256)."""
    raw = multibase_decode(value)
    try:
        if raw.startswith(ED25519_MULTICODEC) and len(raw) == 34:
            return PublicKey("Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(raw[2:]))
        if raw.startswith(P256_MULTICODEC) and len(raw) == 35:
            point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
            return PublicKey("P-256", point)
    except ValueError as error:
        raise KeyFormatError(f"not a valid public key: {error}") from None
    raise KeyFormatError("publicKeyMultibase is neither an Ed25519 nor a P-256 multikey")


def from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """A public JWK: OKP/Ed25519, EC/P-256 or RSA."""
    if "d" in jwk:
        raise KeyFormatError("the JWK holds a private key (member d); give the public key only")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            raw = _b64url(jwk.get("x"), "x")
            return PublicKey("Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(raw))
        if kty == "EC" and crv == "P-256":
            x, y = _b64url(jwk.get("x"), "x"), _b64url(jwk.get("y"), "y")
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
            )
            return PublicKey("P-256", numbers.public_key())
        if kty == "RSA":
            n, e = _b64url(jwk.get("n"), "n"), _b64url(jwk.get("e"), "e")
            numbers_rsa = rsa.RSAPublicNumbers(int.from_bytes(e, "big"), int.from_bytes(n, "big"))
            return PublicKey("RSA", numbers_rsa.public_key())
    except ValueError as error:
        raise KeyFormatError(f"not a valid public key: {error}") from None
    raise KeyFormatError(
        f"unsupported JWK (kty {kty!r}, crv {crv!r}); use OKP Ed25519, EC P-256, RSA"
    )


def from_verification_method(method: Mapping[str, Any]) -> PublicKey:
    """A verification method: ``publicKeyMultibase`` (Multikey) or ``publicKeyJwk``."""
    if isinstance(method.get("publicKeyMultibase"), str):
        return from_multikey(method["publicKeyMultibase"])
    if isinstance(method.get("publicKeyJwk"), dict):
        return from_jwk(method["publicKeyJwk"])
    if "kty" in method:
        return from_jwk(method)
    raise KeyFormatError("a verification method needs publicKeyMultibase or publicKeyJwk")


def from_did_key(did_url: str) -> PublicKey | None:
    """The key a ``did:key`` URL spells out (its fragment, if any, must repeat it)."""
    if not did_url.startswith("did:key:"):
        return None
    identifier, _, fragment = did_url[len("did:key:") :].partition("#")
    if fragment and fragment != identifier:
        raise KeyFormatError("the did:key fragment does not repeat the key")
    return from_multikey(identifier)


class Keys:
    """Keys by id: a proof's ``verificationMethod`` or a JWS ``kid``."""

    def __init__(self, keys: Mapping[str, PublicKey] | None = None) -> None:
        self.by_id: dict[str, PublicKey] = dict(keys or {})

    def __len__(self) -> int:
        return len(self.by_id)

    def get(self, key_id: str) -> PublicKey | None:
        """The key named ``key_id`` here, else the one a ``did:key`` URL spells out."""
        found = self.by_id.get(key_id)
        return found if found is not None else from_did_key(key_id)

    @classmethod
    def from_document(cls, document: Any) -> Keys:
        """Keys from a JWKS (``{"keys": [...]}``), one verification method or JWK, or a list."""
        if isinstance(document, dict) and isinstance(document.get("keys"), list):
            entries: Iterable[Any] = document["keys"]
        elif isinstance(document, dict) and "verificationMethod" in document:
            entries = document["verificationMethod"]  # a controller document
        elif isinstance(document, list):
            entries = document
        else:
            entries = [document]
        keys: dict[str, PublicKey] = {}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise KeyFormatError(f"entry {index} is not a JSON object")
            key_id = entry.get("id", entry.get("kid"))
            if not isinstance(key_id, str):
                raise KeyFormatError(f"entry {index} has no id (a Multikey) or kid (a JWK)")
            keys[key_id] = from_verification_method(entry)
        return cls(keys)


def load_keys(path: Path) -> Keys:
    """Read a ``--keys`` file; a ``ConfigError`` (exit 2) that says what is wrong in it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"--keys {path}: cannot read it ({error.strerror})") from None
    except ValueError as error:
        raise ConfigError(f"--keys {path}: not JSON ({error})") from None
    try:
        return Keys.from_document(document)
    except KeyFormatError as error:
        raise ConfigError(
            f"--keys {path}: {error}; give a JWKS, a verification method (id, "
            "publicKeyMultibase) or a JWK with kid, or a list of them"
        ) from None


def fetch_key(key_id: str) -> PublicKey | None:
    """Resolve ``key_id`` over the network: a ``did:web`` DID URL or an https URL naming a
    verification method in its controller document. None when it is not found there."""
    base = url = key_id.partition("#")[0]
    if key_id.startswith("did:web:"):
        url = _did_web_url(url)
    elif not key_id.startswith("https://"):
        return None
    import requests

    try:
        response = requests.get(
            url, timeout=NETWORK_TIMEOUT, headers={"Accept": "application/json"}
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError):
        return None
    methods = document.get("verificationMethod", [document]) if isinstance(document, dict) else []
    for method in methods if isinstance(methods, list) else []:
        if isinstance(method, dict) and _method_id(method.get("id"), base) == key_id:
            return from_verification_method(method)
    return None


def _method_id(method_id: Any, base: str) -> Any:
    if isinstance(method_id, str) and method_id.startswith("#"):
        return base + method_id
    return method_id


def _did_web_url(did: str) -> str:
    parts = [part.replace("%3A", ":") for part in did[len("did:web:") :].split(":")]
    path = "/".join(parts[1:]) if len(parts) > 1 else ".well-known"
    return f"https://{parts[0]}/{path}/did.json"
