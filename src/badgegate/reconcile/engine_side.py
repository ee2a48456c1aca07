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

import requests

from badgegate.client import BadgeEngineClient, NotFound
from badgegate.client.paging import parse_total
from badgegate.reconcile.forwarder import Forwarder
from badgegate.reconcile.records import SpilledRecord, key_of, spilled, spilled_page
from badgegate.reconcile.spill import Spill
from badgegate.vocabulary import RECORD_KINDS

MAX_PAGE = 1000
PageReader = Callable[[str, requests.Response], list[Any]]


@dataclasses.dataclass
class EngineRead:
    """What reading the engine side saw: totals per kind and anything odd about the paging."""

    totals: dict[str, int] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)


def iter_pages(
    client: BadgeEngineClient,
    kind: str,
    *,
    page_size: int,
    workers: int,
    read: EngineRead,
    reader: PageReader | None = None,
) -> Iterator[list[Any]]:
    """Every page of ``kind``'s list, each read by ``reader`` in a worker thread.

    By default a page's items are its records (compact JWS credentials as strings).
    """
    read_page = reader or functools.partial(_records, client)

    def fetch(offset: int) -> tuple[int | None, list[Any]]:
        response = client.fetch_list_page(kind, limit=page_size, offset=offset)
        total = parse_total(response.headers.get("X-Total-Count"))
        return total, read_page(kind, response)

    first_total, first_items = fetch(0)
    total = first_total if first_total is not None else len(first_items)
    read.totals[kind] = total
    yield first_items
    pool = concurrent.futures.ThreadPoolExecutor(workers, f"badgegate-reconcile-{kind}")
    pending: collections.deque[concurrent.futures.Future[tuple[int | None, list[Any]]]]
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


def _records(client: BadgeEngineClient, kind: str, response: requests.Response) -> list[Any]:
    page = client.read_list_page(kind, response)
    return [*page.items, *page.compact_jws]


def _checked(
    fetched: tuple[int | None, list[Any]], total: int, kind: str, read: EngineRead
) -> list[Any]:
    page_total, items = fetched
    if page_total is not None and page_total != total:
        read.notes.append(
            f"{kind} list: X-Total-Count changed from {total} to {page_total} during the read"
        )
    return items


def spill_engine(
    client: BadgeEngineClient,
    spill: Spill,
    *,
    page_size: int = MAX_PAGE,
    workers: int = 4,
    forwarder: Forwarder | None = None,
) -> EngineRead:
    """Read every record of every kind into ``spill`` (which is emptied first).

    Pages are parsed and reduced to spilled records in ``forwarder``'s processes when given.
    """
    read = EngineRead()
    spill.clear_served()
    seen: dict[str, int] = {}
    reader = functools.partial(_spilled_records, client, forwarder)
    for kind in RECORD_KINDS:
        seen[kind] = 0
        pages = iter_pages(
            client, kind, page_size=page_size, workers=workers, read=read, reader=reader
        )
        for items in pages:
            with spill.transaction():
                spill.add_served(items)
            seen[kind] += len(items)
    with spill.transaction():
        served_twice = spill.key_served()
    for kind in RECORD_KINDS:
        if served_twice.get(kind):
            read.notes.append(f"{kind} list: {served_twice[kind]} record(s) served more than once")
        if seen[kind] != read.totals[kind]:
            read.notes.append(
                f"{kind} list: the pages held {seen[kind]} records but X-Total-Count said "
                f"{read.totals[kind]}"
            )
    return read


def _spilled_records(
    client: BadgeEngineClient,
    forwarder: Forwarder | None,
    kind: str,
    response: requests.Response,
) -> list[SpilledRecord]:
    if forwarder is not None:
        records = forwarder.call(spilled_page, kind, response.content)
        if records is not None:
            return records
    # Without processes, or not a page of records: the client reads it (and says what is wrong).
    return [spilled(kind, item) for item in _records(client, kind, response)]


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
