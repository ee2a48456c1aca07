"""What the client's writes return: upsert outcomes, batch operations and results, rollbacks."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from badgegate.vocabulary import ENGINE_KIND_ORDER, RecordKind

Body = TypeVar("Body")


class UpsertOutcome:
    """What an upsert's status says: 201 created, 200 replaced, 304 unchanged."""

    status: int

    @property
    def created(self) -> bool:
        """True when the record did not exist before (201)."""
        return self.status == 201

    @property
    def replaced(self) -> bool:
        """True when an existing record was replaced (200)."""
        return self.status == 200

    @property
    def unchanged(self) -> bool:
        """True when nothing was written (304): identical, or the stored one is newer."""
        return self.status == 304


@dataclasses.dataclass(frozen=True)
class UpsertResult(UpsertOutcome, Generic[Body]):
    """The outcome of one upsert: 201 created, 200 replaced or 304 unchanged (no body)."""

    status: int
    body: Body | None


def record_key(key: uuid.UUID | str) -> str:
    """The bare UUID of an extension record key; accepts ``urn:uuid:…`` too.

    Keys go into URL paths, so anything else (a URL, a legacy id) is refused.
    """
    if isinstance(key, uuid.UUID):
        return str(key)
    text = key.strip()
    if text.lower().startswith("urn:uuid:"):
        text = text[len("urn:uuid:") :]
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValueError(f"record key {key!r} is not a UUID (nor a urn:uuid: URN)") from None


@dataclasses.dataclass(frozen=True)
class BatchOperation:
    """One upsert of a batch: a credential, or an achievement / progress record with its key."""

    kind: RecordKind
    record: Mapping[str, Any]
    key: uuid.UUID | str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ENGINE_KIND_ORDER:
            raise ValueError(
                f"unknown record kind {self.kind!r}; expected one of {ENGINE_KIND_ORDER}"
            )
        if self.kind != "credential" and self.key is None:
            raise ValueError(f"a {self.kind} operation needs the record's key")

    @classmethod
    def coerce(cls, operation: BatchOperation | Mapping[str, Any]) -> BatchOperation:
        """Accept an operation as this class or as its JSON form (``kind``, ``key``, ``record``)."""
        if isinstance(operation, BatchOperation):
            return operation
        return cls(operation["kind"], operation["record"], operation.get("key"))

    def to_json(self) -> dict[str, Any]:
        """The operation as the batch endpoint expects it."""
        document: dict[str, Any] = {"kind": self.kind, "record": dict(self.record)}
        if self.key is not None:
            document["key"] = record_key(self.key)
        return document


@dataclasses.dataclass(frozen=True)
class BatchResult(UpsertOutcome):
    """The outcome of one batch operation, in the order the operations were sent."""

    index: int
    kind: str
    id: str | None
    status: int
    error: dict[str, Any] | None = None

    @property
    def failed(self) -> bool:
        """True when the engine refused this operation (4xx)."""
        return self.status >= 400


@dataclasses.dataclass(frozen=True)
class RollbackResult:
    """What rolling back a migration run did, per record kind."""

    run_id: str
    deleted: dict[str, int]
    restored: dict[str, int]
