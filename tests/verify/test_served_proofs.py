"""How the schema suite judges a served credential's proof: verified, with a published key;
unsigned is an error only where the target signs (or proofs are required)."""

from __future__ import annotations

import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from badgegate.samples import sample_credential
from badgegate.testing.linked_data import sign_credential
from badgegate.verify import Keys
from badgegate.verify.keys import ED25519_MULTICODEC, PublicKey, base58btc_encode
from badgegate.verify.served import named_methods, published_keys_url, served_proof_findings

METHOD = "https://issuer.example/keys#1"
OTHER = "https://issuer.example/keys#2"


def signed(private: ed25519.Ed25519PrivateKey, method: str = METHOD) -> dict[str, Any]:
    credential = sample_credential(str(uuid.uuid4()), "2024-01-01T00:00:00Z")
    document = sign_credential(credential, private, method, "2024-01-01T00:00:00Z")
    return {**document, "proof": [document["proof"]]}


def published(private: ed25519.Ed25519PrivateKey) -> Keys:
    return Keys({METHOD: PublicKey("Ed25519", private.public_key())})


def rules(findings: list[Any]) -> list[tuple[str, str]]:
    return [(finding.rule, finding.severity) for finding in findings]


def test_a_proof_by_a_published_key_passes() -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    assert served_proof_findings(signed(private), published(private)) == []


def test_a_broken_signature_is_an_error_naming_the_credential() -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    credential = {**signed(private), "name": "changed"}
    (finding,) = served_proof_findings(credential, published(private))
    assert (finding.rule, finding.severity) == ("signature-invalid", "error")
    assert finding.record_id == credential["id"]


def test_a_key_the_issuer_does_not_publish_is_an_error() -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    credential = signed(private, OTHER)
    public = PublicKey("Ed25519", private.public_key())
    assert served_proof_findings(credential, Keys({METHOD: public, OTHER: public})) == []
    findings = served_proof_findings(credential, published(private))
    assert ("unpublished-key", "error") in rules(findings)


def test_unsigned_is_an_error_where_the_target_signs_else_a_warning() -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    credential = sample_credential(str(uuid.uuid4()))
    assert rules(served_proof_findings(credential, published(private))) == [("unsigned", "error")]
    assert rules(served_proof_findings(credential, None)) == [("unsigned", "warning")]
    assert rules(served_proof_findings(credential, None, require=True)) == [("unsigned", "error")]


def test_unsigned_that_safe_mode_cannot_sign_is_a_warning_everywhere() -> None:
    credential = {**sample_credential(str(uuid.uuid4())), "undefinedNote": "kept"}
    findings = served_proof_findings(credential, None, require=True)
    assert rules(findings) == [("unsigned", "warning")]
    assert "undefinedNote" in findings[0].message


def test_the_profile_names_its_keys_url() -> None:
    entry = {"type": "IdentifierEntry", "identifierType": "ext:verificationKeys"}
    profile = {"otherIdentifier": [{**entry, "identifier": "https://engine.example/keys"}]}
    assert published_keys_url(profile) == "https://engine.example/keys"
    assert (
        published_keys_url({"otherIdentifier": [{**entry, "identifierType": "sourcedId"}]}) is None
    )
    assert published_keys_url({}) is None


def test_the_profile_names_its_did_key_methods() -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    multibase = "z" + base58btc_encode(ED25519_MULTICODEC + raw)
    method = f"did:key:{multibase}#{multibase}"
    entry = {"type": "IdentifierEntry", "identifierType": "ext:verificationMethod"}
    profile = {"otherIdentifier": [{**entry, "identifier": method}, {**entry, "identifier": "x"}]}
    keys = named_methods(profile)
    assert list(keys.by_id) == [method]
    assert served_proof_findings(signed(private, method), keys) == []


def did_key_method(private: ed25519.Ed25519PrivateKey) -> str:
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    multibase = "z" + base58btc_encode(ED25519_MULTICODEC + raw)
    return f"did:key:{multibase}#{multibase}"


def test_another_issuers_credential_is_not_judged_by_these_keys() -> None:
    issuer_key = ed25519.Ed25519PrivateKey.generate()
    foreign = ed25519.Ed25519PrivateKey.generate()
    credential = signed(foreign, did_key_method(foreign))
    other_issuer = "urn:uuid:00000000-0000-4000-8000-000000000000"
    assert served_proof_findings(credential, published(issuer_key), issuer_id=other_issuer) == []
    own = credential["issuer"]["id"]
    findings = served_proof_findings(credential, published(issuer_key), issuer_id=own)
    assert ("unpublished-key", "error") in rules(findings)
