"""Batch upserts in the store, on each backend: outcomes, stored versions, order and counts.

On PostgreSQL the records of identities not stored yet are inserted before the stored ones
are read; these tests pin that the outcomes are those of reading first: each record's status
in batch order, the version a batch leaves, the insertion order, the run history, the counts,
and writers racing on the same identities.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import text

from badgegate.engine.model.datetimes import instant_key
from badgegate.engine.model.records import StoredRecord, credential_record, extension_record
from badgegate.engine.storage.store import ListQuery, Store
from badgegate.samples import sample_achievement, sample_credential
from tests.engine.conftest import postgres_only


def _credential(valid_from: str = "2024-05-01T12:00:00Z", **changes: Any) -> StoredRecord:
    return credential_record({**sample_credential(str(uuid.uuid4()), valid_from), **changes})


def _renamed(record: StoredRecord, name: str) -> StoredRecord:
    """``record`` renamed and valid from a later instant (so a replacement, not a 304)."""
    body = record.body.replace("Sample credential", name)
    return dataclasses.replace(record, body=body, valid_from=instant_key("2030-01-01T00:00:00Z"))


def _listed(store: Store, tenant: str, kind: str = "credential") -> tuple[int, list[str]]:
    page = asyncio.run(store.page(ListQuery(tenant, kind, limit=100, offset=0)))
    return page.total, [body for _, body in page.items]


def test_new_stored_and_repeated_records_in_one_batch(store: Store, tenant: str) -> None:
    kept, replaced = _credential(), _credential()
    store.upsert(tenant, [kept, replaced], None)
    fresh, twice = _credential(), _credential()
    key = str(uuid.uuid4())
    achievement = extension_record("achievement", key, sample_achievement(key))
    batch = [
        fresh,
        kept,
        _renamed(replaced, "replaced"),
        twice,
        _renamed(twice, "second version"),
        _renamed(twice, "second version"),
        achievement,
    ]
    outcomes = store.upsert(tenant, batch, None)
    assert [outcome.status for outcome in outcomes] == [201, 304, 200, 201, 200, 304, 201]
    assert outcomes[1].record == kept
    second = _renamed(twice, "second version")
    replacement = _renamed(replaced, "replaced")
    assert _listed(store, tenant) == (4, [kept.body, replacement.body, fresh.body, second.body])
    assert _listed(store, tenant, "achievement") == (1, [achievement.body])


def test_a_run_records_its_first_touches_in_batch_order(store: Store, tenant: str) -> None:
    stored = _credential()
    store.upsert(tenant, [stored], None)
    fresh = _credential()
    batch = [fresh, _renamed(stored, "replaced"), _renamed(fresh, "again")]
    assert [o.status for o in store.upsert(tenant, batch, "run-1")] == [201, 200, 200]
    summary = store.run_summary(tenant, "run-1")
    assert summary == [
        ("credential", fresh.record_id, "created"),
        ("credential", stored.record_id, "replaced"),
    ]
    deleted, restored = store.rollback(tenant, "run-1") or ({}, {})
    assert deleted["credential"] == 1 and restored["credential"] == 1
    assert _listed(store, tenant) == (1, [stored.body])


def test_writers_racing_on_the_same_new_records_create_each_once(store: Store, tenant: str) -> None:
    batch = [_credential() for _ in range(200)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: store.upsert(tenant, batch, None), range(4)))
    for position in range(len(batch)):
        statuses = sorted(outcomes[position].status for outcomes in results)
        assert statuses == [201, 304, 304, 304]
    assert _listed(store, tenant)[0] == 200


def test_a_record_deleted_between_insert_and_read_is_created(
    store: Store, engine_db: str, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres_only(engine_db, "only PostgreSQL inserts before it reads")
    vanishing = _credential()
    store.upsert(tenant, [vanishing], None)
    key = str(uuid.uuid4())
    achievement = extension_record("achievement", key, sample_achievement(key))
    insert_absent = store._insert_absent

    def then_delete(*args: Any) -> set[tuple[str, str]]:
        inserted = insert_absent(*args)
        # Another writer deletes the credential the insert found stored (the new achievement
        # holds only its own kind's counter, so the delete does not wait for this batch).
        with store.engine.connect() as other, other.begin():
            other.execute(text("SET LOCAL lock_timeout = '10s'"))
            other.execute(
                text("DELETE FROM bg_records WHERE tenant = :t AND rkey = :k"),
                {"t": tenant, "k": vanishing.key},
            )
        return inserted

    monkeypatch.setattr(store, "_insert_absent", then_delete)
    again = _renamed(vanishing, "again")
    outcomes = store.upsert(tenant, [achievement, again], None)
    assert [outcome.status for outcome in outcomes] == [201, 201]
    assert _listed(store, tenant) == (1, [again.body])
    assert _listed(store, tenant, "achievement") == (1, [achievement.body])
