"""Small, valid OB 3.0 records of each kind, built deterministically from a key.

They seed a target the harness controls (the smoke and fuzz suites) and the reference
engine's provider states. The same key always gives the same record.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

from badgegate.ob3 import OB3_CONTEXTS

SAMPLE_NAMESPACE = uuid.UUID("6f1d1c7e-8a34-4c1e-9a4e-3b1f2d0c5a77")
SAMPLE_ISSUER = "https://issuer.example/profiles/badgegate"
SAMPLE_RECIPIENT = "mailto:learner@example.org"
SAMPLE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def sample_key(kind: str, name: str) -> str:
    """A deterministic UUID for sample record ``name`` of ``kind``."""
    return str(uuid.uuid5(SAMPLE_NAMESPACE, f"{kind}:{name}"))


def sample_valid_from(index: int) -> str:
    """The ``index``-th of a series of ``validFrom`` instants one minute apart (distinct
    ``since`` boundaries)."""
    return (SAMPLE_EPOCH + dt.timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%M:%SZ")


def sample_achievement(key: str, name: str = "Sample achievement") -> dict[str, Any]:
    """An OB 3.0 Achievement with id ``urn:uuid:{key}``."""
    return {
        "id": f"urn:uuid:{key}",
        "type": ["Achievement"],
        "name": name,
        "description": f"{name}, as defined by the badgegate samples.",
        "criteria": {"narrative": "Complete every requirement."},
    }


def sample_credential(
    key: str,
    valid_from: str = "2024-01-01T00:00:00Z",
    *,
    recipient: str = SAMPLE_RECIPIENT,
    issuer: str = SAMPLE_ISSUER,
) -> dict[str, Any]:
    """An OB 3.0 AchievementCredential with id ``urn:uuid:{key}`` issued by ``issuer`` (a
    Profile id) to ``recipient``."""
    achievement_key = sample_key("achievement", key)
    return {
        "@context": list(OB3_CONTEXTS),
        "id": f"urn:uuid:{key}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "badgegate samples"},
        "validFrom": valid_from,
        "name": "Sample credential",
        "credentialSubject": {
            "id": recipient,
            "type": ["AchievementSubject"],
            "achievement": sample_achievement(achievement_key),
        },
    }


def sample_progress(key: str, achievement_key: str | None = None) -> dict[str, Any]:
    """A progress record with id ``urn:uuid:{key}`` for achievement ``achievement_key``."""
    achievement_key = achievement_key or sample_key("achievement", key)
    return {
        "id": f"urn:uuid:{key}",
        "type": ["BadgegateProgressRecord"],
        "achievement": f"urn:uuid:{achievement_key}",
        "progress": 40,
        "status": "IN_PROGRESS",
        "requirements": [
            {"id": f"urn:uuid:{sample_key('requirement', key)}", "completed": True},
        ],
        "legacy": {"content": "Sample *markdown*", "target_date": "next spring"},
    }


def sample_compact_jws(
    key: str, valid_from: str = "2024-01-01T00:00:00Z", *, issuer: str = SAMPLE_ISSUER
) -> str:
    """A compact JWS (VC-JWT) carrying :func:`sample_credential` with its JWT claims.

    The signature is a placeholder: badgegate checks the header, the claims and the credential.
    """
    credential = sample_credential(key, valid_from, issuer=issuer)
    moment = dt.datetime.fromisoformat(valid_from.replace("Z", "+00:00"))
    payload = {
        **credential,
        "iss": issuer,
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(moment.timestamp()),
    }
    header = {"alg": "RS256", "kid": f"{issuer}#key-1", "typ": "JWT"}
    return f"{_base64url(header)}.{_base64url(payload)}.c2lnbmF0dXJl"


def _base64url(document: dict[str, Any]) -> str:
    raw = json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
