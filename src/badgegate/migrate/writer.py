"""The writing side: one batch of planned badges -> the engine, with an outcome per record.

Batch mode sends a batch through ``BadgeEngineClient.upsert_many`` (one ``POST /ext/batch``, or
single calls when the engine has no batch endpoint); single-call mode always sends one upsert per
record. Every write carries the run id. A record the engine refuses (400/403), or a batch it
fails on after the client's retries (5xx, a malformed answer), becomes failed outcomes with the
reason; an unreachable engine, a refused token or a target without badgegate's extension API
(a 404 to an achievement or progress upsert: nothing can be migrated there) stops the run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from badgegate.client import (
    BadgeEngineClient,
    BatchOperation,
    BatchResult,
    EngineHTTPError,
    ProtocolError,
    Unauthorized,
)
from badgegate.errors import ConfigError
from badgegate.streaming.planner import PlannedBadge
from badgegate.vocabulary import BATCH_LIMIT

OUTCOMES = {201: "created", 200: "replaced", 304: "unchanged"}


@dataclasses.dataclass(frozen=True)
class RecordOutcome:
    """What happened to one record (``kind`` ``badge`` for a badge that could not be mapped)."""

    legacy_id: str
    kind: str
    record_id: str | None
    outcome: str
    status: int | None = None
    reason: str = ""

    @property
    def failed(self) -> bool:
        """True when the record did not reach the engine."""
        return self.outcome == "failed"

    def to_event(self) -> dict[str, object]:
        """The record's run-log event."""
        event: dict[str, object] = {
            "event": "record",
            "legacy_id": self.legacy_id,
            "kind": self.kind,
            "id": self.record_id,
            "outcome": self.outcome,
        }
        if self.status is not None:
            event["status"] = self.status
        if self.reason:
            event["reason"] = self.reason
        return event


def unmapped(badge: PlannedBadge) -> RecordOutcome:
    """The failed outcome of a badge the mapping cannot represent."""
    return RecordOutcome(badge.legacy_id, "badge", None, "failed", None, badge.problem)


def owned_operations(batch: Sequence[PlannedBadge]) -> list[tuple[str, BatchOperation]]:
    """``(legacy id, upsert)`` for every record of ``batch``, in order."""
    return [(badge.legacy_id, op) for badge in batch for op in badge.operations]


def record_id_of(operation: BatchOperation) -> str | None:
    """The id of the record an upsert writes."""
    value = operation.record.get("id")
    return value if isinstance(value, str) else None


def _from_result(legacy_id: str, operation: BatchOperation, result: BatchResult) -> RecordOutcome:
    if result.failed:
        description = (result.error or {}).get("imsx_description") or "refused"
        reason = f"engine answered {result.status}: {description}"
        return RecordOutcome(
            legacy_id, operation.kind, record_id_of(operation), "failed", result.status, reason
        )
    outcome = OUTCOMES.get(result.status, "failed")
    return RecordOutcome(legacy_id, operation.kind, record_id_of(operation), outcome, result.status)


def _failed_all(
    owned: Sequence[tuple[str, BatchOperation]], error: EngineHTTPError | ProtocolError
) -> list[RecordOutcome]:
    status = error.status if isinstance(error, EngineHTTPError) else None
    return [
        RecordOutcome(legacy_id, op.kind, record_id_of(op), "failed", status, str(error))
        for legacy_id, op in owned
    ]


def _stop_without_extension_api(
    error: EngineHTTPError, operations: Sequence[BatchOperation]
) -> None:
    """Raise :class:`ConfigError` when a 404 shows the target has no extension API: every
    achievement and progress record would fail the same way, so the run stops at once."""
    if error.status == 404 and any(op.kind != "credential" for op in operations):
        raise ConfigError(
            f"the target has no badgegate extension API ({error}); the migrator stores "
            "achievements and progress records through it (PUT /ext/achievements/{key}, "
            "PUT /ext/progress/{key}), so nothing was migrated: point --engine-url at a "
            "badge-engine that serves them"
        ) from None


class RecordWriter:
    """Writes batches of planned badges to the engine under one run id (thread-safe)."""

    def __init__(
        self, client: BadgeEngineClient, *, run_id: str, single_calls: bool = False
    ) -> None:
        self.client = client
        self.run_id = run_id
        self.single_calls = single_calls

    def write(self, batch: Sequence[PlannedBadge]) -> list[RecordOutcome]:
        """Upsert every record of ``batch``; an outcome per record (unmapped badges first)."""
        outcomes = [unmapped(badge) for badge in batch if not badge.representable]
        owned = owned_operations(batch)
        if self.single_calls:
            outcomes += [self._write_one(legacy_id, op) for legacy_id, op in owned]
        elif owned:
            outcomes += self._write_batch(owned)
        return outcomes

    def _write_batch(self, owned: Sequence[tuple[str, BatchOperation]]) -> list[RecordOutcome]:
        operations = [op for _, op in owned]
        try:
            results = self.client.upsert_many(
                operations, run_id=self.run_id, batch_size=min(BATCH_LIMIT, len(operations))
            )
        except Unauthorized:
            raise
        except EngineHTTPError as error:
            _stop_without_extension_api(error, [op for _, op in owned])
            if error.status == 413 and len(owned) > 1:
                half = len(owned) // 2
                return self._write_batch(owned[:half]) + self._write_batch(owned[half:])
            return _failed_all(owned, error)
        except ProtocolError as error:
            return _failed_all(owned, error)
        return [
            _from_result(legacy_id, op, result)
            for (legacy_id, op), result in zip(owned, results, strict=True)
        ]

    def _write_one(self, legacy_id: str, operation: BatchOperation) -> RecordOutcome:
        try:
            status = self.client.upsert(operation, run_id=self.run_id).status
        except Unauthorized:
            raise
        except EngineHTTPError as error:
            _stop_without_extension_api(error, [operation])
            return _failed_all([(legacy_id, operation)], error)[0]
        except ProtocolError as error:
            return _failed_all([(legacy_id, operation)], error)[0]
        return RecordOutcome(
            legacy_id, operation.kind, record_id_of(operation), OUTCOMES[status], status
        )
