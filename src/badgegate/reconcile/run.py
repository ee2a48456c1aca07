"""``reconcile``: a whole legacy data set against what badge-engine serves, read-only on both sides.

Phases, each checkpointed in the spill file of the run's state folder: read the engine side
into the spill; stream the legacy side (one read-only, repeatable-read snapshot, key order) past
it in chunks; re-fetch and classify the badges that differ; trace the engine's records no legacy
badge accounts for. Ctrl-C stops at a chunk boundary with a partial report; ``resume`` continues.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from badgegate.client import BadgeEngineClient
from badgegate.config import HarnessConfig
from badgegate.errors import ConfigError
from badgegate.legacy import count_badges, describe_url, iter_badges, read_snapshot
from badgegate.mapping import MigrationMapping, load_mapping
from badgegate.reconcile.classify import classify, wanted_pairs
from badgegate.reconcile.engine_side import refetch, spill_engine
from badgegate.reconcile.forwarder import Badge, Forwarder, chunked
from badgegate.reconcile.legacy_side import (
    Expectation,
    check_chunk,
    expectation,
)
from badgegate.reconcile.records import DIGEST
from badgegate.reconcile.report import ReconcileReport, Tally, write_report
from badgegate.reconcile.spill import Spill
from badgegate.reconcile.unexpected import unexpected_batches
from badgegate.streaming.collector import deferred_collection
from badgegate.streaming.planner import issuer_from_profile
from badgegate.streaming.progress import Progress, SilentProgress, show_phase
from badgegate.transport import redact

CHUNK = 500
POOL_THRESHOLD = 5000
PHASES = ("engine", "legacy", "refetch", "unexpected", "done")
REFETCH_PHASE = "re-fetching differing badges"
REFETCH_UNIT = "badges"
SPILL_FILE = "spill.sqlite3"


@dataclasses.dataclass(frozen=True)
class ReconcileSettings:
    """How a reconciliation reads (``since``: naive legacy local time)."""

    since: dt.datetime | None = None
    strict: bool = False
    page_size: int = 1000
    workers: int = 4
    chunk: int = CHUNK
    processes: int = 0


def reconcile(
    legacy_db: str,
    client: BadgeEngineClient,
    *,
    out: str | Path,
    state_dir: str | Path = ".badgegate",
    since: dt.datetime | None = None,
    resume: bool = False,
    strict: bool = False,
    mapping: MigrationMapping | None = None,
    progress: Progress | None = None,
    page_size: int = 1000,
    workers: int = 4,
    chunk_size: int = CHUNK,
    config: HarnessConfig | None = None,
) -> ReconcileReport:
    """Reconcile the legacy database at ``legacy_db`` with the engine behind ``client``.

    Writes the JSON report to ``out`` (a partial one when interrupted) and returns the report;
    its ``exit_code`` is the command's. ``resume`` continues the interrupted run of the same
    legacy database, engine, tenant and ``since`` kept in ``state_dir``. ``chunk_size`` badges
    are compared and checkpointed at a time. ``config``'s ``redact_fields`` are redacted in the
    report (masked, hashed on ``staging``).
    """
    settings = ReconcileSettings(since, strict, page_size, workers, chunk_size)
    if not 1 <= page_size <= 1000:
        raise ConfigError(f"--page-size must be 1 to 1000, got {page_size}")
    run = _Reconciliation(legacy_db, client, mapping or load_mapping(), settings)
    run.config = config
    run.statement_timeout = config.legacy_statement_timeout if config else None
    return run.run(Path(out), Path(state_dir), resume=resume, progress=progress or SilentProgress())


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class _Reconciliation:
    def __init__(
        self,
        legacy_db: str,
        client: BadgeEngineClient,
        mapping: MigrationMapping,
        settings: ReconcileSettings,
    ) -> None:
        self.legacy_db = legacy_db
        self.client = client
        self.mapping = mapping
        self.settings = settings
        self.issuer = issuer_from_profile(client.get_profile())
        self.config: HarnessConfig | None = None
        self.statement_timeout: float | None = None

    def run(
        self, out: Path, state_dir: Path, *, resume: bool, progress: Progress
    ) -> ReconcileReport:
        folder = state_dir / "reconcile" / self._target()
        spill = self._open(folder, resume)
        report = self._report(spill)
        started = time.perf_counter()
        try:
            self._phases(spill, report, progress)
            report.status = "completed"
        except KeyboardInterrupt:
            report.status = "interrupted"
        finally:
            progress.finish()
            report.seconds = spill.get("seconds", 0.0) + time.perf_counter() - started
            spill.put("seconds", report.seconds)
            report.finished = _utc_now()
            report.tally = Tally.from_json(spill.get("tally"))
            report.notes = spill.get("notes", [])
            report.engine_totals = spill.get("engineTotals", {})
            write_report(
                report, out, spill.discrepancies(), spill.legacy_findings(), config=self.config
            )
            spill.close()
        if report.status == "completed":
            shutil.rmtree(folder, ignore_errors=True)
        else:
            report.state_folder = str(folder)
        return report

    def _target(self) -> str:
        """What names the state folder: the two sides, the window, and how records are digested
        (a run left by a version that digests otherwise is not resumed)."""
        since = self.settings.since.isoformat() if self.settings.since else ""
        parts = (describe_url(self.legacy_db), self.client.base_url, str(self.issuer["id"]), since)
        text = "\n".join((*parts, DIGEST))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def _open(self, folder: Path, resume: bool) -> Spill:
        path = folder / SPILL_FILE
        if resume and not path.exists():
            raise ConfigError(
                f"no interrupted reconciliation of this legacy database and engine in "
                f"{folder.parent}; start one without --resume"
            )
        if not resume:
            shutil.rmtree(folder, ignore_errors=True)
        spill = Spill(path)
        if not resume:
            spill.put("phase", PHASES[0])
            spill.put("started", _utc_now())
        return spill

    def _report(self, spill: Spill) -> ReconcileReport:
        since = self.settings.since
        return ReconcileReport(
            status="running",
            tally=Tally.from_json(spill.get("tally")),
            legacy_db=describe_url(self.legacy_db),
            engine_url=redact(self.client.base_url),
            since=since.isoformat() if since else None,
            strict=self.settings.strict,
            started=spill.get("started", _utc_now()),
        )

    def _phases(self, spill: Spill, report: ReconcileReport, progress: Progress) -> None:
        # The forwarding processes start first, while this process is small: forked later,
        # each would carry the pages the engine side left behind in its memory. They inherit
        # the deferred collection (the records are acyclic JSON values: nothing is lost).
        with (
            deferred_collection(),
            Forwarder(self.mapping, self.issuer, self._processes(spill)) as forwarder,
        ):
            steps = {
                "engine": lambda s: self._read_engine(s, forwarder),
                "legacy": lambda s: self._read_legacy(s, forwarder, progress),
                "refetch": lambda s: self._refetch(s, progress),
                "unexpected": self._unexpected,
            }
            while (phase := spill.get("phase")) != "done":
                steps[phase](spill)
                with spill.transaction():
                    spill.put("phase", PHASES[PHASES.index(phase) + 1])

    def _processes(self, spill: Spill) -> int:
        """Forwarding processes: none when the legacy side is done or too small to pay off."""
        if spill.get("phase") not in ("engine", "legacy"):
            return 1
        if self.settings.since is None:
            with read_snapshot(
                self.legacy_db, statement_timeout=self.statement_timeout
            ) as connection:
                left = count_badges(connection) - Tally.from_json(spill.get("tally")).badges
            if left < POOL_THRESHOLD:
                return 1  # starting processes would cost more than it saves
        return self.settings.processes

    # -- phases ----------------------------------------------------------------------------

    def _read_engine(self, spill: Spill, forwarder: Forwarder) -> None:
        read = spill_engine(
            self.client,
            spill,
            page_size=self.settings.page_size,
            workers=self.settings.workers,
            forwarder=forwarder,
        )
        with spill.transaction():
            spill.put("engineTotals", read.totals)
            spill.put("notes", read.notes)

    def _read_legacy(self, spill: Spill, forwarder: Forwarder, progress: Progress) -> None:
        tally = Tally.from_json(spill.get("tally"))
        after = spill.get("after")
        with read_snapshot(self.legacy_db, statement_timeout=self.statement_timeout) as connection:
            total = None if self.settings.since else count_badges(connection)
            progress.start(total, tally.badges)
            self._forward_all(spill, connection, after, tally, forwarder, progress)

    def _forward_all(
        self,
        spill: Spill,
        connection: Any,
        after: str | None,
        tally: Tally,
        forwarder: Forwarder,
        progress: Progress,
    ) -> None:
        chunks = chunked(self._badges(connection, after), self.settings.chunk)
        for badges, results in forwarder.results(chunks):
            chunk = [
                expectation(badge, rows, result)
                for (badge, rows), result in zip(badges, results, strict=True)
            ]
            self._check(spill, chunk, tally)
            progress.advance(len(chunk))

    def _badges(self, connection: Any, after: str | None) -> Iterator[Badge]:
        for badge, requirements in iter_badges(connection, since=self.settings.since):
            if after is None or badge["id"] > after:
                yield badge, requirements

    def _check(self, spill: Spill, chunk: list[Expectation], tally: Tally) -> None:
        with spill.transaction():
            differing = check_chunk(spill, chunk)
            for item in chunk:
                tally.badges += 1
                tally.requirements += len(item.requirements)
                tally.count("legacy", item.status, len(item.findings))
            spill.add_legacy_findings(finding for item in chunk for finding in item.findings)
            for item in differing:
                spill.add_candidate(item.legacy_id, item)
            for item in chunk:
                if not item.problems:
                    tally.agreeing += 1
                    tally.count("agree", item.status)
            spill.put("tally", tally.to_json())
            spill.put("after", chunk[-1].legacy_id)

    def _refetch(self, spill: Spill, progress: Progress) -> None:
        tally = Tally.from_json(spill.get("tally"))
        total, done = spill.candidate_count(), 0
        if total:
            show_phase(progress, REFETCH_PHASE, 0, total, REFETCH_UNIT)
        with spill.transaction():
            spill.clear_discrepancies()
            for chunk in spill.candidates(self.settings.chunk):
                wanted = [pair for item in chunk for pair in wanted_pairs(item)]
                fresh = refetch(self.client, wanted, workers=self.settings.workers)
                for item in chunk:
                    entries = classify(
                        item, fresh, mapping=self.mapping, issuer_id=str(self.issuer["id"])
                    )
                    if not entries:
                        tally.resolved += 1
                        tally.agreeing += 1
                        tally.count("agree", item.status)
                    spill.add_discrepancies(entries)
                    tally.count_entries(entries)
                done += len(chunk)
                show_phase(progress, REFETCH_PHASE, done, total, REFETCH_UNIT)
            spill.put("tally", tally.to_json())
            spill.put("tallyBeforeUnexpected", tally.to_json())

    def _unexpected(self, spill: Spill) -> None:
        if self.settings.since is not None:
            notes = spill.get("notes", [])
            notes.append("--since: records badge-engine has beyond the window are not checked")
            spill.put("notes", notes)
            return
        tally = Tally.from_json(spill.get("tallyBeforeUnexpected"))
        batches = unexpected_batches(
            self.client, spill, mapping=self.mapping, workers=self.settings.workers
        )
        with spill.transaction():
            for entries in batches:
                spill.add_discrepancies(entries)
                tally.count_entries(entries)
            spill.put("tally", tally.to_json())
