"""Pages that continue where the previous page ended: the same answers as ``OFFSET``, cheaper.

Each test compares what the store serves with what ``LIMIT … OFFSET`` over the records in
insertion order gives, after the kinds of change that move records to other offsets: inserts,
deletes (a rollback, a deleted kind), a second engine process writing, and a database created
before the change counter existed.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from badgegate.engine.storage.positions import PagePositions
from badgegate.engine.storage.store import ListQuery, Store
from tests.engine.conftest import credentials, kept_changes, reopened_without_counting


def _page(store: Store, tenant: str, offset: int, limit: int = 3) -> list[str]:
    page = asyncio.run(store.page(ListQuery(tenant, "credential", limit=limit, offset=offset)))
    return [body for _, body in page.items]


def _by_offset(store: Store, tenant: str, offset: int, limit: int = 3) -> list[str]:
    """What plain ``LIMIT … OFFSET`` gives."""
    query = text(
        "SELECT body FROM bg_records WHERE tenant = :t AND kind = 'credential'"
        " ORDER BY seq LIMIT :l OFFSET :o"
    )
    with store.engine.connect() as connection:
        return list(connection.execute(query, {"t": tenant, "l": limit, "o": offset}).scalars())


def _all_pages(store: Store, tenant: str, limit: int = 3) -> list[str]:
    bodies: list[str] = []
    while page := _page(store, tenant, len(bodies), limit):
        bodies += page
    return bodies


def test_pages_read_in_order_equal_the_offset_pages(store: Store, tenant: str) -> None:
    store.upsert(tenant, credentials(10), None)
    assert _all_pages(store, tenant) == _by_offset(store, tenant, 0, 100)
    for offset in (0, 3, 4, 9, 10, 12):  # noted ends, between them, the last one, past the end
        assert _page(store, tenant, offset) == _by_offset(store, tenant, offset)


def test_a_delete_before_a_noted_end_shifts_the_next_page(store: Store, tenant: str) -> None:
    store.upsert(tenant, credentials(3), "run-1")
    store.upsert(tenant, credentials(6), None)
    assert _page(store, tenant, 3) == _by_offset(store, tenant, 3)  # notes the end at 6
    assert store.rollback(tenant, "run-1") is not None  # offsets 0-2 gone
    store.upsert(tenant, credentials(6), None)
    assert _page(store, tenant, 6) == _by_offset(store, tenant, 6)
    assert _all_pages(store, tenant) == _by_offset(store, tenant, 0, 100)


def test_a_write_by_another_engine_process_is_seen(
    store: Store, engine_db: str, tenant: str
) -> None:
    store.upsert(tenant, credentials(3), "run-1")
    store.upsert(tenant, credentials(6), None)
    assert _page(store, tenant, 0) == _by_offset(store, tenant, 0)  # notes the end at 3
    other = Store(engine_db)
    try:
        assert other.rollback(tenant, "run-1") is not None
        other.upsert(tenant, credentials(8), None)
    finally:
        asyncio.run(other.aclose())
    assert _page(store, tenant, 3) == _by_offset(store, tenant, 3)
    assert _all_pages(store, tenant) == _by_offset(store, tenant, 0, 100)


def test_a_store_made_before_the_change_counter_gets_it(engine_db: str, tenant: str) -> None:
    earlier = Store(engine_db)
    earlier.upsert(tenant, credentials(5), None)
    reopened = reopened_without_counting(
        earlier, engine_db, "ALTER TABLE bg_record_counts DROP COLUMN changes"
    )
    try:
        assert kept_changes(reopened, tenant) == 5
        assert _page(reopened, tenant, 0) == _by_offset(reopened, tenant, 0)
        reopened.delete_kind(tenant, "credential")
        reopened.upsert(tenant, credentials(7), None)
        assert kept_changes(reopened, tenant) == 17
        assert _all_pages(reopened, tenant) == _by_offset(reopened, tenant, 0, 100)
    finally:
        asyncio.run(reopened.aclose())


def test_the_nearest_noted_end_at_or_before_the_offset_is_used() -> None:
    positions = PagePositions()
    key = ("tenant", "credential")
    assert positions.start(key, 5) is None
    positions.note(key, changes=7, offset=3, seq=30)
    positions.note(key, changes=7, offset=6, seq=61)
    assert positions.start(key, 2) is None
    assert positions.start(key, 0) is None
    start = positions.start(key, 8)
    assert start is not None and (start.after, start.skip, start.changes) == (61, 2, 7)
    start = positions.start(key, 3)
    assert start is not None and (start.after, start.skip) == (30, 0)
    assert positions.start(("other", "credential"), 8) is None


def test_a_new_counter_drops_the_old_marks_and_the_lists_are_bounded() -> None:
    positions = PagePositions(lists=2, marks=3)
    key = ("tenant", "credential")
    positions.note(key, changes=1, offset=3, seq=3)
    positions.note(key, changes=2, offset=6, seq=9)
    start = positions.start(key, 4)
    assert start is None  # the mark at 3 was noted under another counter
    for offset in (9, 12, 15):
        positions.note(key, changes=2, offset=offset, seq=offset * 2)
    assert positions.start(key, 7) is None  # full: begun again from the newest mark
    positions.note(("b", "credential"), 1, 3, 3)
    positions.note(("c", "credential"), 1, 3, 3)
    assert positions.start(key, 15) is None  # the least recently used list went first
    assert positions.start(("c", "credential"), 4) is not None
