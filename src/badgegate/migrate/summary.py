"""What a migration run did: counts by record kind and outcome, failures, findings, deletions."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from badgegate.errors import ExitCode
from badgegate.migrate.writer import RecordOutcome
from badgegate.vocabulary import RECORD_KINDS

#: The table's rows: the record kinds, then badges that could not be mapped.
KINDS = (*RECORD_KINDS, "badge")
OUTCOME_COLUMNS = ("created", "replaced", "unchanged", "failed")
SHOWN = 20


@dataclasses.dataclass
class MigrationSummary:
    """The result of :func:`badgegate.migrate.migrate` (also rebuilt from a run log on resume).

    ``status`` is ``completed``, ``interrupted`` (SIGINT or a crash; resumable) or ``aborted``
    (``max_failures`` reached). ``failures`` and ``deleted`` keep the first few for display;
    ``failed`` and ``deleted_count`` count them all.
    """

    run_id: str
    dry_run: bool = False
    status: str = "running"
    badges: int = 0
    counts: dict[str, Counter[str]] = dataclasses.field(
        default_factory=lambda: {kind: Counter() for kind in KINDS}
    )
    failed: int = 0
    failures: list[RecordOutcome] = dataclasses.field(default_factory=list)
    findings: Counter[str] = dataclasses.field(default_factory=Counter)
    deleted_count: int = 0
    deleted: list[str] = dataclasses.field(default_factory=list)
    deletions_note: str = ""
    baseline_run: str | None = None
    checksum_before: str | None = None
    checksum_after: str | None = None
    seconds: float = 0.0
    segments: int = 1
    state_folder: str = ""

    def add_outcomes(self, outcomes: Iterable[RecordOutcome]) -> None:
        """Count record outcomes."""
        for outcome in outcomes:
            self.counts.setdefault(outcome.kind, Counter())[outcome.outcome] += 1
            if outcome.failed:
                self.failed += 1
                if len(self.failures) < SHOWN:
                    self.failures.append(outcome)

    def add_event(self, event: Mapping[str, Any]) -> None:
        """Count one run-log event (to rebuild a summary when a run resumes)."""
        if event.get("event") == "record":
            self.add_outcomes([_outcome_from_event(event)])
        elif event.get("event") == "finding":
            self.findings[str(event.get("rule"))] += 1
        elif event.get("event") == "checkpoint":
            self.badges = int(event.get("badges", self.badges))
        elif event.get("event") == "start" and event.get("segment", 1) > 1:
            self.segments = int(event["segment"])

    def total(self, outcome: str) -> int:
        """Records with ``outcome``, over every kind."""
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def records(self) -> int:
        """Records handled (badges that could not be mapped count as one)."""
        return sum(sum(counter.values()) for counter in self.counts.values())

    @property
    def changed(self) -> int:
        """Records created or replaced."""
        return self.total("created") + self.total("replaced")

    @property
    def legacy_untouched(self) -> bool | None:
        """Whether the legacy checksum is the same after the run (None when not computed)."""
        if self.checksum_before is None or self.checksum_after is None:
            return None
        return self.checksum_before == self.checksum_after

    @property
    def exit_code(self) -> ExitCode:
        """The command's exit code for this run (ARCHITECTURE.md, Shared names)."""
        if self.status == "interrupted":
            return ExitCode.INTERRUPTED
        if self.status == "aborted":
            return ExitCode.ABORTED
        if self.failed or self.legacy_untouched is False:
            return ExitCode.FAILED
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (the ``end`` event of the run log)."""
        return {
            "runId": self.run_id,
            "dryRun": self.dry_run,
            "status": self.status,
            "badges": self.badges,
            "records": {kind: dict(counter) for kind, counter in self.counts.items() if counter},
            "failed": self.failed,
            "findings": dict(self.findings),
            "deleted": self.deleted_count,
            "baselineRun": self.baseline_run,
            "checksumBefore": self.checksum_before,
            "checksumAfter": self.checksum_after,
            "seconds": round(self.seconds, 3),
            "segments": self.segments,
        }

    def render(self) -> str:
        """The summary printed at the end of ``badgegate migrate``."""
        lines = [self._headline(), *self._table()]
        if self.dry_run:
            lines.append("dry run: nothing was written; the run log lists every record above")
        elif self.records and not self.changed:
            held = "every record" if not self.failed else "every record it accepted"
            lines.append(f"nothing changed: badge-engine already held {held} (304 unchanged)")
        lines += self._failure_lines() + self._finding_lines() + self._deletion_lines()
        lines += self._checksum_lines()
        lines.append(f"run log: {self.state_folder}")
        return "\n".join(lines)

    def _headline(self) -> str:
        rate = self.badges / self.seconds if self.seconds > 0 else 0.0
        what = "dry run" if self.dry_run else "run"
        resumed = f", {self.segments} segments" if self.segments > 1 else ""
        return (
            f"migration {what} {self.run_id} {self.status}: {self.badges} badges, "
            f"{self.records} records in {self.seconds:.1f} s ({rate:,.0f} badges/s{resumed})"
        )

    def _table(self) -> list[str]:
        names = ("would create", "would replace", "unchanged", "unmapped")
        header = names if self.dry_run else OUTCOME_COLUMNS
        lines = [f"  {'kind':<12}" + "".join(f"{name:>14}" for name in header)]
        for kind in KINDS:
            counter = self.counts.get(kind, Counter())
            if kind == "badge" and not counter:
                continue
            cells = "".join(f"{counter[outcome]:>14}" for outcome in OUTCOME_COLUMNS)
            lines.append(f"  {kind:<12}{cells}")
        return lines

    def _failure_lines(self) -> list[str]:
        if not self.failed:
            return []
        lines = [f"{self.failed} record(s) failed:"]
        for failure in self.failures:
            lines.append(
                f"  legacy badge {failure.legacy_id!r} {failure.kind} {failure.record_id or ''}: "
                f"{failure.reason}"
            )
        if self.failed > len(self.failures):
            lines.append(f"  … and {self.failed - len(self.failures)} more (see the run log)")
        return lines

    def _finding_lines(self) -> list[str]:
        if not self.findings:
            return []
        rules = ", ".join(f"{rule} {count}" for rule, count in self.findings.most_common())
        return [f"legacy findings (reported, not repaired): {rules}"]

    def _deletion_lines(self) -> list[str]:
        if self.baseline_run is None:
            return ["deleted legacy badges: no earlier completed run to compare with"]
        lines = [
            f"deleted legacy badges since run {self.baseline_run}: {self.deleted_count}"
            + (f" ({self.deletions_note})" if self.deleted_count else "")
        ]
        lines += [f"  {legacy_id!r}" for legacy_id in self.deleted]
        if self.deleted_count > len(self.deleted):
            lines.append(f"  … and {self.deleted_count - len(self.deleted)} more (deleted-ids)")
        return lines

    def _checksum_lines(self) -> list[str]:
        if self.checksum_before is None:
            return ["legacy checksum: not computed"]
        verdict = {True: "identical", False: "CHANGED", None: "not computed"}
        return [
            f"legacy checksum before: {self.checksum_before}",
            f"legacy checksum after:  {self.checksum_after} ({verdict[self.legacy_untouched]})",
        ]


def _outcome_from_event(event: Mapping[str, Any]) -> RecordOutcome:
    return RecordOutcome(
        legacy_id=str(event.get("legacy_id")),
        kind=str(event.get("kind")),
        record_id=event.get("id"),
        outcome=str(event.get("outcome")),
        status=event.get("status"),
        reason=str(event.get("reason", "")),
    )
