"""Issuer keys and ``eddsa-rdfc-2022`` Data Integrity proofs of the credentials the engine issues.

A tenant's key is an Ed25519 key; its verification method is a ``did:key``
(``did:key:z6Mk...#z6Mk...``), so anyone verifies a proof offline. A proof's ``created`` is
given by the caller (the credential's own time, not the clock) and Ed25519 signatures are
deterministic, so the same credential signed twice gives the same bytes.

The document is canonicalized with the verifier's RDFC-1.0 (:mod:`badgegate.verify`); the proof
options, which differ between credentials only in ``created``, are canonicalized once per
``@context`` and key and the time written into that form.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from badgegate.verify import canonical_nquads
from badgegate.verify.keys import ED25519_MULTICODEC, PublicKey, base58btc_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PURPOSE = "assertionMethod"
# A date-time written into canonical N-Quads as it is: nothing in it needs an escape.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)
_PLACEHOLDER = "2000-01-01T00:00:00Z"
_OPTION_FORMS: LRUCache[tuple[tuple[str, ...], str], str | None] = LRUCache(maxsize=256)


class UnsignableError(ValueError):
    """A credential the engine cannot sign faithfully (JSON-LD processing would drop data)."""


@dataclasses.dataclass(frozen=True)
class IssuerKey:
    """An Ed25519 issuer key and the ``did:key`` verification method naming its public key."""

    private: ed25519.Ed25519PrivateKey

    @classmethod
    def generate(cls) -> IssuerKey:
        return cls(ed25519.Ed25519PrivateKey.generate())

    @classmethod
    def from_raw(cls, raw: bytes) -> IssuerKey:
        """The key of a 32-byte Ed25519 seed (as stored)."""
        return cls(ed25519.Ed25519PrivateKey.from_private_bytes(raw))

    @classmethod
    def from_pem_file(cls, path: Path) -> IssuerKey:
        """Read a PEM (PKCS#8) Ed25519 private key; ``ValueError`` saying what is wrong."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ValueError(f"cannot read it ({error.strerror})") from None
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as error:
            raise ValueError(f"not an unencrypted PEM private key ({error})") from None
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise ValueError(
                "not an Ed25519 key; make one with `openssl genpkey -algorithm ed25519`"
            )
        return cls(key)

    @property
    def raw(self) -> bytes:
        """The 32-byte seed, as the store keeps it."""
        return self.private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def multibase(self) -> str:
        """The public key as a Multikey ``publicKeyMultibase`` (``z6Mk...``)."""
        return "z" + base58btc_encode(ED25519_MULTICODEC + self.public_raw)

    @property
    def controller(self) -> str:
        return f"did:key:{self.multibase}"

    @property
    def method(self) -> str:
        """The verification method a proof names."""
        return f"{self.controller}#{self.multibase}"

    def public_key(self) -> PublicKey:
        """The public key, as the verifier holds it."""
        return PublicKey("Ed25519", self.private.public_key())

    def public_jwk(self) -> dict[str, str]:
        """The public key as a JWK whose ``kid`` is the verification method."""
        x = base64.urlsafe_b64encode(self.public_raw).rstrip(b"=").decode("ascii")
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": x,
            "kid": self.method,
            "alg": "EdDSA",
            "use": "sig",
        }


def proof_created(document: dict[str, Any], now: datetime | None = None) -> str:
    """The ``created`` of a credential's proof: its ``validFrom`` (the stored credential's own
    time), or the current second when that is missing, malformed or still in the future (a
    verifier refuses a proof created after the moment it judges)."""
    value = document.get("validFrom")
    now = now or datetime.now(UTC)
    if isinstance(value, str) and _DATE_TIME.fullmatch(value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment <= now:
            return value
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_options(method: str, created: str) -> dict[str, Any]:
    """The proof without its value, in the order the engine writes it."""
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": method,
        "proofPurpose": PURPOSE,
    }


def sign(document: dict[str, Any], key: IssuerKey, created: str) -> dict[str, Any]:
    """The proof of ``document`` (without a proof of its own) made with ``key``.

    Raises :class:`UnsignableError` when the document cannot be canonicalized without losing
    data (a term no context defines, a context that is not pinned).
    """
    options = proof_options(key.method, created)
    document_form = canonical_nquads(document)
    if document_form.nquads is None:
        reasons = "; ".join(f"[{f.rule}] {f.message}" for f in document_form.findings[:3])
        raise UnsignableError(reasons or "not processable as JSON-LD")
    options_form = options_nquads(options, document.get("@context"))
    data = _sha256(options_form) + _sha256(document_form.nquads)
    return {**options, "proofValue": "z" + base58btc_encode(key.private.sign(data))}


def options_nquads(options: dict[str, Any], context: Any) -> str:
    """The canonical N-Quads of proof options under the document's ``@context``.

    For a context of URLs, the form is made once per context and key with a placeholder time
    and the proof's ``created`` written in its place: the options are one blank node whose
    quads differ only in that literal, so the labels and the order of the lines stay the same.
    """
    created = options.get("created")
    named = context if isinstance(context, list) else [context]
    if isinstance(created, str) and _DATE_TIME.fullmatch(created) and _all_strings(named):
        cache_key = (tuple(named), str(options.get("verificationMethod")))
        form = _OPTION_FORMS.get(cache_key, "")
        if form == "":
            placeholder = {**options, "created": _PLACEHOLDER, "@context": context}
            made = canonical_nquads(placeholder).nquads
            form = made if made is not None and made.count(f'"{_PLACEHOLDER}"') == 1 else None
            _OPTION_FORMS[cache_key] = form
        if form is not None:
            return form.replace(f'"{_PLACEHOLDER}"', f'"{created}"')
    made = canonical_nquads({**options, "@context": context}).nquads
    if made is None:
        raise UnsignableError("the proof options cannot be canonicalized")
    return made


def _all_strings(values: list[Any]) -> bool:
    return all(isinstance(value, str) for value in values)


def _sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def vc_jwt(credential: dict[str, Any], key: IssuerKey) -> str:
    """The credential (its Data Integrity proof left out) as a VC-JWT signed with ``key``
    (EdDSA, ``kid`` the key's verification method): the payload is the credential itself
    (VC 2.0) with the claims ``iss``, ``jti``, ``sub``, ``nbf`` and ``exp`` taken from it."""
    payload = {name: value for name, value in credential.items() if name != "proof"}
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    subject = credential.get("credentialSubject")
    claims: dict[str, Any] = {"iss": issuer_id, "jti": credential.get("id")}
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    for claim, name in (("nbf", "validFrom"), ("exp", "validUntil")):
        seconds = _epoch_seconds(credential.get(name))
        if seconds is not None:
            claims[claim] = seconds
    header = {"alg": "EdDSA", "typ": "JWT", "kid": key.method}
    signing_input = _b64_json(header) + "." + _b64_json({**payload, **claims})
    signature = key.private.sign(signing_input.encode("ascii"))
    return signing_input + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")


def _epoch_seconds(value: Any) -> int | None:
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def _b64_json(value: dict[str, Any]) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")
