"""The migrator's parts on their own: the durable log, deletion detection, batching, ``--since``,
and the progress display."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest

from badgegate.client import BatchOperation
from badgegate.errors import ConfigError
from badgegate.mapping import load_mapping
from badgegate.migrate import LineProgress, PlannedBadge, RunLog, TerminalProgress, parse_since
from badgegate.migrate.runlog import merge_deleted
from badgegate.streaming.planner import batches


def badge(legacy_id: str, records: int) -> PlannedBadge:
    """A planned badge with ``records`` upserts."""
    operation = BatchOperation("credential", {"id": f"urn:example:{legacy_id}"})
    return PlannedBadge(legacy_id, (operation,) * records, ())


def test_a_torn_last_line_is_skipped_and_an_unconfirmed_batch_dropped(tmp_path: Path) -> None:
    log = RunLog.create(tmp_path, "run-1", {"runId": "run-1"})
    log.append([{"event": "start"}, {"event": "record", "legacy_id": "a"}])
    log.append([{"event": "checkpoint", "after": "a", "badges": 1}])
    log.append([{"event": "record", "legacy_id": "b"}])
    with log.log_path.open("a") as handle:
        handle.write('{"event":"record","legacy')
    assert [event.get("legacy_id") for event in log.events()] == [None, "a", None, "b"]
    log.truncate_after_last_checkpoint()
    assert [event["event"] for event in log.events()] == ["start", "record", "checkpoint"]
    assert log.log_path.read_text().endswith("\n")


def test_the_next_append_drops_a_torn_last_line(tmp_path: Path) -> None:
    log = RunLog.create(tmp_path, "run-1", {"runId": "run-1"})
    log.append([{"event": "start"}, {"event": "checkpoint", "after": "a", "badges": 1}])
    with log.log_path.open("a") as handle:
        handle.write('{"event":"record","legacy_id":"b"}\n{"event":"checkpoint","af')
    log.append([{"event": "end"}])
    assert [event["event"] for event in log.events()] == ["start", "checkpoint", "record", "end"]
    log.truncate_after_last_checkpoint()
    assert [event["event"] for event in log.events()] == ["start", "checkpoint"]


def test_a_torn_line_longer_than_a_read_is_dropped_whole(tmp_path: Path) -> None:
    log = RunLog.create(tmp_path, "run-1", {"runId": "run-1"})
    log.append([{"event": "start"}])
    with log.log_path.open("a") as handle:
        handle.write('{"event":"record","reason":"' + "x" * 200_000)
    log.append([{"event": "end"}])
    assert [event["event"] for event in log.events()] == ["start", "end"]


def test_an_append_cut_short_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = RunLog.create(tmp_path, "run-1", {"runId": "run-1"})
    log.append([{"event": "start"}])
    before = log.log_path.read_bytes()
    write = os.write

    def write_part_then_stop(descriptor: int, data: bytes) -> int:
        if len(data) < 100:
            raise KeyboardInterrupt
        return write(descriptor, bytes(data[:50]))

    monkeypatch.setattr(os, "write", write_part_then_stop)
    records = [{"event": "record", "legacy_id": f"b{index}"} for index in range(20)]
    with pytest.raises(KeyboardInterrupt):
        log.append(records)
    monkeypatch.undo()
    assert log.log_path.read_bytes() == before


def test_run_ids_are_checked_and_never_reused(tmp_path: Path) -> None:
    RunLog.create(tmp_path, "run-1", {})
    with pytest.raises(ConfigError, match="already exists"):
        RunLog.create(tmp_path, "run-1", {})
    with pytest.raises(ConfigError, match="not valid"):
        RunLog.create(tmp_path, "run/1", {})


def test_legacy_ids_survive_any_unicode(tmp_path: Path) -> None:
    log = RunLog.create(tmp_path, "run-1", {})
    ids = ["a", "b\u0301", "\ud800lone", "\U0001f600"]
    assert log.write_ids("legacy-ids", ids) == 4
    assert list(log.read_ids("legacy-ids")) == ids
    assert all(json.loads(line) for line in (log.folder / "legacy-ids").read_text().splitlines())


def test_deleted_ids_are_those_only_the_previous_run_had() -> None:
    previous = ["a", "b", "c", "e", "é"]
    current = ["a", "c", "d", "é"]
    assert list(merge_deleted(previous, current)) == ["b", "e"]
    assert list(merge_deleted(previous, [])) == previous
    assert list(merge_deleted([], current)) == []


def test_batches_hold_at_most_the_batch_size_and_never_split_a_badge() -> None:
    planned = [badge(f"b{index}", 1 + index % 3) for index in range(20)]
    grouped = list(batches(planned, 5))
    assert [item for group in grouped for item in group] == planned
    assert all(sum(len(item.operations) for item in group) <= 5 for group in grouped)
    assert [len(group) for group in batches(planned, 1)] == [1] * 20


def test_since_is_read_in_the_legacy_time_zone() -> None:
    mapping = load_mapping()
    naive = parse_since("2024-05-01T12:00:00", mapping)
    assert naive == dt.datetime(2024, 5, 1, 12, 0)
    utc = parse_since("2024-05-01T10:00:00+00:00", mapping)
    assert utc.tzinfo is None
    expected = dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC).astimezone(mapping.timezone)
    assert utc == expected.replace(tzinfo=None)
    with pytest.raises(ConfigError, match="ISO 8601"):
        parse_since("yesterday", mapping)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_terminal_bar_shows_rate_and_eta() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = TerminalProgress(stream, clock=clock)
    bar.start(100)
    clock.now = 2.0
    bar.advance(50)
    bar.finish()
    last = stream.getvalue().rstrip("\n").split("\r")[-1]
    assert "50/100 badges" in last and "25/s" in last and "ETA 00:02" in last
    assert stream.getvalue().endswith("\n")


def test_plain_lines_come_every_interval() -> None:
    stream, clock = io.StringIO(), Clock()
    lines = LineProgress(stream, interval=5.0, clock=clock)
    lines.start(None, done=10)
    clock.now = 1.0
    lines.advance(10)
    clock.now = 6.0
    lines.advance(20)
    lines.finish()
    printed = stream.getvalue().splitlines()
    assert printed[0] == "migrating badges (10 already confirmed)"
    assert printed[1] == "40 badges, 5 badges/s, ETA --:--"
    assert len(printed) == 3 and "\r" not in stream.getvalue()
