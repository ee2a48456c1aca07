"""``rollback``: undo one migration run in badge-engine through its run history, and verify it.

Before: ``GET /ext/migration-runs/{run}`` lists what the run created and replaced. Then
``DELETE /ext/migration-runs/{run}``. After: the engine must know the run no more (404), must
report a deletion per created record and a restoration per replaced one, must serve none of the
created records and still serve every replaced one (in its prior version, from its history).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from badgegate.client import BadgeEngineClient, NotFound
from badgegate.errors import BadgegateError, ExitCode
from badgegate.legacy import checksum
from badgegate.migrate.runlog import RUNS_FOLDER, RunLog
from badgegate.vocabulary import RECORD_KINDS


@dataclasses.dataclass
class RollbackReport:
    """What rolling back a run did and what the verification found (empty ``problems``: ok)."""

    run_id: str
    created: dict[str, int]
    replaced: dict[str, int]
    deleted: dict[str, int]
    restored: dict[str, int]
    problems: list[str] = dataclasses.field(default_factory=list)
    checksum_before: str | None = None
    checksum_after: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        """0 when verified and the legacy database is untouched, else 1."""
        untouched = self.checksum_before == self.checksum_after
        return ExitCode.OK if not self.problems and untouched else ExitCode.FAILED

    def render(self) -> str:
        """The report printed by ``badgegate rollback``."""
        lines = [f"rolled back run {self.run_id}:"]
        lines.append(f"  {'kind':<12}{'deleted':>10}{'restored':>10}")
        for kind in RECORD_KINDS:
            lines.append(
                f"  {kind:<12}{self.deleted.get(kind, 0):>10}{self.restored.get(kind, 0):>10}"
            )
        if self.problems:
            lines.append(f"verification FAILED ({len(self.problems)} problem(s)):")
            lines += [f"  {problem}" for problem in self.problems[:20]]
        else:
            lines.append(
                "verified: the engine no longer knows the run, serves none of the records it "
                "created and still serves every record it replaced"
            )
        if self.checksum_before is None:
            lines.append("legacy checksum: not computed (no --legacy-db)")
        else:
            same = "identical" if self.checksum_before == self.checksum_after else "CHANGED"
            lines.append(f"legacy checksum before: {self.checksum_before}")
            lines.append(f"legacy checksum after:  {self.checksum_after} ({same})")
        return "\n".join(lines)


def rollback(
    client: BadgeEngineClient,
    run_id: str,
    *,
    legacy_db: str | None = None,
    state_dir: str | Path | None = None,
) -> RollbackReport:
    """Roll back run ``run_id`` in the engine behind ``client`` and verify the result.

    ``legacy_db`` adds the legacy checksum before and after; ``state_dir`` marks the run's
    local log as rolled back (so the next run does not detect deletions against it).
    """
    before = checksum(legacy_db) if legacy_db else None
    touched = _touched_records(client, run_id)
    result = client.rollback_run(run_id)
    report = RollbackReport(
        run_id,
        created=_count(touched, "created"),
        replaced=_count(touched, "replaced"),
        deleted=dict(result.deleted),
        restored=dict(result.restored),
        checksum_before=before,
    )
    report.problems = list(_verify(client, run_id, touched, report))
    report.checksum_after = checksum(legacy_db) if legacy_db else None
    if state_dir is not None:
        _mark_rolled_back(Path(state_dir), report)
    return report


def _touched_records(client: BadgeEngineClient, run_id: str) -> list[Mapping[str, Any]]:
    try:
        summary = client.migration_run(run_id)
    except NotFound:
        raise BadgegateError(
            f"badge-engine has no record of run {run_id!r} in this tenant: it wrote nothing, "
            "was rolled back already, or belongs to other credentials"
        ) from None
    records = summary.get("records")
    return [item for item in records if isinstance(item, dict)] if isinstance(records, list) else []


def _count(touched: Iterable[Mapping[str, Any]], action: str) -> dict[str, int]:
    counts = Counter(str(item.get("kind")) for item in touched if item.get("action") == action)
    return {kind: counts[kind] for kind in RECORD_KINDS}


def _verify(
    client: BadgeEngineClient,
    run_id: str,
    touched: list[Mapping[str, Any]],
    report: RollbackReport,
) -> Iterator[str]:
    try:
        client.migration_run(run_id)
    except NotFound:
        pass
    else:
        yield f"the engine still has a record of run {run_id}"
    for kind in RECORD_KINDS:
        if report.deleted.get(kind, 0) != report.created[kind]:
            yield (
                f"{kind}: the run created {report.created[kind]}, the engine deleted "
                f"{report.deleted.get(kind, 0)}"
            )
        if report.restored.get(kind, 0) != report.replaced[kind]:
            yield (
                f"{kind}: the run replaced {report.replaced[kind]}, the engine restored "
                f"{report.restored.get(kind, 0)}"
            )
    served = _served_ids(client)
    for item in touched:
        served_kind, record_id = str(item.get("kind")), str(item.get("id"))
        present = record_id in served.get(served_kind, set())
        if item.get("action") == "created" and present:
            yield f"{served_kind} {record_id} was created by the run and is still served"
        if item.get("action") == "replaced" and not present:
            yield f"{served_kind} {record_id} was replaced by the run and is no longer served"


def _served_ids(client: BadgeEngineClient) -> dict[str, set[str]]:
    credentials = (item for item in client.iter_credentials() if isinstance(item, dict))
    return {
        "achievement": {str(record.get("id")) for record in client.iter_achievements()},
        "progress": {str(record.get("id")) for record in client.iter_progress()},
        "credential": {str(record.get("id")) for record in credentials},
    }


def _mark_rolled_back(state_dir: Path, report: RollbackReport) -> None:
    folder = state_dir / RUNS_FOLDER / report.run_id
    if not folder.is_dir():
        return
    log = RunLog(folder)
    log.append(
        [
            {
                "event": "rollback",
                "deleted": report.deleted,
                "restored": report.restored,
                "verified": not report.problems,
            }
        ]
    )
    log.update_meta(status="rolled-back")
