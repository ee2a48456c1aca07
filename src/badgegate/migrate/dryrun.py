"""Dry runs: predict each upsert's outcome from what the engine serves, writing nothing.

The engine answers 304 when the stored record is identical (same canonical JSON, key order
kept) or, for a credential, when the stored one's ``validFrom`` is newer or equal; 200 for any
other existing record; 201 otherwise. The index keeps a digest per record id, not the records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from badgegate.client import BadgeEngineClient, BatchOperation
from badgegate.migrate.writer import RecordOutcome, owned_operations, record_id_of, unmapped
from badgegate.streaming.planner import PlannedBadge


def _digest(record: Mapping[str, Any]) -> bytes:
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _without_proof(record: Mapping[str, Any]) -> Mapping[str, Any]:
    return {name: value for name, value in record.items() if name != "proof"}


def _instant(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class EngineIndex:
    """Digests of the records the engine serves, by kind and record id."""

    def __init__(self) -> None:
        self.digests: dict[str, dict[str, bytes]] = {
            "achievement": {},
            "progress": {},
            "credential": {},
        }
        self.valid_from: dict[str, dt.datetime | None] = {}

    @classmethod
    def load(cls, client: BadgeEngineClient) -> EngineIndex:
        """Read every achievement, progress record and credential the engine serves."""
        index = cls()
        index.add("achievement", client.iter_achievements())
        index.add("progress", client.iter_progress())
        index.add(
            "credential", (item for item in client.iter_credentials() if isinstance(item, dict))
        )
        return index

    def add(self, kind: str, records: Iterable[Mapping[str, Any]]) -> None:
        """Index served ``records`` of ``kind``."""
        digests = self.digests[kind]
        for record in records:
            record_id = record.get("id")
            if isinstance(record_id, str):
                # An engine that signs keeps its proof when equal unsigned data comes again.
                data = record if kind != "credential" else _without_proof(record)
                digests[record_id] = _digest(data)
                if kind == "credential":
                    self.valid_from[record_id] = _instant(record.get("validFrom"))

    def predict(self, operation: BatchOperation) -> tuple[str, int]:
        """The outcome and status the engine would answer ``operation`` with."""
        record_id = record_id_of(operation) or ""
        stored = self.digests[operation.kind].get(record_id)
        if stored is None:
            return "created", 201
        if stored == _digest(operation.record):
            return "unchanged", 304
        if operation.kind == "credential":
            before = self.valid_from.get(record_id)
            after = _instant(operation.record.get("validFrom"))
            if before is not None and after is not None and before >= after:
                return "unchanged", 304
        return "replaced", 200


class DryRunWriter:
    """Stands in for the record writer: predicts outcomes, sends nothing."""

    def __init__(self, index: EngineIndex) -> None:
        self.index = index

    def write(self, batch: Sequence[PlannedBadge]) -> list[RecordOutcome]:
        """The predicted outcome of every record of ``batch``."""
        outcomes = [unmapped(badge) for badge in batch if not badge.representable]
        for legacy_id, operation in owned_operations(batch):
            outcome, status = self.index.predict(operation)
            outcomes.append(
                RecordOutcome(legacy_id, operation.kind, record_id_of(operation), outcome, status)
            )
        return outcomes
