"""The migrator: legacy badges -> badge-engine, resumable, idempotent, and undoable.

:func:`migrate` streams the legacy tables through the migration mapping into badge-engine with
bounded concurrency, logging every confirmed record in ``state_dir`` so a killed run resumes
where it stopped; :func:`rollback` undoes one run through the engine's run history and verifies
it. Both prove the legacy database untouched with its checksum.
"""

from __future__ import annotations

from badgegate.migrate.rollback import RollbackReport, rollback
from badgegate.migrate.run import DEFAULT_BATCH_SIZE, DEFAULT_WORKERS, migrate, new_run_id
from badgegate.migrate.runlog import RunLog, list_runs, open_run
from badgegate.migrate.summary import MigrationSummary
from badgegate.migrate.writer import RecordOutcome
from badgegate.streaming.planner import PlannedBadge, parse_since, plan_badges
from badgegate.streaming.progress import (
    LineProgress,
    Progress,
    SilentProgress,
    TerminalProgress,
    progress_for,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_WORKERS",
    "LineProgress",
    "MigrationSummary",
    "PlannedBadge",
    "Progress",
    "RecordOutcome",
    "RollbackReport",
    "RunLog",
    "SilentProgress",
    "TerminalProgress",
    "list_runs",
    "migrate",
    "new_run_id",
    "open_run",
    "parse_since",
    "plan_badges",
    "progress_for",
    "rollback",
]
