"""Forwarding legacy badges on every core: the CPU-heavy half of the legacy side.

``forward`` and the digests of its records cost more than reading either side, so chunks of
badges go to a pool of processes (the mapping and issuer are sent once, at start-up), at most
two chunks per process in flight, results in order. With ``processes=1`` it runs in-process.
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import os
import signal
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any

from badgegate.legacy.dataset import LegacyRow
from badgegate.mapping import MigrationMapping
from badgegate.reconcile.legacy_side import Expectation, expect

Badge = tuple[LegacyRow, list[LegacyRow]]
_context: dict[str, Any] = {}


def _start(mapping: MigrationMapping, issuer: Mapping[str, Any]) -> None:
    _context["mapping"], _context["issuer"] = mapping, issuer


def _start_worker(mapping: MigrationMapping, issuer: Mapping[str, Any]) -> None:
    # Ctrl-C is the parent's to handle (partial report, resumable state); workers just stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start(mapping, issuer)


def _expect_chunk(chunk: list[Badge]) -> list[Expectation]:
    mapping, issuer = _context["mapping"], _context["issuer"]
    return [expect(badge, rows, mapping=mapping, issuer=issuer) for badge, rows in chunk]


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
    """Turns chunks of legacy badges into chunks of :class:`Expectation`, in order."""

    def __init__(
        self, mapping: MigrationMapping, issuer: Mapping[str, Any], processes: int = 0
    ) -> None:
        self.processes = processes or default_processes()
        self.mapping, self.issuer = mapping, issuer
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
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def expectations(self, chunks: Iterator[list[Badge]]) -> Iterator[list[Expectation]]:
        """The expectations of each chunk, in the order of ``chunks``."""
        if self.pool is None:
            yield from map(_expect_chunk, chunks)
            return
        pending: collections.deque[concurrent.futures.Future[list[Expectation]]]
        pending = collections.deque()
        for chunk in chunks:
            pending.append(self.pool.submit(_expect_chunk, chunk))
            if len(pending) >= 2 * self.processes:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
