"""The documents the consumers send in their contracts, and the shapes they expect back.

Keys and ids are fixed so the pact files are reproducible byte for byte.
"""

from __future__ import annotations

from typing import Any

from badgegate.contracts import matchers as m
from badgegate.ob3 import OB3_CONTEXTS

ISSUER_ID = "https://issuer.example/profiles/badgegate"
ACHIEVEMENT_KEY = "0b7c2a4e-5d1f-5a3b-8c6d-9e0f1a2b3c4d"
PROGRESS_KEY = "1c8d3b5f-6e2a-5b4c-9d7e-0f1a2b3c4d5e"
CREDENTIAL_KEY = "2d9e4c6a-7f3b-5c5d-8e8f-1a2b3c4d5e6f"
REQUIREMENT_KEY = "3e0f5d7b-8a4c-5d6e-9f9a-2b3c4d5e6f7a"
UNKNOWN_KEY = "4f1a6e8c-9b5d-5e7f-8a0b-3c4d5e6f7a8b"
PROFILE_ID = "urn:uuid:5a2b7f9d-0c6e-5f8a-9b1c-4d5e6f7a8b9c"
RUN_ID = "contract-run-1"
ROLLBACK_RUN_ID = "contract-run-rollback"


def achievement(key: str = ACHIEVEMENT_KEY) -> dict[str, Any]:
    """An OB 3.0 Achievement as the migrator builds it from a legacy badge."""
    return {
        "id": f"urn:uuid:{key}",
        "type": ["Achievement"],
        "name": "Run a 10 km race",
        "description": "Finish a 10 km race in under an hour.",
        "criteria": {"narrative": "Complete every requirement."},
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": "legacy-badge-17",
                "identifierType": "systemId",
            }
        ],
    }


def progress(key: str = PROGRESS_KEY, achievement_key: str = ACHIEVEMENT_KEY) -> dict[str, Any]:
    """A progress record as the migrator builds it from a legacy badge."""
    return {
        "id": f"urn:uuid:{key}",
        "type": ["BadgegateProgressRecord"],
        "achievement": f"urn:uuid:{achievement_key}",
        "progress": 40,
        "status": "IN_PROGRESS",
        "requirements": [{"id": f"urn:uuid:{REQUIREMENT_KEY}", "completed": False}],
        "legacy": {"content": "Train *three* times a week", "target_date": "next spring"},
    }


def credential(
    valid_from: str = "2024-03-01T09:30:00Z", name: str = "10 km race"
) -> dict[str, Any]:
    """An OpenBadgeCredential as the migrator builds it for a completed legacy badge."""
    return {
        "@context": list(OB3_CONTEXTS),
        "id": f"urn:uuid:{CREDENTIAL_KEY}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER_ID, "type": ["Profile"], "name": "badgegate migration"},
        "validFrom": valid_from,
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "0f3c5a1e9b7d2c4f" * 4,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "legacy-badge-17",
                }
            ],
            "achievement": achievement(),
        },
    }


def profile() -> dict[str, Any]:
    """The issuer Profile the migrator writes."""
    return {
        "@context": list(OB3_CONTEXTS),
        "id": PROFILE_ID,
        "type": ["Profile"],
        "name": "badgegate migration",
        "url": "https://issuer.example/",
    }


def served_credential(valid_from: Any = None) -> dict[str, Any]:
    """The shape of a served credential: what a reader relies on, types for the rest."""
    return {
        "@context": m.ob3_context(),
        "id": m.uri("urn:uuid:" + CREDENTIAL_KEY),
        "type": m.exact_list(["VerifiableCredential", "OpenBadgeCredential"]),
        "issuer": {"id": m.uri(ISSUER_ID)},
        "validFrom": valid_from or m.timestamp("2024-01-02T00:00:00+00:00"),
        "name": m.text("Sample credential"),
        "credentialSubject": {
            "type": m.exact_list(["AchievementSubject"]),
            "achievement": {
                "id": m.uri("urn:uuid:" + ACHIEVEMENT_KEY),
                "type": m.exact_list(["Achievement"]),
                "name": m.text("Sample achievement"),
            },
        },
    }


def stored_credential(document: dict[str, Any]) -> dict[str, Any]:
    """What an upsert answers: the stored credential, with the id and validFrom that were sent."""
    shape = served_credential(valid_from=m.exact(document["validFrom"]))
    shape["id"] = m.exact(document["id"])
    return shape


def served_achievement(key: str) -> dict[str, Any]:
    """The shape of a served Achievement stored at ``key``."""
    return {
        "id": m.exact(f"urn:uuid:{key}"),
        "type": m.exact_list(["Achievement"]),
        "name": m.text("Sample achievement"),
        "criteria": m.match_type({"narrative": "Complete every requirement."}),
    }


def served_progress(key: str) -> dict[str, Any]:
    """The shape of a served progress record stored at ``key``."""
    return {
        "id": m.exact(f"urn:uuid:{key}"),
        "type": m.exact_list(["BadgegateProgressRecord"]),
        "achievement": m.urn_uuid(f"urn:uuid:{ACHIEVEMENT_KEY}"),
        "progress": m.integer(40),
        "status": m.text("IN_PROGRESS"),
        "requirements": m.each_like(
            {"id": m.urn_uuid(f"urn:uuid:{REQUIREMENT_KEY}"), "completed": m.boolean(True)}
        ),
        "legacy": m.match_type({}),
    }
