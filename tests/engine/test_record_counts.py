"""The kept record counts behind ``X-Total-Count``, on the store of each backend."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from badgegate.engine.datetimes import instant_key
from badgegate.engine.records import StoredRecord, credential_record
from badgegate.engine.storage import ListQuery, Store
from badgegate.samples import sample_credential


@pytest.fixture
def store(engine_db: str) -> Iterator[Store]:
    """A store on the test run's engine database (each test writes to a tenant of its own)."""
    opened = Store(engine_db)
    yield opened
    asyncio.run(opened.aclose())


def _credentials(count: int, valid_from: str = "2024-05-01T12:00:00Z") -> list[StoredRecord]:
    return [
        credential_record(sample_credential(str(uuid.uuid4()), valid_from)) for _ in range(count)
    ]


def _total(store: Store, tenant: str | None, since: str | None = None) -> int:
    query = ListQuery(tenant, "credential", limit=2, offset=0, since_key=since)
    return asyncio.run(store.page(query)).total


def test_totals_follow_creation_rollback_and_deletion(store: Store) -> None:
    tenant = f"tenant-{uuid.uuid4().hex[:12]}"
    store.upsert(tenant, _credentials(3), None)
    store.upsert(tenant, _credentials(4), "run-1")
    assert _total(store, tenant) == 7
    assert _total(store, f"other-{tenant}") == 0
    assert store.rollback(tenant, "run-1") is not None
    assert _total(store, tenant) == 3
    store.delete_kind(tenant, "credential")
    assert _total(store, tenant) == 0


def test_a_page_past_the_end_still_carries_the_total(store: Store) -> None:
    tenant = f"tenant-{uuid.uuid4().hex[:12]}"
    store.upsert(tenant, _credentials(3), None)
    query = ListQuery(tenant, "credential", limit=10, offset=50)
    page = asyncio.run(store.page(query))
    assert (page.total, page.items) == (3, [])


def test_since_counts_only_the_matching_records(store: Store) -> None:
    tenant = f"tenant-{uuid.uuid4().hex[:12]}"
    store.upsert(tenant, _credentials(2, "2024-01-01T00:00:00Z"), None)
    store.upsert(tenant, _credentials(3, "2024-06-01T00:00:00Z"), None)
    assert _total(store, tenant, since=instant_key("2024-03-01T00:00:00Z")) == 3


def test_records_stored_before_the_counts_existed_are_counted_on_open(engine_db: str) -> None:
    tenant = f"tenant-{uuid.uuid4().hex[:12]}"
    earlier = Store(engine_db)
    earlier.upsert(tenant, _credentials(5), None)
    with earlier.engine.begin() as connection:
        on_table = " ON bg_records" if earlier.engine.dialect.name == "postgresql" else ""
        for trigger in ("bg_records_count_inserted", "bg_records_count_deleted"):
            connection.execute(text(f"DROP TRIGGER {trigger}{on_table}"))
        connection.execute(text("DELETE FROM bg_record_counts"))
    earlier.close()
    reopened = Store(engine_db)
    try:
        assert _total(reopened, tenant) == 5
        reopened.upsert(tenant, _credentials(1), None)
        assert _total(reopened, tenant) == 6
    finally:
        asyncio.run(reopened.aclose())
