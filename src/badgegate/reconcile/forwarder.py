"""Forwarding legacy badges on every core: the CPU-heavy half of the legacy side.

``forward`` and the digests of its records cost more than reading either side, so chunks of
badges go to a pool of processes (the mapping and issuer are sent once, at start-up), at most
two chunks per process in flight, results in order. With ``processes=1`` it runs in-process.
What a chunk becomes is the ``work`` function's choice (keys and digests by default; the preload
of large benchmarks makes stored records): a module-level function of the chunk that reads
the mapping and issuer from :func:`forwarding`.
"""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar

from badgegate.legacy.dataset import LegacyRow
from badgegate.mapping import MigrationMapping
from badgegate.reconcile.legacy_side import Forwarded, forwarded

Badge = tuple[LegacyRow, list[LegacyRow]]
Work = Callable[[list[Badge]], list[Any]]
Result = TypeVar("Result")
Item = TypeVar("Item")
_context: dict[str, Any] = {}


def forwarding() -> tuple[MigrationMapping, Mapping[str, Any]]:
    """The mapping and issuer of the :class:`Forwarder` this process works for."""
    return _context["mapping"], _context["issuer"]


def _start(mapping: MigrationMapping, issuer: Mapping[str, Any]) -> None:
    _context["mapping"], _context["issuer"] = mapping, issuer


def _start_worker(mapping: MigrationMapping, issuer: Mapping[str, Any]) -> None:
    # Ctrl-C is the parent's to handle (partial report, resumable state); workers just stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start(mapping, issuer)


def forward_chunk(chunk: list[Badge]) -> list[Forwarded]:
    """What forwarding each badge of a chunk gives (the default work)."""
    mapping, issuer = forwarding()
    return [forwarded(badge, rows, mapping=mapping, issuer=issuer) for badge, rows in chunk]


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    remaining = iter(items)
    while chunk := list(itertools.islice(remaining, size)):
        yield chunk


def default_processes() -> int:
    """One process per core this process may use (1 on a single core: no pool)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _context_for_pool() -> Any:
    # fork needs no importable __main__ (scripts without a main guard work); the parent holds
    # no locks the children need: they only forward rows.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class Forwarder:
    """Turns chunks of legacy badges into chunks of results of ``work``, in order."""

    def __init__(
        self,
        mapping: MigrationMapping,
        issuer: Mapping[str, Any],
        processes: int = 0,
        work: Work = forward_chunk,
    ) -> None:
        self.processes = processes or default_processes()
        self.mapping, self.issuer, self.work = mapping, issuer, work
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None

    def __enter__(self) -> Forwarder:
        _start(self.mapping, self.issuer)
        if self.processes > 1:
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.processes,
                mp_context=_context_for_pool(),
                initializer=_start_worker,
                initargs=(self.mapping, self.issuer),
            )
            self.pool.submit(os.getpid).result()  # every process starts now, not at first use
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def call(self, function: Callable[..., Result], *args: Any) -> Result:
        """``function(*args)`` in one of the processes (in this one when there is no pool).

        ``function`` is a module-level function; the engine side parses its pages this way.
        """
        if self.pool is None:
            return function(*args)
        return self.pool.submit(function, *args).result()

    def results(self, chunks: Iterator[list[Badge]]) -> Iterator[tuple[list[Badge], list[Any]]]:
        """Each chunk with what ``work`` made of it, in the order of ``chunks``."""
        if self.pool is None:
            for chunk in chunks:
                yield chunk, self.work(chunk)
            return
        pending: collections.deque[tuple[list[Badge], concurrent.futures.Future[list[Any]]]]
        pending = collections.deque()
        for chunk in chunks:
            pending.append((chunk, self.pool.submit(self.work, chunk)))
            if len(pending) >= 2 * self.processes:
                yield _done(pending.popleft())
        while pending:
            yield _done(pending.popleft())


def _done(
    submitted: tuple[list[Badge], concurrent.futures.Future[list[Any]]],
) -> tuple[list[Badge], list[Any]]:
    chunk, future = submitted
    return chunk, future.result()
