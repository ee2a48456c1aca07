"""Batches in flight: written by a pool of threads, confirmed into the run log in read order.

The reader hands each batch to :meth:`WritePipeline.write_all`, which submits it to ``workers``
writer threads and keeps at most ``2 * workers`` batches in flight (memory stays flat). Batches
are confirmed in the order they were read; every batch already written when the reader comes
back is confirmed with the rest in one append and one fsync, so the reader rarely waits for the
disk. A batch counts only once its records and checkpoint are fsync'd (``runlog``); Ctrl-C
waits for a group being confirmed (``interrupts``), so none is half logged.
"""

from __future__ import annotations

import collections
import concurrent.futures
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from badgegate.findings import Finding
from badgegate.migrate.dryrun import DryRunWriter
from badgegate.migrate.interrupts import deferred_interrupt
from badgegate.migrate.runlog import RunLog
from badgegate.migrate.summary import MigrationSummary
from badgegate.migrate.writer import RecordOutcome, RecordWriter
from badgegate.streaming.planner import PlannedBadge
from badgegate.streaming.progress import Progress

Written = tuple[list[PlannedBadge], list[RecordOutcome]]
Pending = collections.deque[
    tuple[list[PlannedBadge], "concurrent.futures.Future[list[RecordOutcome]]"]
]


class WritePipeline:
    """Writes batches through ``writer`` and confirms them into ``log`` and ``summary``."""

    def __init__(
        self,
        writer: RecordWriter | DryRunWriter,
        log: RunLog,
        summary: MigrationSummary,
        progress: Progress,
        *,
        workers: int,
        max_failures: int | None,
    ) -> None:
        self.writer = writer
        self.log = log
        self.summary = summary
        self.progress = progress
        self.workers = workers
        self.max_failures = max_failures

    @property
    def running(self) -> bool:
        """False once the run is aborted or interrupted."""
        return self.summary.status == "running"

    def write_all(self, work: Iterator[list[PlannedBadge]]) -> None:
        """Write and confirm every batch of ``work``; ``completed`` unless stopped before.

        After Ctrl-C the batches already sent are confirmed, the rest dropped (``interrupted``).
        """
        window = 2 * self.workers
        pool = concurrent.futures.ThreadPoolExecutor(self.workers, "badgegate-migrate")
        pending: Pending = collections.deque()
        try:
            for batch in work:
                pending.append((batch, pool.submit(self.writer.write, batch)))
                self._confirm(pending, wait=len(pending) >= window)
                if not self.running:
                    return
            while pending and self.running:
                self._confirm(pending, wait=True)
            if self.running:
                self.summary.status = "completed"
        except KeyboardInterrupt:
            self._drain(pending)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _drain(self, pending: Pending) -> None:
        """After Ctrl-C: confirm the batches already sent, in order; drop the rest."""
        for _, future in pending:
            future.cancel()
        while pending and self.running and not pending[0][1].cancelled():
            self._confirm(pending, wait=True)
        self.summary.status = "interrupted"

    def _confirm(self, pending: Pending, *, wait: bool) -> None:
        """Confirm the written batches at the head of ``pending``, in order, with one fsync.

        ``wait`` waits for the first batch; the ones after it are taken while already written.
        Stops after the batch that reaches ``max_failures`` (the run is then aborted). Ctrl-C
        stops the wait at once but waits for the batches taken to be logged and counted, so
        each batch is either still pending or confirmed.
        """
        if wait and pending:
            concurrent.futures.wait([pending[0][1]])
        written: list[Written] = []
        failed = self.summary.failed
        with deferred_interrupt():
            try:
                while pending and pending[0][1].done() and not pending[0][1].cancelled():
                    batch, future = pending[0]
                    outcomes = future.result()
                    pending.popleft()
                    written.append((batch, outcomes))
                    failed += sum(outcome.failed for outcome in outcomes)
                    if self.max_failures is not None and failed >= self.max_failures:
                        break
            finally:
                self._log(written)

    def _log(self, written: list[Written]) -> None:
        """Log each batch's outcomes, findings and checkpoint, fsync, then count the records."""
        if not written:
            return
        summary = self.summary
        badges = summary.badges
        events: list[dict[str, Any]] = []
        for batch, outcomes in written:
            badges += len(batch)
            events += batch_events(batch, outcomes, badges)
        self.log.append(events)
        summary.badges = badges
        for batch, outcomes in written:
            summary.add_outcomes(outcomes)
            for badge in batch:
                summary.findings.update(finding.rule for finding in badge.findings)
            self.progress.advance(len(batch))
        if self.max_failures is not None and summary.failed >= self.max_failures:
            summary.status = "aborted"


def batch_events(
    batch: Sequence[PlannedBadge], outcomes: Iterable[RecordOutcome], badges: int
) -> list[dict[str, Any]]:
    """A confirmed batch's run-log events: its records, its findings, then its checkpoint
    (``badges``: how many badges the run has confirmed with it)."""
    events: list[dict[str, Any]] = [outcome.to_event() for outcome in outcomes]
    for badge in batch:
        events += [finding_event(badge.legacy_id, finding) for finding in badge.findings]
    events.append({"event": "checkpoint", "after": batch[-1].legacy_id, "badges": badges})
    return events


def finding_event(legacy_id: str, finding: Finding) -> dict[str, Any]:
    """The run-log event of a finding about legacy badge ``legacy_id``."""
    return {
        "event": "finding",
        "legacy_id": legacy_id,
        "rule": finding.rule,
        "severity": finding.severity,
        "pointer": finding.pointer,
        "message": finding.message,
    }
