"""A changed credential fails with the reason that names the change: one character of a signed
value or of the signature, another key, another context, and the proof's own options."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from badgegate.verify import Keys, verify_credential
from badgegate.verify.keys import PublicKey

pytestmark = pytest.mark.shared

AT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def signed(vectors: Path) -> dict:
    return json.loads((vectors / "impl-guide-obv3p0" / "credential-signed.json").read_text())


@pytest.fixture
def keys(vectors: Path) -> Keys:
    pair = json.loads((vectors / "impl-guide-obv3p0" / "keypair.json").read_text())
    return Keys.from_document(
        {"id": pair["verificationMethod"], "publicKeyMultibase": pair["publicKeyMultibase"]}
    )


def _rules(document: dict, keys: Keys) -> list[tuple[str, str]]:
    return [(f.rule, f.pointer) for f in verify_credential(document, keys, at=AT)]


def _flip(text: str, index: int) -> str:
    replacement = "b" if text[index] != "b" else "c"
    return text[:index] + replacement + text[index + 1 :]


def test_the_untouched_vector_verifies(signed, keys):
    assert _rules(signed, keys) == []


@pytest.mark.parametrize(
    "path",
    [
        ("name",),
        ("credentialSubject", "achievement", "criteria", "narrative"),
        ("issuer", "id"),
        ("validFrom",),
    ],
)
def test_one_character_of_a_signed_value(signed, keys, path):
    node = signed
    for name in path[:-1]:
        node = node[name]
    node[path[-1]] = _flip(node[path[-1]], len(node[path[-1]]) // 2)
    assert _rules(signed, keys) == [("signature-invalid", "/proof/proofValue")]


def test_one_character_of_the_signature(signed, keys):
    signed["proof"]["proofValue"] = _flip(signed["proof"]["proofValue"], 20)
    assert _rules(signed, keys) == [("signature-invalid", "/proof/proofValue")]


def test_a_swapped_key(signed):
    other = ed25519.Ed25519PrivateKey.generate().public_key()
    assert other.public_bytes(Encoding.Raw, PublicFormat.Raw)
    keys = Keys({signed["proof"]["verificationMethod"]: PublicKey("Ed25519", other)})
    assert _rules(signed, keys) == [("signature-invalid", "/proof/proofValue")]


def test_a_swapped_context_outside_the_pinned_set(signed, keys):
    signed["@context"][1] = "https://purl.imsglobal.org/spec/ob/v3p0/context-9.9.9.json"
    assert _rules(signed, keys) == [
        ("context-not-pinned", "/proof"),
        ("context-not-pinned", "/@context"),
    ]


def test_a_swapped_context_version_changes_what_is_signed(signed, keys):
    signed["@context"][1] = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
    assert _rules(signed, keys) == [("signature-invalid", "/proof/proofValue")]


def test_a_swapped_context_that_leaves_terms_undefined(signed, keys):
    # the VC 1.1 context defines none of the Data Integrity proof's terms: safe mode says so
    signed["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    findings = verify_credential(signed, keys, at=AT)
    assert {f.rule for f in findings} == {"undefined-term"}
    assert {"created", "cryptosuite"} <= {f.actual for f in findings}


def test_a_context_redefining_a_protected_term_is_refused(signed, keys):
    signed["@context"].append({"name": "https://example.org/another#name"})
    findings = verify_credential(signed, keys, at=AT)
    assert {f.rule for f in findings} == {"jsonld-invalid"}
    assert "protected term" in findings[0].message


def test_the_proof_options_are_signed_too(signed, keys):
    tampered = copy.deepcopy(signed)
    tampered["proof"]["created"] = "2010-01-01T19:23:25Z"
    assert _rules(tampered, keys) == [("signature-invalid", "/proof/proofValue")]


def test_proof_purpose_created_and_cryptosuite_are_checked(signed, keys):
    purpose = copy.deepcopy(signed)
    purpose["proof"]["proofPurpose"] = "authentication"
    assert ("proof-purpose", "/proof/proofPurpose") in _rules(purpose, keys)
    future = copy.deepcopy(signed)
    future["proof"]["created"] = "2099-01-01T00:00:00Z"
    assert ("created-in-future", "/proof/created") in _rules(future, keys)
    expired = copy.deepcopy(signed)
    expired["proof"]["expires"] = "2020-01-01T00:00:00Z"
    assert ("expired", "/proof/expires") in _rules(expired, keys)
    suite = copy.deepcopy(signed)
    suite["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert _rules(suite, keys) == [("unsupported-cryptosuite", "/proof")]


def test_a_key_in_an_https_fragment_is_never_trusted(signed):
    # the method's fragment spells the signing key, yet nothing vouches for it
    findings = verify_credential(signed, at=AT)
    assert [f.rule for f in findings] == ["unknown-key"]


def test_a_did_key_method_carries_its_key(signed, vectors):
    pair = json.loads((vectors / "impl-guide-obv3p0" / "keypair.json").read_text())
    did = f"did:key:{pair['publicKeyMultibase']}#{pair['publicKeyMultibase']}"
    signed["proof"]["verificationMethod"] = did  # the signature no longer covers these options
    assert _rules(signed, Keys()) == [("signature-invalid", "/proof/proofValue")]
