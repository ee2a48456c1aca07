"""Credentials issued through a migration verify: with badgegate's verifier, with
``badgegate validate --mode verify``, and with a second, independent implementation of
``eddsa-rdfc-2022`` (pyoxigraph's RDFC-1.0, Ed25519 and did:key decoding of its own)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from badgegate.testing.linked_data import oxigraph_nquads
from badgegate.verify import canonical_nquads, verify_credential
from badgegate.verify.contexts import pinned

from .support import Target, badgegate, unsigned

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# pyoxigraph writes the noncharacters U+FFFE and U+FFFF as \u escapes; RDFC-1.0's canonical
# N-Quads writes them as they are.
_NONCHARACTER_ESCAPE = re.compile(r"\\u(FFF[EF])")


def _base58(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _ALPHABET.index(char)
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def _second_nquads(document: dict[str, Any]) -> str:
    text = oxigraph_nquads(document, pinned())
    return _NONCHARACTER_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def independently_verified(credential: dict[str, Any]) -> bool:
    """Verify the credential's one proof with pyoxigraph's canonical forms and the did:key."""
    (proof,) = credential["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    did, _, fragment = proof["verificationMethod"].removeprefix("did:key:").partition("#")
    assert fragment == did and did.startswith("z")
    raw = _base58(did[1:])
    assert raw[:2] == b"\xed\x01"
    public = ed25519.Ed25519PublicKey.from_public_bytes(raw[2:])
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    options["@context"] = credential["@context"]
    data = b"".join(
        hashlib.sha256(_second_nquads(part).encode("utf-8")).digest()
        for part in (options, unsigned(credential))
    )
    try:
        public.verify(_base58(proof["proofValue"][1:]), data)
    except InvalidSignature:
        return False
    return True


@pytest.fixture
def migrated(sqlite_legacy: str, target: Target) -> list[dict[str, Any]]:
    result = badgegate("migrate", "--legacy-db", sqlite_legacy)
    assert result.code in (0, 1), result.err
    credentials = list(target.state()["credential"].values())
    assert credentials, "the migration issued no credentials"
    return credentials


def test_migrated_credentials_verify_with_a_second_implementation(
    migrated: list[dict[str, Any]],
) -> None:
    assert all(verify_credential(credential) == [] for credential in migrated)
    failed = [c["id"] for c in migrated if not independently_verified(c)]
    # Where the two canonicalizers label blank nodes differently, the signature over
    # badgegate's form cannot verify over pyoxigraph's: those, and only those, may fail.
    differently_labelled = [
        c["id"]
        for c in migrated
        if _second_nquads(unsigned(c)) != canonical_nquads(unsigned(c)).nquads
    ]
    assert failed == differently_labelled
    assert len(failed) < len(migrated) / 4, f"{len(failed)} of {len(migrated)} did not verify"


def test_migrated_credentials_pass_validate_in_verify_mode(
    migrated: list[dict[str, Any]], tmp_path: Path
) -> None:
    paths = []
    for index, credential in enumerate(migrated[:10]):
        path = tmp_path / f"credential-{index}.json"
        path.write_text(json.dumps(credential), encoding="utf-8")
        paths.append(str(path))
    result = badgegate("validate", "--mode", "verify", *paths)
    assert result.code == 0, result.out + result.err


def test_a_tampered_migrated_credential_fails_both_verifiers(
    migrated: list[dict[str, Any]],
) -> None:
    tampered = {**migrated[0], "name": migrated[0]["name"] + "!"}
    assert not independently_verified(tampered)
    assert [f.rule for f in verify_credential(tampered)] == ["signature-invalid"]
