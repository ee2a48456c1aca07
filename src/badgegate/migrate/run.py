"""``migrate``: stream legacy badges into badge-engine under one run id, durably and resumably.

The reader (``badgegate.streaming.planner``) runs in the calling thread; batches go to a pool
of ``workers`` threads (``pipeline``, ``writer``); results are confirmed in the order batches
were read, each batch logged with its checkpoint and fsync'd before it counts (``runlog``).
Memory stays flat: at most ``2 * workers`` batches are in flight, and nothing else grows with the
table. While the run streams, the garbage collector runs less often
(``badgegate.streaming.collector``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import secrets
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from badgegate.client import BadgeEngineClient
from badgegate.errors import ConfigError
from badgegate.legacy import checksum, count_badges, describe_url, iter_badge_ids, read_snapshot
from badgegate.mapping import MigrationMapping, load_mapping
from badgegate.migrate.dryrun import DryRunWriter, EngineIndex
from badgegate.migrate.pipeline import WritePipeline
from badgegate.migrate.runlog import (
    DELETED_FILE,
    IDS_FILE,
    RunLog,
    list_runs,
    merge_deleted,
    open_run,
)
from badgegate.migrate.summary import SHOWN, MigrationSummary
from badgegate.migrate.writer import RecordWriter
from badgegate.streaming.collector import deferred_collection
from badgegate.streaming.planner import batches, issuer_from_profile, plan_badges
from badgegate.streaming.progress import Progress, SilentProgress, show_phase
from badgegate.transport import redact
from badgegate.vocabulary import BATCH_LIMIT

#: Full batches unless told otherwise.
DEFAULT_BATCH_SIZE = BATCH_LIMIT
DEFAULT_WORKERS = 4
MAX_WORKERS = 16
UNFINISHED = ("running", "interrupted", "aborted")
NO_DELETE_ENDPOINT = (
    "not propagated: badge-engine's API has no delete endpoint for achievements, progress "
    "records or credentials; only a rollback of the run that created them removes them"
)
REPORT_ONLY = "reported only; --propagate-deletes asks to delete them in badge-engine"


@dataclasses.dataclass(frozen=True)
class RunSettings:
    """How a run reads and writes (kept in ``run.json``, so a resumed run reads the same)."""

    since: dt.datetime | None = None
    dry_run: bool = False
    single_calls: bool = False
    propagate_deletes: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    workers: int = DEFAULT_WORKERS
    max_failures: int | None = None

    def check(self) -> None:
        """Raise :class:`ConfigError` for impossible values."""
        if not 1 <= self.batch_size <= BATCH_LIMIT:
            raise ConfigError(f"--batch-size must be 1 to {BATCH_LIMIT}, got {self.batch_size}")
        if not 1 <= self.workers <= MAX_WORKERS:
            # The transport pools 16 connections; more workers would only wait for one.
            raise ConfigError(f"--workers must be 1 to {MAX_WORKERS}, got {self.workers}")
        if self.max_failures is not None and self.max_failures < 1:
            raise ConfigError(f"--max-failures must be at least 1, got {self.max_failures}")


def migrate(
    legacy_db: str,
    client: BadgeEngineClient,
    *,
    state_dir: str | Path = ".badgegate",
    run_id: str | None = None,
    resume: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = DEFAULT_WORKERS,
    since: dt.datetime | None = None,
    dry_run: bool = False,
    single_calls: bool = False,
    max_failures: int | None = None,
    propagate_deletes: bool = False,
    mapping: MigrationMapping | None = None,
    progress: Progress | None = None,
    verify_legacy: bool = True,
    statement_timeout: float | None = None,
) -> MigrationSummary:
    """Migrate the legacy database at ``legacy_db`` into the engine behind ``client``.

    ``since`` (naive legacy local time) keeps badges changed at or after it; ``resume``
    continues run ``run_id`` (default: the newest unfinished run of this legacy database,
    engine and tenant in ``state_dir``). ``verify_legacy`` computes the legacy checksum before
    and after; ``statement_timeout`` bounds each legacy statement (seconds, default
    :data:`badgegate.config.LEGACY_STATEMENT_TIMEOUT`). Returns the summary; its ``status`` is
    ``interrupted`` after Ctrl-C (resumable) and ``aborted`` once ``max_failures`` records
    failed. Raises ``EngineUnreachable`` (exit 3)
    when the engine cannot be reached, with the run left resumable.
    """
    settings = RunSettings(
        since, dry_run, single_calls, propagate_deletes, batch_size, workers, max_failures
    )
    settings.check()
    migration = _Migration(
        legacy_db,
        client,
        Path(state_dir),
        mapping or load_mapping(),
        progress or SilentProgress(),
    )
    migration.statement_timeout = statement_timeout
    with deferred_collection():
        return migration.run(settings, run_id=run_id, resume=resume, verify_legacy=verify_legacy)


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def new_run_id() -> str:
    """A fresh run id: ``mig-<UTC time>-<random>``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"mig-{stamp}-{secrets.token_hex(3)}"


class _Migration:
    """One invocation of :func:`migrate`."""

    def __init__(
        self,
        legacy_db: str,
        client: BadgeEngineClient,
        state_dir: Path,
        mapping: MigrationMapping,
        progress: Progress,
    ) -> None:
        self.legacy_db = legacy_db
        self.client = client
        self.state_dir = state_dir
        self.mapping = mapping
        self.progress = progress
        self.statement_timeout: float | None = None

    def _checksum(self, label: str) -> str:
        """The legacy checksum, its progress shown as phase ``label``."""
        return checksum(
            self.legacy_db,
            on_rows=lambda done, total: show_phase(self.progress, label, done, total),
            statement_timeout=self.statement_timeout,
        )

    def run(
        self, settings: RunSettings, *, run_id: str | None, resume: bool, verify_legacy: bool
    ) -> MigrationSummary:
        issuer = issuer_from_profile(self.client.get_profile())
        self.target = self._target(str(issuer["id"]))
        started = time.perf_counter()
        # Reads the legacy database before any state is written: unreachable means no run.
        legacy_checksum = self._checksum("legacy checksum before") if verify_legacy else None
        after: str | None = None
        if resume:
            log, settings, summary, after = self._resume(run_id, settings)
        else:
            log = self._create(run_id or new_run_id(), settings)
            summary = MigrationSummary(log.run_id, dry_run=settings.dry_run)
        summary.state_folder = str(log.folder)
        summary.checksum_before = legacy_checksum
        log.append([self._start_event(log, summary, settings)])
        log.update_meta(status="running", checksumBefore=summary.checksum_before)
        try:
            self._migrate(log, settings, summary, issuer, after)
        except KeyboardInterrupt:
            summary.status = "interrupted"
        finally:
            summary.seconds += time.perf_counter() - started
            self.progress.finish()
            self._close(log, summary, verify_legacy)
        return summary

    # -- the run's folder ------------------------------------------------------------------

    def _target(self, issuer_id: str) -> str:
        # The engine's URL is left out on purpose: a restarted engine may listen elsewhere.
        text = "\n".join((describe_url(self.legacy_db), issuer_id))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def _create(self, run_id: str, settings: RunSettings) -> RunLog:
        meta = {
            "runId": run_id,
            "target": self.target,
            "legacyDb": describe_url(self.legacy_db),
            "engineUrl": redact(self.client.base_url),
            "since": settings.since.isoformat() if settings.since else None,
            "dryRun": settings.dry_run,
            "singleCalls": settings.single_calls,
            "propagateDeletes": settings.propagate_deletes,
            "status": "running",
            "started": _utc_now(),
            "finished": None,
        }
        return RunLog.create(self.state_dir, run_id, meta)

    def _resume(
        self, run_id: str | None, settings: RunSettings
    ) -> tuple[RunLog, RunSettings, MigrationSummary, str | None]:
        log = open_run(self.state_dir, run_id) if run_id else self._latest_unfinished()
        meta = log.read_meta()
        if settings.dry_run:
            raise ConfigError("--dry-run and --resume do not go together: a dry run writes nothing")
        if meta.get("status") not in UNFINISHED or meta.get("dryRun"):
            raise ConfigError(f"run {log.run_id} is {meta.get('status')}; nothing to resume")
        if meta.get("target") != self.target:
            raise ConfigError(
                f"run {log.run_id} migrated {meta.get('legacyDb')} into {meta.get('engineUrl')}; "
                "resume it with the same legacy database and the same engine tenant"
            )
        since = dt.datetime.fromisoformat(meta["since"]) if meta.get("since") else None
        settings = dataclasses.replace(
            settings,
            since=since,
            single_calls=bool(meta.get("singleCalls")),
            propagate_deletes=bool(meta.get("propagateDeletes")),
        )
        log.truncate_after_last_checkpoint()
        summary = MigrationSummary(log.run_id)
        after = None
        for event in log.events():
            summary.add_event(event)
            if event.get("event") == "checkpoint":
                after = str(event["after"])
        summary.segments += 1
        return log, settings, summary, after

    def _latest_unfinished(self) -> RunLog:
        for log in reversed(list_runs(self.state_dir)):
            meta = log.read_meta()
            same_target = meta.get("target") == self.target and not meta.get("dryRun")
            if same_target and meta.get("status") in UNFINISHED:
                return log
        raise ConfigError(
            f"no unfinished run of this legacy database and engine tenant in {self.state_dir}; "
            "start one without --resume"
        )

    def _start_event(
        self, log: RunLog, summary: MigrationSummary, settings: RunSettings
    ) -> dict[str, Any]:
        return {
            "event": "start",
            "run": log.run_id,
            "segment": summary.segments,
            "time": _utc_now(),
            "batchSize": settings.batch_size,
            "workers": settings.workers,
            "checksum": summary.checksum_before,
        }

    def _close(self, log: RunLog, summary: MigrationSummary, verify_legacy: bool) -> None:
        if summary.status == "running":
            summary.status = "interrupted"
        if verify_legacy and summary.status != "interrupted":
            summary.checksum_after = self._checksum("legacy checksum after")
        log.append([{"event": "end", "time": _utc_now(), "summary": summary.to_dict()}])
        log.update_meta(
            status=summary.status, finished=_utc_now(), checksumAfter=summary.checksum_after
        )

    # -- reading and writing ---------------------------------------------------------------

    def _migrate(
        self,
        log: RunLog,
        settings: RunSettings,
        summary: MigrationSummary,
        issuer: dict[str, Any],
        after: str | None,
    ) -> None:
        with read_snapshot(self.legacy_db, statement_timeout=self.statement_timeout) as connection:
            self._detect_deletions(connection, log, settings, summary)
            total = None if settings.since else count_badges(connection)
            self.progress.start(total, summary.badges)
            planned = plan_badges(
                connection,
                mapping=self.mapping,
                issuer=issuer,
                since=settings.since,
                after=after,
            )
            pipeline = WritePipeline(
                self._writer(log, settings),
                log,
                summary,
                self.progress,
                workers=settings.workers,
                max_failures=settings.max_failures,
            )
            pipeline.write_all(batches(planned, settings.batch_size))

    def _writer(self, log: RunLog, settings: RunSettings) -> RecordWriter | DryRunWriter:
        if settings.dry_run:
            return DryRunWriter(EngineIndex.load(self.client))
        return RecordWriter(self.client, run_id=log.run_id, single_calls=settings.single_calls)

    # -- deletions -------------------------------------------------------------------------

    def _detect_deletions(
        self,
        connection: sa.Connection,
        log: RunLog,
        settings: RunSettings,
        summary: MigrationSummary,
    ) -> None:
        log.write_ids(IDS_FILE, iter_badge_ids(connection))
        baseline = self._baseline(log.run_id)
        if baseline is None:
            return
        summary.baseline_run = baseline.run_id
        deleted = merge_deleted(baseline.read_ids(IDS_FILE), log.read_ids(IDS_FILE))
        summary.deleted_count = log.write_ids(DELETED_FILE, deleted)
        summary.deleted = list(itertools.islice(log.read_ids(DELETED_FILE), SHOWN))
        summary.deletions_note = NO_DELETE_ENDPOINT if settings.propagate_deletes else REPORT_ONLY

    def _baseline(self, run_id: str) -> RunLog | None:
        """The newest completed, not rolled back, real run of the same target."""
        for log in reversed(list_runs(self.state_dir)):
            meta = log.read_meta()
            if log.run_id == run_id or meta.get("target") != self.target or meta.get("dryRun"):
                continue
            if meta.get("status") == "completed":
                return log
        return None
