"""The write pipeline on its own: batches confirmed in read order, several per fsync, the run
aborted at the failure threshold, and the collector restored after a run."""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from badgegate.client import BatchOperation
from badgegate.migrate import MigrationSummary, PlannedBadge, RunLog, SilentProgress
from badgegate.migrate.interrupts import deferred_interrupt
from badgegate.migrate.pipeline import WritePipeline
from badgegate.migrate.writer import RecordOutcome
from badgegate.streaming.collector import YOUNG_THRESHOLD, deferred_collection


def planned(legacy_id: str) -> PlannedBadge:
    """A planned badge with one upsert."""
    operation = BatchOperation("credential", {"id": f"urn:example:{legacy_id}"})
    return PlannedBadge(legacy_id, (operation,), ())


class ScriptedWriter:
    """Answers each batch with ``outcome``; batch ``hold`` waits until released."""

    def __init__(self, outcome: str = "created", hold: str | None = None) -> None:
        self.outcome = outcome
        self.hold = hold
        self.release = threading.Event()

    def write(self, batch: Sequence[PlannedBadge]) -> list[RecordOutcome]:
        """One outcome per badge."""
        if self.hold is not None and batch[0].legacy_id == self.hold:
            self.release.wait(10)
        return [RecordOutcome(badge.legacy_id, "credential", None, self.outcome) for badge in batch]


class CountingLog(RunLog):
    """A run log that counts its appends (each is one fsync)."""

    appends = 0

    def append(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Count, then append."""
        self.appends += 1
        super().append(events)


class InterruptedLog(CountingLog):
    """A run log that gets a Ctrl-C (SIGINT to this process) as its second group is logged."""

    signalled = False

    def append(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Signal once, on the second append, then append."""
        if self.appends == 1 and not self.signalled:
            self.signalled = True
            os.kill(os.getpid(), signal.SIGINT)
        super().append(events)


def run_pipeline(
    tmp_path: Path,
    writer: ScriptedWriter,
    ids: str,
    max_failures: int | None = None,
    log_type: type[CountingLog] = CountingLog,
) -> tuple[CountingLog, MigrationSummary]:
    log = log_type(RunLog.create(tmp_path, "run-1", {}).folder)
    summary = MigrationSummary("run-1")
    pipeline = WritePipeline(
        writer,  # type: ignore[arg-type]
        log,
        summary,
        SilentProgress(),
        workers=4,
        max_failures=max_failures,
    )
    pipeline.write_all(iter([[planned(legacy_id)] for legacy_id in ids]))
    return log, summary


def test_batches_are_confirmed_in_read_order_several_per_fsync(tmp_path: Path) -> None:
    writer = ScriptedWriter(hold="a")
    threading.Timer(0.3, writer.release.set).start()
    log, summary = run_pipeline(tmp_path, writer, "abcdefghij")
    checkpoints = [event for event in log.events() if event["event"] == "checkpoint"]
    assert [event["after"] for event in checkpoints] == list("abcdefghij")
    assert [event["badges"] for event in checkpoints] == list(range(1, 11))
    assert log.appends < len(checkpoints)
    assert summary.status == "completed" and summary.badges == 10


def test_the_run_stops_after_the_batch_that_reaches_max_failures(tmp_path: Path) -> None:
    log, summary = run_pipeline(tmp_path, ScriptedWriter("failed"), "abcdefghij", max_failures=3)
    checkpoints = [event["after"] for event in log.events() if event["event"] == "checkpoint"]
    assert checkpoints == ["a", "b", "c"]
    assert summary.status == "aborted" and summary.failed == 3


@pytest.mark.usefixtures("ctrl_c_raises")
def test_ctrl_c_inside_a_deferred_block_arrives_after_it() -> None:
    steps = []
    with pytest.raises(KeyboardInterrupt), deferred_interrupt():
        os.kill(os.getpid(), signal.SIGINT)
        steps.append("block done")
    assert steps == ["block done"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.usefixtures("ctrl_c_raises")
def test_ctrl_c_while_a_group_is_logged_leaves_a_complete_log(tmp_path: Path) -> None:
    writer = ScriptedWriter(hold="c")
    threading.Timer(0.3, writer.release.set).start()
    log, summary = run_pipeline(tmp_path, writer, "abcdefghijklmnop", log_type=InterruptedLog)
    events = list(log.events())
    checkpoints = [event for event in events if event["event"] == "checkpoint"]
    confirmed = len(checkpoints)
    assert log.appends >= 2 and confirmed >= 3, "the interrupted group was not logged"
    assert [event["after"] for event in checkpoints] == list("abcdefghijklmnop"[:confirmed])
    assert [event["badges"] for event in checkpoints] == list(range(1, confirmed + 1))
    records = [event["legacy_id"] for event in events if event["event"] == "record"]
    assert records == [event["after"] for event in checkpoints]
    assert summary.status == "interrupted" and summary.badges == confirmed < 16


def test_the_collector_is_restored_after_a_run() -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    with deferred_collection():
        assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
