"""Findings: the small typed records every check reports.

The console, the Allure attachments and the JSON reports all render the same ``Finding``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclasses.dataclass(frozen=True)
class Finding:
    """One thing a check found wrong (``error``) or worth a look (``warning``).

    ``rule`` is a stable rule id (e.g. ``context-order``); ``pointer`` a JSON pointer into the
    checked document (``""`` is the whole document); ``record_id`` names the record (a credential
    id, a legacy id) when the document is one of many.
    """

    rule: str
    message: str
    pointer: str = ""
    severity: Severity = "error"
    record_id: str | None = None
    expected: Any = None
    actual: Any = None
    section: str | None = None

    @property
    def is_error(self) -> bool:
        """True when the finding makes the document invalid."""
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict, leaving out empty members."""
        data = dataclasses.asdict(self)
        return {key: value for key, value in data.items() if value is not None}

    def render(self) -> str:
        """Return one human-readable line: ``error [rule] /pointer: message``."""
        where = self.pointer or "/"
        record = f"{self.record_id} " if self.record_id else ""
        line = f"{self.severity} [{self.rule}] {record}{where}: {self.message}"
        if self.expected is not None or self.actual is not None:
            line += f" (expected {_short(self.expected)}, got {_short(self.actual)})"
        return line


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(finding.is_error for finding in findings)
