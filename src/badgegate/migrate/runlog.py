"""Durable run logs and checkpoints in ``state_dir``: JSON lines, fsync'd, so a crash loses nothing.

A run lives in ``<state_dir>/runs/<run id>/``:

* ``run.json`` — what the run is (options, target, status, checksums), replaced atomically;
* ``log.jsonl`` — one event per line, appended in whole batches and fsync'd before they count:
  ``start``, ``record`` (a record's outcome), ``finding``, ``checkpoint``
  (every badge up to this legacy id is confirmed), ``end``, ``rollback``;
* ``legacy-ids`` — every legacy badge id of the run's snapshot, in key order (one per line,
  JSON-quoted), the baseline the next run detects deletions against;
* ``deleted-ids`` — the legacy badges the previous run saw that this run's snapshot lacks.

Batches are logged in the order they were read, each followed by its checkpoint, so the last
checkpoint line is the point a resumed run continues from; anything after it is re-sent
(upserts are idempotent: the engine answers 304 for what it already holds).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from badgegate.client import check_run_id
from badgegate.errors import ConfigError

RUNS_FOLDER = "runs"
META_FILE = "run.json"
LOG_FILE = "log.jsonl"
IDS_FILE = "legacy-ids"
DELETED_FILE = "deleted-ids"
_TAIL_CHUNK = 1 << 16
_BOUNDARY = re.compile(rb'"event":"(checkpoint|start)"')

Event = dict[str, Any]
# One encoder for every line: json.dumps with options builds a new one per call.
_EVENT_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _drop_torn_line(descriptor: int) -> int:
    """Cut the file open at ``descriptor`` after its last newline; return its new size."""
    size = os.fstat(descriptor).st_size
    end = size
    while end and os.pread(descriptor, 1, end - 1) != b"\n":
        start = max(0, end - _TAIL_CHUNK)
        end = start + os.pread(descriptor, end - start, start).rfind(b"\n") + 1
    if end != size:
        os.ftruncate(descriptor, end)
    return end


def _write_all(descriptor: int, data: bytes) -> None:
    """Write all of ``data`` (one ``os.write`` may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so a reader sees the old or the new file, never a mix."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    _fsync_folder(path.parent)


def encode_event(event: Mapping[str, Any]) -> str:
    """One log line (ASCII JSON, so unpaired surrogates in legacy ids survive)."""
    return _EVENT_ENCODER.encode(event) + "\n"


class RunLog:
    """The durable state of one migration run in its folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.run_id = folder.name

    @property
    def meta_path(self) -> Path:
        """``run.json``."""
        return self.folder / META_FILE

    @property
    def log_path(self) -> Path:
        """``log.jsonl``."""
        return self.folder / LOG_FILE

    @classmethod
    def create(cls, state_dir: Path, run_id: str, meta: Mapping[str, Any]) -> RunLog:
        """Make the folder of a new run and write its ``run.json``."""
        check_run_id(run_id)
        folder = state_dir / RUNS_FOLDER / run_id
        if folder.exists():
            raise ConfigError(
                f"run {run_id} already exists in {state_dir}; continue it with --resume "
                "or choose another run id"
            )
        folder.mkdir(parents=True)
        _fsync_folder(folder.parent)
        log = cls(folder)
        log.write_meta(meta)
        return log

    def read_meta(self) -> dict[str, Any]:
        """The run's ``run.json``."""
        meta: dict[str, Any] = json.loads(self.meta_path.read_text(encoding="utf-8"))
        return meta

    def write_meta(self, meta: Mapping[str, Any]) -> None:
        """Replace ``run.json`` atomically."""
        write_atomically(self.meta_path, json.dumps(meta, indent=2, sort_keys=True) + "\n")

    def update_meta(self, **changes: Any) -> dict[str, Any]:
        """Change some fields of ``run.json``; return the new contents."""
        meta = {**self.read_meta(), **changes}
        self.write_meta(meta)
        return meta

    def append(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Append ``events`` and fsync before returning: all of them or, on any error, none.

        A torn last line (a write cut short by a crash) is dropped first, so that the new
        events start a line of their own: its batch was never confirmed.
        """
        text = "".join(encode_event(event) for event in events).encode("ascii")
        if not text:
            return
        descriptor = os.open(self.log_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            end = _drop_torn_line(descriptor)
            try:
                _write_all(descriptor, text)
                os.fsync(descriptor)
            except BaseException:
                os.ftruncate(descriptor, end)
                raise
        finally:
            os.close(descriptor)

    def events(self) -> Iterator[Event]:
        """Every complete event in the log, in order (a torn last line is skipped)."""
        if not self.log_path.exists():
            return
        with self.log_path.open("r", encoding="ascii") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    return
                yield json.loads(line)

    def truncate_after_last_checkpoint(self) -> None:
        """Drop the events of a batch whose checkpoint was never logged (re-sent on resume)."""
        if not self.log_path.exists():
            return
        keep = position = 0
        with self.log_path.open("rb") as handle:
            for line in handle:
                position += len(line)
                if line.endswith(b"\n") and _BOUNDARY.search(line):
                    keep = position
        with self.log_path.open("r+b") as handle:
            handle.truncate(keep)
            handle.flush()
            os.fsync(handle.fileno())

    def write_ids(self, name: str, legacy_ids: Iterable[str]) -> int:
        """Write legacy ids to file ``name`` (one JSON string a line) atomically; count them."""
        path = self.folder / name
        partial = path.with_name(name + ".partial")
        count = 0
        with partial.open("w", encoding="ascii") as handle:
            for legacy_id in legacy_ids:
                handle.write(json.dumps(legacy_id, ensure_ascii=True) + "\n")
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
        _fsync_folder(self.folder)
        return count

    def read_ids(self, name: str) -> Iterator[str]:
        """The legacy ids in file ``name``, in the order written (none when it is missing)."""
        path = self.folder / name
        if not path.exists():
            return
        with path.open("r", encoding="ascii") as handle:
            for line in handle:
                yield json.loads(line)


def open_run(state_dir: Path, run_id: str) -> RunLog:
    """The run ``run_id`` in ``state_dir``; :class:`ConfigError` when there is none."""
    folder = state_dir / RUNS_FOLDER / run_id
    if not (folder / META_FILE).is_file():
        raise ConfigError(f"no run {run_id!r} in {state_dir / RUNS_FOLDER}; check --state-dir")
    return RunLog(folder)


def list_runs(state_dir: Path) -> list[RunLog]:
    """Every run in ``state_dir``, oldest first (by start time)."""
    runs_folder = state_dir / RUNS_FOLDER
    if not runs_folder.is_dir():
        return []
    runs: list[tuple[str, RunLog]] = []
    for folder in runs_folder.iterdir():
        log = RunLog(folder)
        with contextlib.suppress(OSError, ValueError):
            runs.append((str(log.read_meta().get("started", "")), log))
    return [log for _, log in sorted(runs, key=lambda item: (item[0], item[1].run_id))]


def merge_deleted(previous: Iterable[str], current: Iterable[str]) -> Iterator[str]:
    """Ids in ``previous`` but not in ``current``; both sorted in code point order."""
    current_ids = iter(current)
    pending = next(current_ids, None)
    for legacy_id in previous:
        while pending is not None and pending < legacy_id:
            pending = next(current_ids, None)
        if pending != legacy_id:
            yield legacy_id
