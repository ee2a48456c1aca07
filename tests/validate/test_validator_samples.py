"""Our ``verify``-mode verdict on 1EdTech's validator samples matches upstream's.

Samples decided by checks outside this validator (signatures, revocation, JSON-LD expansion,
fetching remote schemas) are listed with the reason; they are not silently skipped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from badgegate.validate.documents import validate_file

pytestmark = pytest.mark.shared

AT = datetime(2026, 1, 1, tzinfo=UTC)
OUT_OF_SCOPE = {
    "simple-multiple-proofs.json": "decided by JSON-LD expansion of an undefined proof type",
    "simple-err-proof-method.json": "decided by the embedded proof (signature) check",
    "simple-err-proof-method-unknown-scheme.json": "decided by the embedded proof check",
    "simple-err-proof-method-unknown-did-method.json": "decided by the embedded proof check",
    "simple-err-proof-value.json": "decided by the embedded proof check",
    "complete.json": "decided by fetching extra credentialSchema entries over the network",
    "complete_v1.json": "decided by fetching extra credentialSchema entries over the network",
    "credential-status-revoked.json": "decided by the revocation list (network)",
    "bit-string-list/credential-status-revoked.json": "decided by the status list (network)",
    "bit-string-list/credential-status-revoked-blank-nodes.json": "decided by the status list",
    "bit-string-list/testlist": "a BitstringStatusListCredential, not an OB 3.0 document",
    "endorsement-err-schema-status-refresh.json": (
        "decided by upstream's parser rejecting a VC 1.1 endorsement; OB 3.0 §B.1.2 "
        "(AnyEndorsementCredential) accepts it for verification, so we give vc11-form"
    ),
    "simple.jwt": "no upstream expectation (and no key in the header)",
    "simple-noproof.json": "no upstream expectation",
    "simple-context-version.json": "upstream reports the probe without a verdict",
}


def _expected(upstream: str) -> str:
    if upstream.startswith("invalid"):
        return "invalid"
    return "warning" if upstream.startswith("warning") else "valid"


def _verdict(path: Path) -> str:
    findings = validate_file(path, variant="jsonld", mode="verify", at=AT).findings
    if any(f.is_error for f in findings):
        return "invalid"
    return "warning" if findings else "valid"


def test_samples_in_scope_match_upstream(shared_dir: Path) -> None:
    folder = shared_dir / "ob3-official" / "vectors" / "validator-ob30"
    expected = json.loads((folder / "EXPECTED.json").read_text(encoding="utf-8"))["files"]
    mismatches = {}
    for name, entry in expected.items():
        if name in OUT_OF_SCOPE:
            continue
        want, got = _expected(entry["upstream_expected"]), _verdict(folder / name)
        if want != got:
            mismatches[name] = (want, got)
    assert mismatches == {}
    assert len(expected) - len(OUT_OF_SCOPE) >= 25


def test_out_of_scope_list_names_only_real_samples(shared_dir: Path) -> None:
    expected = json.loads(
        (shared_dir / "ob3-official/vectors/validator-ob30/EXPECTED.json").read_text()
    )["files"]
    assert set(OUT_OF_SCOPE) <= set(expected)
