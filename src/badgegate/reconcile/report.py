"""The reconciliation report: counts by class and by legacy status, the summary table, the JSON.

The JSON report follows ``schemas/reports/reconcile-report.schema.json`` (``format`` and
``version`` name the schema; a change that breaks readers raises the version). Discrepancies and
legacy findings stream from the spill file into it, so it can be as large as the data set
without the report ever being in memory.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from badgegate.config import HarnessConfig
from badgegate.errors import ExitCode
from badgegate.report.redact import redact_for_report, redacted_fields

REPORT_FORMAT = "badgegate-reconcile-report"
REPORT_VERSION = 1
CLASSES = ("missing", "unexpected", "changed", "invariant", "legacy")
#: Classes that mean data was lost or changed (exit 1); ``legacy`` only with ``--strict``.
LOSS_CLASSES = ("missing", "unexpected", "changed", "invariant")


@dataclasses.dataclass
class Tally:
    """Running counts, kept in the spill with each checkpoint so a resumed run continues them."""

    badges: int = 0
    requirements: int = 0
    agreeing: int = 0
    resolved: int = 0
    by_class: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    by_status: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)

    def count(self, klass: str, status: str | None, amount: int = 1) -> None:
        """Count ``amount`` entries of ``klass`` for a badge of legacy ``status``."""
        if klass in self.by_class:
            self.by_class[klass] += amount
        row = self.by_status.setdefault(status or "(none)", {})
        row[klass] = row.get(klass, 0) + amount

    def count_entries(self, entries: Iterable[dict[str, Any]]) -> None:
        """Count report entries by their class and status."""
        for entry in entries:
            self.count(entry["class"], entry.get("status"))

    def to_json(self) -> dict[str, Any]:
        """As stored in the spill."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Tally:
        """Back from the spill (a fresh tally for None)."""
        return cls(**data) if data else cls()


@dataclasses.dataclass
class ReconcileReport:
    """The outcome of one reconciliation."""

    status: str
    tally: Tally
    legacy_db: str
    engine_url: str
    since: str | None = None
    strict: bool = False
    engine_totals: dict[str, int] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    path: Path | None = None
    state_folder: str = ""

    @property
    def losses(self) -> int:
        """Discrepancies that mean lost or changed data."""
        return sum(self.tally.by_class[name] for name in LOSS_CLASSES)

    @property
    def exit_code(self) -> ExitCode:
        """0 agree; 1 lost or changed data (or legacy findings with ``strict``); 130 interrupted."""
        if self.status == "interrupted":
            return ExitCode.INTERRUPTED
        if self.losses or (self.strict and self.tally.by_class["legacy"]):
            return ExitCode.FAILED
        return ExitCode.OK

    @property
    def verdict(self) -> str:
        """``agree``, ``differ`` or ``interrupted``."""
        if self.status == "interrupted":
            return "interrupted"
        return "differ" if self.exit_code != ExitCode.OK else "agree"

    @property
    def badges_per_second(self) -> float:
        """Legacy badges reconciled per second."""
        return self.tally.badges / self.seconds if self.seconds > 0 else 0.0

    def header(self) -> dict[str, Any]:
        """Everything of the JSON report except the streamed lists."""
        tally = self.tally
        return {
            "format": REPORT_FORMAT,
            "version": REPORT_VERSION,
            "status": self.verdict,
            "legacyDb": self.legacy_db,
            "engineUrl": self.engine_url,
            "since": self.since,
            "strict": self.strict,
            "started": self.started,
            "finished": self.finished,
            "seconds": round(self.seconds, 3),
            "counts": {
                "badges": tally.badges,
                "requirements": tally.requirements,
                "engine": self.engine_totals,
            },
            "summary": {
                "byClass": tally.by_class,
                "byStatus": tally.by_status,
                "agreeingBadges": tally.agreeing,
                "resolvedOnRefetch": tally.resolved,
            },
            "notes": self.notes,
        }

    def render(self) -> str:
        """The summary table printed at the end of a run."""
        tally = self.tally
        statuses = sorted(tally.by_status)
        columns = ["class", *statuses, "total"]
        rows = [
            [name, *(str(tally.by_status[s].get(name, 0)) for s in statuses), str(total)]
            for name, total in (("agree", tally.agreeing), *tally.by_class.items())
        ]
        widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns))]
        line = "  ".join
        table = [line(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
        table.append(line("-" * w for w in widths))
        table += [
            line(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        lines = [
            f"reconcile {self.verdict}: {tally.badges} legacy badges, {tally.requirements} "
            f"requirements; engine served {self._served()}",
            *table,
            f"resolved on re-fetch (changed during the run): {tally.resolved}",
            *(f"note: {note}" for note in self.notes),
        ]
        if self.path is not None:
            lines.append(f"report: {self.path}")
        return "\n".join(lines)

    def _served(self) -> str:
        names = {"achievement": "achievements", "credential": "credentials"}
        served = [f"{n} {names.get(k, k + ' records')}" for k, n in self.engine_totals.items()]
        return ", ".join(served) or "nothing"


def write_report(
    report: ReconcileReport,
    path: Path,
    discrepancies: Iterator[dict[str, Any]],
    legacy_findings: Iterator[dict[str, Any]],
    *,
    config: HarnessConfig | None = None,
) -> Path:
    """Write the JSON report to ``path``, streaming the two lists; return ``path``.

    With a ``config`` naming ``redact_fields``, every entry of both lists is redacted
    (:func:`~badgegate.report.redact.redact_for_report`: masked, hashed on ``staging``).
    """
    if redacted_fields(config):
        discrepancies = (redact_for_report(item, config) for item in discrepancies)
        legacy_findings = (redact_for_report(item, config) for item in legacy_findings)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    header = json.dumps(report.header(), ensure_ascii=False, indent=1)
    with partial.open("w", encoding="utf-8") as handle:
        handle.write(header[:-2] + ',\n "discrepancies": [')
        _write_items(handle, discrepancies)
        handle.write('],\n "legacyFindings": [')
        _write_items(handle, legacy_findings)
        handle.write("]\n}\n")
    partial.replace(path)
    report.path = path
    return path


def _write_items(handle: Any, items: Iterator[dict[str, Any]]) -> None:
    for index, item in enumerate(items):
        handle.write(("," if index else "") + "\n  " + json.dumps(item, ensure_ascii=False))
