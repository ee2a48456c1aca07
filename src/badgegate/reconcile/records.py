"""What reconciliation keeps of a served record: its key, a digest, and how to trace it back.

Two records agree when the digests of their canonical JSON agree, so the engine side can be
spilled to disk as a few dozen bytes per record and compared without holding either side.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from badgegate.mapping.transforms import system_identifier_inverse

URN_PREFIX = "urn:uuid:"
KINDS = ("achievement", "credential", "progress")


@dataclasses.dataclass(frozen=True)
class SpilledRecord:
    """A served record as spilled: ``trace`` a legacy id, ``link`` the key of its achievement."""

    key: str
    kind: str
    digest: bytes
    trace: str | None
    link: str | None


def canonical(record: Any) -> bytes:
    """The canonical JSON of a record (sorted keys, no spaces), UTF-8."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


def digest(record: Any) -> bytes:
    """A 16-byte digest of the record's canonical JSON."""
    return hashlib.blake2b(canonical(record), digest_size=16).digest()


def key_of(record_id: Any) -> str:
    """The engine key of a record id: the bare lowercase UUID of a ``urn:uuid:``, else the id."""
    text = str(record_id)
    if text[: len(URN_PREFIX)].lower() == URN_PREFIX:
        return text[len(URN_PREFIX) :].lower()
    return text


def legacy_id_of_achievement(achievement: Any) -> str | None:
    """The legacy id an Achievement carries in its ``systemId`` identifier, if any."""
    if not isinstance(achievement, dict):
        return None
    found = system_identifier_inverse(achievement.get("otherIdentifier"))
    return found if isinstance(found, str) else None


def spilled(kind: str, record: Any) -> SpilledRecord:
    """Reduce one served record (a dict, or a compact JWS string) to what is spilled."""
    if not isinstance(record, dict):
        text = str(record)
        return SpilledRecord(
            "jws:" + hashlib.sha256(text.encode()).hexdigest(), kind, digest(text), None, None
        )
    trace: str | None = None
    link: str | None = None
    if kind == "achievement":
        trace = legacy_id_of_achievement(record)
    elif kind == "progress":
        link = key_of(record.get("achievement")) if record.get("achievement") else None
    else:
        subject = record.get("credentialSubject")
        embedded = subject.get("achievement") if isinstance(subject, dict) else None
        trace = legacy_id_of_achievement(embedded)
        if isinstance(embedded, dict) and embedded.get("id"):
            link = key_of(embedded["id"])
    return SpilledRecord(key_of(record.get("id")), kind, digest(record), trace, link)
