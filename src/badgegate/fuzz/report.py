"""Fuzz failures as data: each carries a curl reproduction (secrets masked) and the seed.

The console gets :meth:`FuzzFailure.render`; ``<report_dir>/fuzz/fuzz-report.json`` gets every
failure of the run (:class:`FuzzReport`) and every record the run left on the target; a failing
test attaches its failures to Allure.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from badgegate.config import HarnessConfig
from badgegate.report.redact import redact_for_report, redacted_fields
from badgegate.transport import MASK, redact

_AUTHORIZATION = re.compile(r"(?i)(authorization:\s*)(\w+)(\s+)[^'\"\s]+")


def mask_reproduction(command: str) -> str:
    """Mask every secret in a curl command: registered secrets and any Authorization value."""
    return _AUTHORIZATION.sub(lambda m: f"{m[1]}{m[2]}{m[3]}{MASK}", redact(command))


@dataclasses.dataclass(frozen=True)
class FuzzFailure:
    """One distinct failure: which check, on which operation, why, and how to reproduce it."""

    check: str
    operation: str
    message: str
    curl: str | None
    seed: int
    profile: str
    status: int | None = None
    mode: str | None = None

    def render(self) -> str:
        """A console block: the check, the message, the seed and the reproduction."""
        status = f" -> {self.status}" if self.status is not None else ""
        mode = f" ({self.mode})" if self.mode else ""
        lines = [
            f"[{self.check}] {self.operation}{status}{mode}",
            *("    " + line for line in self.message.strip().splitlines()),
            f"    seed: {self.seed} (profile {self.profile}; "
            f"rerun with --hypothesis-seed={self.seed})",
        ]
        if self.curl:
            lines.append(f"    reproduce: {self.curl}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The failure as JSON-ready data."""
        return dataclasses.asdict(self)


def render_failures(failures: Iterable[FuzzFailure]) -> str:
    """A numbered console list of ``failures``."""
    listed = list(failures)
    head = f"{len(listed)} fuzz failure(s):"
    return "\n".join([head, *(f"{n}. {f.render()}" for n, f in enumerate(listed, 1))])


class FuzzReport:
    """Collects the run's failures and writes them to ``<report_dir>/fuzz/fuzz-report.json``."""

    def __init__(
        self,
        report_dir: str | Path,
        *,
        seed: int,
        profile: str,
        document: str,
        config: HarnessConfig | None = None,
    ) -> None:
        self.path = Path(report_dir) / "fuzz" / "fuzz-report.json"
        self.config = config
        self.seed = seed
        self.profile = profile
        self.document = document
        self.cases = 0
        self.failures: list[FuzzFailure] = []
        #: Records the run stored on the target and could not remove (OB 3.0 has no delete).
        self.left_on_target: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, failures: Iterable[FuzzFailure]) -> None:
        """Record ``failures`` and rewrite the JSON report."""
        with self._lock:
            self.failures += failures
            self.write()

    def leave(self, kind: str, record_id: str, answered: int | None) -> None:
        """Note that a ``kind`` record ``record_id`` stays on the target (``answered``: the
        status of the write, ``None`` when no answer came)."""
        entry = {"kind": kind, "id": record_id, "answered": answered}
        with self._lock:
            if not any(e["kind"] == kind and e["id"] == record_id for e in self.left_on_target):
                self.left_on_target.append(entry)

    def left_summary(self) -> list[str]:
        """What the run left on the target, for the terminal (empty when nothing)."""
        if not self.left_on_target:
            return []
        ids = [entry["id"] for entry in self.left_on_target]
        shown = ", ".join(ids[:3]) + (f", ... ({len(ids) - 3} more)" if len(ids) > 3 else "")
        return [
            f"fuzz: left on the target (OB 3.0 has no delete): {len(ids)} record(s): {shown}",
            f"fuzz: every one is listed under left_on_target in {self.path}",
        ]

    def count_case(self) -> None:
        """Count one generated case sent to the target."""
        with self._lock:
            self.cases += 1

    def to_dict(self) -> dict[str, Any]:
        """The report document."""
        return {
            "profile": self.profile,
            "seed": self.seed,
            "document": self.document,
            "cases": self.cases,
            "failures": [failure.to_dict() for failure in self.failures],
            "left_on_target": self.left_on_target,
        }

    def write(self) -> Path:
        """Write the JSON report (secrets masked, ``redact_fields`` redacted); return its path."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = _personal_data_redacted(self.to_dict(), self.config)
        self.path.write_text(redact(json.dumps(document, indent=2)) + "\n", encoding="utf-8")
        return self.path


def _personal_data_redacted(document: Any, config: HarnessConfig | None) -> Any:
    return redact_for_report(document, config) if redacted_fields(config) else document


def attach_left_on_target(report: FuzzReport) -> None:
    """Attach the records the run left on the target to the current Allure test."""
    if not report.left_on_target:
        return
    try:
        import allure
    except ImportError:  # pragma: no cover - allure-pytest is a dependency
        return
    document = json.dumps(report.left_on_target, indent=2)
    allure.attach(
        redact(document), name="left on the target", attachment_type=allure.attachment_type.JSON
    )


def attach_to_allure(failures: list[FuzzFailure], *, config: HarnessConfig | None = None) -> None:
    """Attach ``failures`` (JSON, and each reproduction as text) to the current Allure test.

    ``config``'s ``redact_fields`` are redacted in both (masked, hashed on ``staging``).
    """
    try:
        import allure
    except ImportError:  # pragma: no cover - allure-pytest is a dependency
        return
    listed = [_personal_data_redacted(failure.to_dict(), config) for failure in failures]
    document = json.dumps(listed, indent=2)
    allure.attach(
        redact(document), name="fuzz failures", attachment_type=allure.attachment_type.JSON
    )
    for number, failure in enumerate(listed, 1):
        if not failure["curl"]:
            continue  # a probe of several requests: its message names them
        allure.attach(
            f"# seed {failure['seed']} (profile {failure['profile']})\n{failure['curl']}\n",
            name=f"reproduction {number}: {failure['check']}",
            attachment_type=allure.attachment_type.TEXT,
        )
