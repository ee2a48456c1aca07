"""Uploads with proofs: a broken signature is refused, a good one from a fresh ``did:key`` is
kept as sent (so a target that refuses every proof does not pass).

Both credentials are issued by a fresh ``did:key`` and signed with its Ed25519 key
(``eddsa-rdfc-2022``); the broken one is changed after signing.
"""

from __future__ import annotations

import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from badgegate.fuzz import probes
from badgegate.fuzz.session import FuzzSession
from badgegate.samples import sample_credential
from badgegate.testing.linked_data import sign_credential
from badgegate.verify.keys import ED25519_MULTICODEC, base58btc_encode

CREATED = "2024-01-01T00:00:00Z"


def signed_credential(private_key: ed25519.Ed25519PrivateKey) -> dict[str, Any]:
    """A fresh credential signed by ``private_key`` and issued by its ``did:key`` (another
    issuer than the target's own, whose published keys do not speak for it)."""
    public = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    multibase = "z" + base58btc_encode(ED25519_MULTICODEC + public)
    method = f"did:key:{multibase}#{multibase}"
    credential = sample_credential(str(uuid.uuid4()), CREATED, issuer=f"did:key:{multibase}")
    signed = sign_credential(credential, private_key, method, CREATED)
    # OB 3.0's JSON Schema has the proofs as a list.
    return {**signed, "proof": [signed["proof"]]}


def signature_checks(session: FuzzSession) -> list[str]:
    """A credential whose signature does not verify answers 400 and is not served; a correctly
    signed one (a fresh did:key) is created and served with its proof."""
    key = ed25519.Ed25519PrivateKey.generate()
    broken = signed_credential(key)
    broken["name"] = f"{broken.get('name', '')} (changed after signing)"
    control = signed_credential(key)
    problems = []
    answer = session.send("POST", "/credentials", json=broken)
    if answer.status_code != 400:
        problems.append(probes.problem("a credential whose signature does not verify", answer))
    if probes.served_credential(session, broken):
        problems.append(f"the credential {broken['id']} with a broken signature is served")
    answer = session.send("POST", "/credentials", json=control)
    if answer.status_code not in (200, 201):
        problems.append(probes.problem("a correctly signed credential (fresh did:key)", answer))
    elif [found.get("proof") for found in probes.served_credential(session, control)] != [
        control["proof"]
    ]:
        problems.append(
            f"the correctly signed credential {control['id']} is not served once with its proof"
        )
    return problems
