"""Malformed, huge and deeply nested input is a finding, never a crash, and never a network
call unless allowed."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

import pytest

from badgegate.samples import sample_credential
from badgegate.verify import Keys, canonical_nquads, verify_credential

AT = datetime(2026, 1, 1, tzinfo=UTC)
SAMPLE_KEY = "0b8f6ee4-3b8e-4a43-9e0e-6d8f3c1a2b44"
PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2024-01-01T00:00:00Z",
    "verificationMethod": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
    "proofPurpose": "assertionMethod",
    # well-formed, signed by no one: these credentials are judged before the signature
    "proofValue": "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvq"
    "ZtkMtSbz35HcbgXVEDYHxCzgkCr",
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"a network connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _signed(**proof: Any) -> dict[str, Any]:
    document = sample_credential(SAMPLE_KEY)
    document["proof"] = {**PROOF, **proof}
    return document


def _rules(document: Any, **options: Any) -> list[str]:
    return [f.rule for f in verify_credential(document, at=AT, **options)]


@pytest.mark.parametrize(
    ("document", "rule"),
    [
        (None, "document-not-object"),
        ([1, 2], "document-not-object"),
        ("not.a-jws", "jws-malformed"),
        ("a.b.c", "jws-malformed"),
        ({"proof": "a string"}, "proof-malformed"),
        ({"@context": "https://www.w3.org/ns/credentials/v2", "proof": [1]}, "proof-malformed"),
        ({"proof": []}, "no-proof"),
        ({"type": "x"}, "no-proof"),
    ],
)
def test_malformed_credentials_are_findings(document, rule):
    assert rule in _rules(document)


@pytest.mark.parametrize(
    ("proof", "rule"),
    [
        ({"proofValue": "not multibase"}, "signature-invalid"),
        ({"proofValue": 42}, "signature-invalid"),
        ({"proofValue": "z0OIl"}, "signature-invalid"),
        ({"verificationMethod": 7}, "proof-malformed"),
        ({"verificationMethod": "did:key:zNotAKey"}, "unknown-key"),
        ({"created": "yesterday"}, "proof-malformed"),
        ({"cryptosuite": "no-such-suite"}, "unsupported-cryptosuite"),
        ({"type": "Ed25519Signature2020"}, "unsupported-cryptosuite"),
        ({"@context": ["https://example.org/other"]}, "proof-malformed"),
    ],
)
def test_malformed_proofs_are_findings(proof, rule):
    assert rule in _rules(_signed(**proof))


def test_a_document_nested_deeper_than_any_credential():
    document = _signed()
    node = document["credentialSubject"]
    for _ in range(5_000):
        node["nested"] = {}
        node = node["nested"]
    assert _rules(document) == ["document-too-deep"]


def test_a_huge_document_is_refused_before_processing():
    document = _signed()
    document["credentialSubject"]["result"] = [{"value": str(i)} for i in range(150_000)]
    assert _rules(document) == ["document-too-deep"]


def test_values_json_cannot_hold():
    document = _signed()
    document["name"] = {1, 2}
    assert _rules(document) == ["document-not-json"]


def test_an_unpaired_surrogate_is_a_finding():
    document = _signed()
    document["name"] = "half \ud800 a pair"
    assert _rules(document) == ["document-encoding"]


def test_document_findings_are_given_once_for_many_proofs():
    document = _signed()
    document["proof"] = [dict(PROOF), dict(PROOF)]
    document["favouriteColour"] = "blue"
    assert _rules(document) == ["undefined-term"]


def test_an_undefined_term_is_a_finding_not_a_silent_pass():
    document = _signed()
    document["credentialSubject"]["favouriteColour"] = "blue"
    findings = verify_credential(document, at=AT)
    assert [(f.rule, f.actual) for f in findings] == [("undefined-term", "favouriteColour")]


def test_a_relative_iri_that_would_be_dropped_is_a_finding():
    document = _signed()
    document["credentialSubject"]["id"] = "learner-7"
    findings = verify_credential(document, at=AT)
    assert [(f.rule, f.actual) for f in findings] == [("undefined-term", "learner-7")]
    document["credentialSubject"]["id"] = "did:example:learner-7"
    document["type"] = [*document["type"], "UnknownType"]
    findings = verify_credential(document, at=AT)
    assert [(f.rule, f.actual) for f in findings] == [("undefined-term", "UnknownType")]


def test_a_remote_context_is_never_fetched():
    document = _signed()
    document["@context"] = [*document["@context"], "https://example.org/context.json"]
    assert set(_rules(document)) == {"context-not-pinned"}


def test_did_web_and_https_methods_are_not_resolved_offline():
    for method in ("did:web:example.org#key-1", "https://example.org/issuer#key-1"):
        assert _rules(_signed(verificationMethod=method)) == ["unknown-key"]


def test_canonicalization_of_odd_values_never_raises():
    for value in ("\x00\x07\x7f", "\ud800", 1e308, -0.0, 10**40, {"@value": 1, "@type": 2}):
        document = sample_credential(SAMPLE_KEY)
        document["name"] = value
        result = canonical_nquads(document)
        assert (result.nquads is None) == bool(result.findings)


def test_an_empty_keys_set_still_reads_did_key():
    assert Keys().get(PROOF["verificationMethod"]) is not None
