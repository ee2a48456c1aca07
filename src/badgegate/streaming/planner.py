"""The reading side: legacy badges -> the upserts they become, grouped into write batches.

Badges stream from one read-only snapshot in key order (``badgegate.legacy``); each goes through
the mapping's ``forward``. A badge's records always travel in the same batch, so a batch's
checkpoint (its last legacy id) means every record of every badge up to it is confirmed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import sqlalchemy as sa

from badgegate.client import BatchOperation
from badgegate.errors import ConfigError
from badgegate.findings import Finding
from badgegate.legacy import iter_badges
from badgegate.mapping import MigratedBadge, MigrationMapping, forward


@dataclasses.dataclass(frozen=True)
class PlannedBadge:
    """One legacy badge and the upserts it becomes (none when it cannot be represented)."""

    legacy_id: str
    operations: tuple[BatchOperation, ...]
    findings: tuple[Finding, ...]

    @property
    def representable(self) -> bool:
        """True when the mapping produced the badge's records."""
        return bool(self.operations)

    @property
    def problem(self) -> str:
        """Why the badge cannot be migrated (its error findings), or ``""``."""
        errors = [finding for finding in self.findings if finding.severity == "error"]
        return "; ".join(f"{finding.rule}: {finding.message}" for finding in errors)


def issuer_from_profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The credential issuer: the tenant's Profile as an OB 3.0 ``Profile`` reference."""
    issuer: dict[str, Any] = {"id": profile["id"], "type": ["Profile"]}
    if isinstance(profile.get("name"), str):
        issuer["name"] = profile["name"]
    return issuer


def operations_of(migrated: MigratedBadge) -> tuple[BatchOperation, ...]:
    """The upserts of one migrated badge: achievement, then credential, then progress."""
    if not migrated.representable:
        return ()
    assert migrated.achievement is not None and migrated.progress is not None
    operations = [BatchOperation("achievement", migrated.achievement, migrated.achievement_key)]
    if migrated.credential is not None:
        operations.append(BatchOperation("credential", migrated.credential))
    operations.append(BatchOperation("progress", migrated.progress, migrated.progress_key))
    return tuple(operations)


def plan_badges(
    connection: sa.Connection,
    *,
    mapping: MigrationMapping,
    issuer: Mapping[str, Any],
    since: dt.datetime | None = None,
    after: str | None = None,
) -> Iterator[PlannedBadge]:
    """Plan every legacy badge (changed at or after ``since``, keyed after ``after``)."""
    for badge, requirements in iter_badges(connection, since=since):
        if after is not None and badge["id"] <= after:
            continue
        migrated = forward(badge, requirements, mapping=mapping, issuer=issuer)
        yield PlannedBadge(str(badge["id"]), operations_of(migrated), tuple(migrated.findings))


def batches(badges: Iterable[PlannedBadge], batch_size: int) -> Iterator[list[PlannedBadge]]:
    """Group badges into batches of at most ``batch_size`` upserts (a badge is never split)."""
    batch: list[PlannedBadge] = []
    size = 0
    for badge in badges:
        count = len(badge.operations)
        if batch and size + count > batch_size:
            yield batch
            batch, size = [], 0
        batch.append(badge)
        size += count
    if batch:
        yield batch


def parse_since(text: str, mapping: MigrationMapping) -> dt.datetime:
    """``--since``: an ISO 8601 date-time, as naive legacy local time (the mapping's zone).

    A time with a zone is converted into the mapping's zone; one without is taken as legacy
    local time already.
    """
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(
            f"--since {text!r} is not an ISO 8601 date-time; use e.g. 2024-05-01T12:00:00+02:00"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(mapping.timezone).replace(tzinfo=None)
    return moment
