"""Every official signed vector verifies; canonical N-Quads equal the published ones byte for
byte; the validator samples get the verdicts recorded beside them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from badgegate.verify import Keys, canonical_nquads, verify_credential, verify_file
from tests.verify.conftest import (
    published_keys,
    published_methods,
    verifier_rules,
    write_keys,
)

pytestmark = pytest.mark.shared

AT = datetime(2026, 1, 1, tzinfo=UTC)
IMPL_GUIDES = ("impl-guide-obv3p0", "impl-guide-clrv2p0")


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("guide", IMPL_GUIDES)
def test_canonical_nquads_equal_the_published_ones(vectors, clr_contexts, guide):
    folder = vectors / guide
    unsigned = _json(folder / "credential-unsigned.json")
    options = {**_json(folder / "proof-options.json"), "@context": unsigned["@context"]}
    document = canonical_nquads(unsigned, clr_contexts)
    proof = canonical_nquads(options, clr_contexts)
    assert document.findings == [] and proof.findings == []
    assert document.nquads == (folder / "document-canon.nq").read_text(encoding="utf-8")
    assert proof.nquads == (folder / "proof-canon.nq").read_text(encoding="utf-8")


@pytest.mark.parametrize("guide", IMPL_GUIDES)
def test_implementation_guide_vectors_verify_with_their_key_pair(vectors, clr_contexts, guide):
    folder = vectors / guide
    pair = _json(folder / "keypair.json")
    keys = Keys.from_document(
        {"id": pair["verificationMethod"], "publicKeyMultibase": pair["publicKeyMultibase"]}
    )
    signed = _json(folder / "credential-signed.json")
    assert verify_credential(signed, keys, at=AT, contexts=clr_contexts) == []
    assert verifier_rules(verify_credential(signed, at=AT, contexts=clr_contexts)) == [
        "unknown-key"
    ]


def test_spec_vectors_verify_through_the_command_line_with_keys(vectors, tmp_path):
    folder = vectors / "spec-rendered-2024-04"
    files = sorted(folder.glob("*.json")) + sorted(folder.glob("*.jwt"))
    assert len(files) == 16
    keys = write_keys(tmp_path / "keys.json", published_methods(_json(f) for f in files[:8]))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "badgegate",
            "validate",
            "--mode",
            "verify",
            "--variant",
            "jsonld",
            "--keys",
            str(keys),
            "--format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == 16
    for entry in report["files"]:
        rules = [f["rule"] for f in entry["findings"] if f["severity"] == "error"]
        assert verifier_rules_of(rules) == [], entry["path"]


def verifier_rules_of(rules: list[str]) -> list[str]:
    from tests.verify.conftest import VERIFIER_RULES

    return [rule for rule in rules if rule in VERIFIER_RULES]


def test_without_keys_an_https_method_is_an_unknown_key(vectors):
    signed = _json(
        vectors / "spec-rendered-2024-04" / "basic-openbadgecredential.ldp-eddsa-rdfc-2022.json"
    )
    findings = verify_credential(signed, at=AT)
    assert [f.rule for f in findings] == ["unknown-key"]
    assert "--keys" in findings[0].message


# local_signature_check (EXPECTED.json) -> the verifier rules we give; the published keys are
# passed. Samples edited to trigger another probe carry stale signatures: some of those edits
# put an undefined term in the credential, which safe mode reports before the signature.
STALE = {"signature-invalid", "undefined-term"}
SAMPLE_VERDICTS = {
    "simple-err-proof-method.json": {"unknown-key"},  # the fragment is not a valid multikey
    # a method without a scheme is also a relative IRI, which the proof options would drop
    "simple-err-proof-method-no-scheme.json": {"unknown-key", "undefined-term"},
    "simple-err-proof-method-unknown-scheme.json": {"unknown-key"},
    "simple-err-proof-method-unknown-did-method.json": {"unknown-key"},
}


def _sample_cases(vectors_dir: Path) -> list[tuple[str, dict]]:
    expected = _json(vectors_dir / "validator-ob30" / "EXPECTED.json")["files"]
    return sorted(expected.items())


@pytest.fixture
def sample_keys(vectors) -> Keys:
    folder = vectors / "validator-ob30"
    return published_keys(
        _json(path) for path in folder.rglob("*.json") if path.name != "EXPECTED.json"
    )


def test_validator_samples_get_the_recorded_verdicts(vectors, sample_keys):
    folder = vectors / "validator-ob30"
    checked = 0
    for name, entry in _sample_cases(vectors):
        path = folder / name
        if path.suffix not in (".json", ".jwt", ".png", ".svg"):
            continue  # simple.1ob (the bytes of simple.json), testlist (a status list)
        rules = set(
            verifier_rules(verify_file(path, sample_keys, at=AT, variant="jsonld").findings)
        )
        local = entry.get("local_signature_check")
        if name in SAMPLE_VERDICTS:
            assert rules == SAMPLE_VERDICTS[name], name
        elif local in ("OK", None):
            assert rules == set(), name  # baked images carry signatures that verify
        elif local == "BAD-SIG":
            assert rules and rules <= STALE, name
        elif local == "no-jwk":  # velocity.jwt's nbf also disagrees with its validFrom
            assert "unknown-key" in rules, name
            assert rules <= {"unknown-key", "jwt-claims-mismatch"}, name
        elif local == "no proof":
            assert rules == {"no-proof"}, name
        else:  # skip(<type>/<cryptosuite>): a suite badgegate does not verify
            assert "unsupported-cryptosuite" in rules, name
            assert rules <= {"unsupported-cryptosuite"}, name
        checked += 1
    assert checked >= 40


def test_a_did_web_key_is_not_resolved_offline(vectors, sample_keys):
    path = vectors / "validator-ob30" / "simple-did-web-method.json"
    assert verifier_rules(verify_file(path, at=AT).findings) == ["unknown-key"]
    assert verifier_rules(verify_file(path, sample_keys, at=AT).findings) == []


def test_multiple_proofs_judge_each_proof(vectors, sample_keys):
    document = _json(vectors / "validator-ob30" / "simple-multiple-proofs.json")
    findings = verify_credential(document, sample_keys, at=AT)
    assert [(f.rule, f.pointer) for f in findings] == [("unsupported-cryptosuite", "/proof/0")]


def test_clr_vectors_verify(vectors, clr_contexts):
    folder = vectors / "validator-clr20"
    simple = _json(folder / "simple.json")
    assert verify_credential(simple, published_keys([simple]), at=AT, contexts=clr_contexts) == []
    assert verify_credential((folder / "simple.jwt").read_text(), at=AT) == []


def test_a_baked_badge_changed_after_baking_fails(vectors, sample_keys, tmp_path):
    folder = vectors / "validator-ob30"
    svg = (folder / "simple-json.svg").read_text(encoding="utf-8")
    changed = tmp_path / "simple-json.svg"
    changed.write_text(svg.replace('"Teamwork Badge"', '"Teamwork Badgf"'), encoding="utf-8")
    assert verifier_rules(verify_file(changed, sample_keys, at=AT).findings) == [
        "signature-invalid"
    ]
    baked_jws = (folder / "simple-jwt.svg").read_text(encoding="utf-8")
    token = baked_jws.split('verify="', 1)[1].split('"', 1)[0]
    head, payload, signature = token.split(".")
    flipped = signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
    forged = tmp_path / "simple-jwt.svg"
    forged.write_text(baked_jws.replace(token, f"{head}.{payload}.{flipped}"), encoding="utf-8")
    assert verifier_rules(verify_file(forged, at=AT).findings) == ["signature-invalid"]
