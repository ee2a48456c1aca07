"""Valid sample records of each kind, built deterministically from a key (for provider states)."""

from __future__ import annotations

import uuid
from typing import Any

from badgegate.engine.credential_check import OB_CONTEXT, VC_V2_CONTEXT

SAMPLE_NAMESPACE = uuid.UUID("6f1d1c7e-8a34-4c1e-9a4e-3b1f2d0c5a77")
SAMPLE_ISSUER = "https://issuer.example/profiles/badgegate"
SAMPLE_RECIPIENT = "mailto:learner@example.org"


def sample_key(kind: str, name: str) -> str:
    """A deterministic UUID for sample record ``name`` of ``kind``."""
    return str(uuid.uuid5(SAMPLE_NAMESPACE, f"{kind}:{name}"))


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
    key: str, valid_from: str = "2024-01-01T00:00:00Z", *, recipient: str = SAMPLE_RECIPIENT
) -> dict[str, Any]:
    """An OB 3.0 AchievementCredential with id ``urn:uuid:{key}`` awarded to ``recipient``."""
    achievement_key = sample_key("achievement", key)
    return {
        "@context": [VC_V2_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{key}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": SAMPLE_ISSUER, "type": ["Profile"], "name": "badgegate samples"},
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
