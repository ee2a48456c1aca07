"""The kept record counts behind ``X-Total-Count``, on the store of each backend."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import text

from badgegate.engine.model.datetimes import instant_key
from badgegate.engine.storage.store import ListQuery, Store
from tests.engine.conftest import (
    credentials,
    kept_changes,
    postgres_only,
    reopened_without_counting,
)

ROW_LOCKS = "row locks and lock waits are PostgreSQL's"


def _total(store: Store, tenant: str | None, since: str | None = None) -> int:
    query = ListQuery(tenant, "credential", limit=2, offset=0, since_key=since)
    return asyncio.run(store.page(query)).total


def test_totals_and_changes_follow_creation_rollback_and_deletion(
    store: Store, tenant: str
) -> None:
    store.upsert(tenant, credentials(3), None)
    store.upsert(tenant, credentials(4), "run-1")
    again = credentials(1)
    store.upsert(tenant, again, None)
    store.upsert(tenant, again, None)  # the same record again: no insert
    assert (_total(store, tenant), kept_changes(store, tenant)) == (8, 8)
    assert _total(store, f"other-{tenant}") == 0
    assert store.rollback(tenant, "run-1") is not None
    assert (_total(store, tenant), kept_changes(store, tenant)) == (4, 12)
    store.delete_kind(tenant, "credential")
    assert (_total(store, tenant), kept_changes(store, tenant)) == (0, 16)


def test_a_page_past_the_end_still_carries_the_total(store: Store, tenant: str) -> None:
    store.upsert(tenant, credentials(3), None)
    query = ListQuery(tenant, "credential", limit=10, offset=50)
    page = asyncio.run(store.page(query))
    assert (page.total, page.items) == (3, [])


def test_since_counts_only_the_matching_records(store: Store, tenant: str) -> None:
    store.upsert(tenant, credentials(2, "2024-01-01T00:00:00Z"), None)
    store.upsert(tenant, credentials(3, "2024-06-01T00:00:00Z"), None)
    assert _total(store, tenant, since=instant_key("2024-03-01T00:00:00Z")) == 3


def test_records_stored_before_the_counts_existed_are_counted_on_open(
    engine_db: str, tenant: str
) -> None:
    earlier = Store(engine_db)
    earlier.upsert(tenant, credentials(5), None)
    reopened = reopened_without_counting(earlier, engine_db, "DELETE FROM bg_record_counts")
    try:
        assert _total(reopened, tenant) == 5
        reopened.upsert(tenant, credentials(1), None)
        assert _total(reopened, tenant) == 6
    finally:
        asyncio.run(reopened.aclose())


def _wait_for_a_lock_wait(store: Store, waiter: Future[Any]) -> None:
    """Return once some other backend of the database waits for a lock (``waiter``, the call
    expected to wait, must still be running: if it ended, say how)."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 30
    with store.engine.connect() as connection:
        while not connection.execute(waiting).scalar_one():
            if waiter.done():
                raise AssertionError(
                    f"the call that should wait for the lock ended first: {waiter.exception()!r}"
                    if waiter.exception()
                    else f"the call that should wait for the lock ended first: {waiter.result()!r}"
                )
            assert time.monotonic() < deadline, "nothing came to wait for a lock"
            time.sleep(0.02)


def test_a_rollback_that_loses_a_deadlock_is_retried(
    store: Store, engine_db: str, tenant: str
) -> None:
    postgres_only(engine_db, ROW_LOCKS)
    store.upsert(tenant, credentials(2), None)
    store.upsert(tenant, credentials(3), "run-1")
    counter = text(
        "UPDATE bg_record_counts SET total = total WHERE tenant = :t AND kind = 'credential'"
    )
    touch = text("UPDATE bg_records SET body = body WHERE tenant = :t AND kind = 'credential'")
    with ThreadPoolExecutor(1) as pool, store.engine.connect() as writer:
        with writer.begin():
            writer.execute(counter, {"t": tenant})  # the rollback's delete trigger waits here
            undone = pool.submit(store.rollback, tenant, "run-1")
            _wait_for_a_lock_wait(store, undone)
            # waits on the rows the rollback deleted: a cycle, which the rollback loses
            writer.execute(touch, {"t": tenant})
        deleted, restored = undone.result(timeout=60)
    assert deleted["credential"] == 3 and restored["credential"] == 0
    assert _total(store, tenant) == 2


def test_opening_a_store_waits_for_no_writer(store: Store, engine_db: str, tenant: str) -> None:
    postgres_only(engine_db, ROW_LOCKS)
    store.upsert(tenant, credentials(1), None)
    touch = text("UPDATE bg_records SET body = body WHERE tenant = :t")
    with ThreadPoolExecutor(1) as pool, store.engine.connect() as writer:
        with writer.begin():
            writer.execute(touch, {"t": tenant})  # holds ROW EXCLUSIVE on bg_records
            opening = pool.submit(Store, engine_db)
            try:
                opened = opening.result(timeout=20)
            finally:
                writer.rollback()
        asyncio.run(opened.aclose())
