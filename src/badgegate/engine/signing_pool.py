"""Signing many credentials at once in worker processes, beside the engine's own work.

Canonicalizing a credential (JSON-LD, RDFC-1.0) costs milliseconds of CPU in Python, far more
than validating or storing it. A batch with at least :data:`POOL_THRESHOLD` credentials to sign
is split over worker processes (one per CPU, started on first need), so signing runs on the
other cores while the engine reads, validates and stores the next batch. Smaller uploads are
signed in the engine's process: no worker is started for them.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from badgegate.engine.model.proofs import IssuerKey, UnsignableError, proof_created, sign

#: Credentials to sign in one call from which the work goes to worker processes.
POOL_THRESHOLD = 8

Signed = list[tuple[int, dict[str, Any]]]


def sign_documents(seed: bytes, documents: list[tuple[int, dict[str, Any]]]) -> Signed:
    """``(index, proof)`` of each document that can be signed (in a worker or in process)."""
    key = IssuerKey.from_raw(seed)
    proofs = []
    for index, document in documents:
        try:
            proofs.append((index, sign(document, key, proof_created(document))))
        except UnsignableError:
            continue
    return proofs


class SigningPool:
    """Worker processes for signing, started on first need and stopped with the engine."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._executor: ProcessPoolExecutor | None = None

    async def sign(self, key: IssuerKey, documents: list[tuple[int, dict[str, Any]]]) -> Signed:
        """Sign ``documents`` with ``key``: split over the workers when there are many."""
        if len(documents) < POOL_THRESHOLD or self.workers < 2:
            return await asyncio.to_thread(sign_documents, key.raw, documents)
        executor = self._start()
        loop = asyncio.get_running_loop()
        size = -(-len(documents) // self.workers)
        chunks = [documents[start : start + size] for start in range(0, len(documents), size)]
        done = await asyncio.gather(
            *(loop.run_in_executor(executor, sign_documents, key.raw, chunk) for chunk in chunks)
        )
        return [signed for chunk in done for signed in chunk]

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # spawn: the engine's threads and open connections are not copied into workers.
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._executor

    def close(self) -> None:
        """Stop the workers (pending work is dropped: the engine is stopping)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
