"""Deterministic record ids: ``uuid5(namespace, "<kind>:<legacy id>")`` (DESIGN.md, Ids)."""

from __future__ import annotations

import uuid
from typing import Literal

RecordKind = Literal["achievement", "credential", "requirement", "progress"]
RECORD_KINDS: tuple[RecordKind, ...] = ("achievement", "credential", "requirement", "progress")


def record_key(namespace: uuid.UUID, kind: RecordKind, legacy_id: str) -> uuid.UUID:
    """Return the engine key of the ``kind`` record made from legacy row ``legacy_id``."""
    if kind not in RECORD_KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(RECORD_KINDS)}")
    return uuid.uuid5(namespace, f"{kind}:{legacy_id}")


def record_urn(namespace: uuid.UUID, kind: RecordKind, legacy_id: str) -> str:
    """Return the ``urn:uuid:`` id of the ``kind`` record made from legacy row ``legacy_id``."""
    return record_key(namespace, kind, legacy_id).urn
