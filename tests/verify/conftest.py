"""Fixtures of the verifier tests: the official signed vectors and keys built from their
published key pairs.

The vectors' ``verificationMethod``s are https URLs; offline, their keys come through a keys
file. The spec's rendered examples and the validator samples publish each key as the multikey
in the method's fragment (keys made when the examples were built); the implementation guide
publishes its key pair beside the vector (``keypair.json``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from badgegate.verify import ContextSet, Keys
from badgegate.verify.contexts import pinned
from badgegate.verify.keys import KeyFormatError, from_multikey

# Rules the verifier reports (the data model's own findings have other names).
VERIFIER_RULES = frozenset(
    {
        "signature-invalid",
        "unknown-key",
        "context-not-pinned",
        "undefined-term",
        "unsupported-cryptosuite",
        "proof-purpose",
        "created-in-future",
        "proof-malformed",
        "jwt-claims-mismatch",
        "jsonld-invalid",
        "no-proof",
    }
)


@pytest.fixture
def vectors(shared_dir: Path) -> Path:
    """The official signed vectors."""
    return shared_dir / "ob3-official" / "vectors"


@pytest.fixture
def clr_contexts(shared_dir: Path) -> ContextSet:
    """The pinned contexts plus CLR 2.0's (not shipped: the CLR vectors need them)."""
    folder = shared_dir / "ob3-official" / "context"
    context_map = json.loads((folder / "CONTEXT_MAP.json").read_text())
    extra = {
        url: json.loads((folder / name).read_text())
        for url, name in context_map.items()
        if "/clr/" in url
    }
    return ContextSet({**pinned(), **extra})


def proofs_of(document: Any) -> list[Any]:
    proof = document.get("proof") if isinstance(document, dict) else None
    return proof if isinstance(proof, list) else [proof] if proof is not None else []


def published_methods(documents: Iterable[Any]) -> list[dict[str, str]]:
    """Multikey verification methods for the proofs whose method's fragment is the key."""
    methods: dict[str, dict[str, str]] = {}
    for document in documents:
        for proof in proofs_of(document):
            method = proof.get("verificationMethod") if isinstance(proof, dict) else None
            if isinstance(method, str) and "#z6Mk" in method:
                controller, _, key = method.partition("#")
                if not _is_key(key):
                    continue  # a sample made with a broken key in its fragment
                methods[method] = {
                    "id": method,
                    "type": "Multikey",
                    "controller": controller,
                    "publicKeyMultibase": key,
                }
    return list(methods.values())


def _is_key(multikey: str) -> bool:
    try:
        from_multikey(multikey)
    except KeyFormatError:
        return False
    return True


def published_keys(documents: Iterable[Any]) -> Keys:
    """The keys of :func:`published_methods`, as the verifier reads a keys file."""
    return Keys.from_document(published_methods(documents))


def write_keys(path: Path, methods: Any) -> Path:
    path.write_text(json.dumps(methods))
    return path


def verifier_rules(findings: Iterable[Any]) -> list[str]:
    """The verifier's error rules among ``findings``."""
    return [f.rule for f in findings if f.rule in VERIFIER_RULES and f.is_error]
