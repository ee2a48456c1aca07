"""Small, valid OB 3.0 documents for seeding a target the harness controls."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_CONTEXTS = [VC_V2_CONTEXT, OB_CONTEXT]
SAMPLE_NAMESPACE = uuid.UUID("6f3c7a52-3a4f-5d0e-9b51-1c2d3e4f5a6b")
SAMPLE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def sample_achievement(index: int) -> dict[str, Any]:
    """Return the ``index``-th sample ``Achievement``."""
    key = uuid.uuid5(SAMPLE_NAMESPACE, f"achievement:{index}")
    return {
        "id": key.urn,
        "type": ["Achievement"],
        "name": f"Sample achievement {index}",
        "description": f"Awarded for completing sample goal {index}.",
        "criteria": {"narrative": f"Complete sample goal {index}."},
    }


def sample_credential(index: int, issuer_id: str) -> dict[str, Any]:
    """Return the ``index``-th sample ``OpenBadgeCredential`` issued by ``issuer_id``.

    ``validFrom`` grows one minute per index, so ``since`` filters have distinct boundaries.
    """
    key = uuid.uuid5(SAMPLE_NAMESPACE, f"credential:{index}")
    valid_from = SAMPLE_EPOCH + dt.timedelta(minutes=index)
    return {
        "@context": list(OB3_CONTEXTS),
        "id": key.urn,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": "Sample issuer"},
        "validFrom": valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "name": f"Sample credential {index}",
        "credentialSubject": {
            "id": f"mailto:learner{index}@example.org",
            "type": ["AchievementSubject"],
            "achievement": sample_achievement(index),
        },
    }
