"""Reading badge-engine's side: every record of the three lists, in parallel pages, into the spill.

Pages are fetched with ``limit``/``offset`` on a small thread pool over the client's pooled
keep-alive session, at most ``2 * workers`` pages in flight, and reduced to keys and digests in
the worker threads. Re-fetching (before a discrepancy is reported) reads achievements and
progress records by key; credentials, which the OB 3.0 API cannot read by key, by walking the
credential list once for all of them.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import functools
from collections.abc import Callable, Collection, Iterator
from typing import Any

from badgegate.client import BadgeEngineClient, NotFound, Page
from badgegate.reconcile.records import KINDS, key_of, spilled
from badgegate.reconcile.spill import Spill

MAX_PAGE = 1000
Lister = Callable[..., Page[Any]]


@dataclasses.dataclass
class EngineRead:
    """What reading the engine side saw: totals per kind and anything odd about the paging."""

    totals: dict[str, int] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)


def _lister(client: BadgeEngineClient, kind: str) -> Lister:
    return {
        "achievement": client.list_achievements,
        "credential": client.list_credentials,
        "progress": client.list_progress,
    }[kind]


def iter_pages(
    client: BadgeEngineClient,
    kind: str,
    *,
    page_size: int,
    workers: int,
    read: EngineRead,
    reduce: Callable[[list[Any]], list[Any]] = list,
) -> Iterator[list[Any]]:
    """Every page of ``kind``'s list, each passed through ``reduce`` in a worker thread.

    Items are the records (compact JWS credentials as strings).
    """
    lister = _lister(client, kind)

    def fetch(offset: int) -> tuple[int | None, int, list[Any]]:
        page = lister(limit=page_size, offset=offset)
        return page.total, len(page), reduce([*page.items, *page.compact_jws])

    first_total, first_size, first_items = fetch(0)
    total = first_total if first_total is not None else first_size
    read.totals[kind] = total
    yield first_items
    pool = concurrent.futures.ThreadPoolExecutor(workers, f"badgegate-reconcile-{kind}")
    pending: collections.deque[concurrent.futures.Future[tuple[int | None, int, list[Any]]]]
    pending = collections.deque()
    try:
        for offset in range(page_size, total, page_size):
            pending.append(pool.submit(fetch, offset))
            if len(pending) >= 2 * workers:
                yield _checked(pending.popleft().result(), total, kind, read)
        while pending:
            yield _checked(pending.popleft().result(), total, kind, read)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _checked(
    fetched: tuple[int | None, int, list[Any]], total: int, kind: str, read: EngineRead
) -> list[Any]:
    page_total, _, items = fetched
    if page_total is not None and page_total != total:
        read.notes.append(
            f"{kind} list: X-Total-Count changed from {total} to {page_total} during the read"
        )
    return items


def spill_engine(
    client: BadgeEngineClient, spill: Spill, *, page_size: int = MAX_PAGE, workers: int = 4
) -> EngineRead:
    """Read every record of every kind into ``spill`` (which is emptied first)."""
    read = EngineRead()
    spill.clear_served()
    seen: dict[str, int] = {}
    for kind in KINDS:
        seen[kind] = 0
        pages = iter_pages(
            client,
            kind,
            page_size=page_size,
            workers=workers,
            read=read,
            reduce=functools.partial(_spilled_page, kind),
        )
        for items in pages:
            with spill.transaction():
                spill.add_served(items)
            seen[kind] += len(items)
    with spill.transaction():
        served_twice = spill.key_served()
    for kind in KINDS:
        if served_twice.get(kind):
            read.notes.append(f"{kind} list: {served_twice[kind]} record(s) served more than once")
        if seen[kind] != read.totals[kind]:
            read.notes.append(
                f"{kind} list: the pages held {seen[kind]} records but X-Total-Count said "
                f"{read.totals[kind]}"
            )
    return read


def _spilled_page(kind: str, items: list[Any]) -> list[Any]:
    return [spilled(kind, item) for item in items]


def refetch(
    client: BadgeEngineClient, wanted: Collection[tuple[str, str]], *, workers: int = 4
) -> dict[tuple[str, str], Any]:
    """Fetch ``(kind, key)`` records again; absent ones are left out of the answer."""
    found: dict[tuple[str, str], Any] = {}
    by_key = [pair for pair in wanted if pair[0] != "credential"]
    getters = {"achievement": client.get_achievement, "progress": client.get_progress}

    def fetch(pair: tuple[str, str]) -> tuple[tuple[str, str], Any]:
        try:
            return pair, getters[pair[0]](pair[1])
        except NotFound:
            return pair, None

    with concurrent.futures.ThreadPoolExecutor(workers, "badgegate-refetch") as pool:
        for pair, record in pool.map(fetch, by_key):
            if record is not None:
                found[pair] = record
    credentials = {key for kind, key in wanted if kind == "credential"}
    if credentials:
        found.update(_refetch_credentials(client, credentials, workers))
    return found


def _refetch_credentials(
    client: BadgeEngineClient, keys: set[str], workers: int
) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    read = EngineRead()
    for items in iter_pages(client, "credential", page_size=MAX_PAGE, workers=workers, read=read):
        for item in items:
            if isinstance(item, dict) and key_of(item.get("id")) in keys:
                found[("credential", key_of(item.get("id")))] = item
    return found
