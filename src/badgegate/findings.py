"""Findings: the small typed records every check reports.

The console, the Allure attachments and the JSON reports all render the same ``Finding``.
Every finding carries the level of the requirement it rests on (RFC 2119 words, as OB 3.0
uses them): a MUST broken is an ``error``; a SHOULD not followed, or an optional member left
out, is a ``warning``, which fails a gate only when it is run strict.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from typing import Any, Literal

Severity = Literal["error", "warning"]
Level = Literal["MUST", "SHOULD", "OPTIONAL"]
# An OB 3.0 section (``4``, ``8.1``, ``B.2.31``; ``B (Result.value)``: the data model's class).
_OB_SECTION = re.compile(r"^(?:[A-Z](?:\.\d+)*|\d+(?:\.\d+)*)(?: \(.+\))?$")


@dataclasses.dataclass(frozen=True)
class Finding:
    """One thing a check found wrong (``error``) or worth a look (``warning``).

    ``rule`` is a stable rule id (e.g. ``context-order``); ``pointer`` a JSON pointer into the
    checked document (``""`` is the whole document); ``record_id`` names the record (a credential
    id, a legacy id) when the document is one of many. ``section`` is where the requirement is
    stated (an OB 3.0 section, e.g. ``B.1``, or another document's, e.g. ``RFC 6750 §3``);
    ``requirement`` says the requirement in a few words. ``level`` and ``severity`` always agree:
    give either one (a warning without a level rests on a SHOULD).
    """

    rule: str
    message: str
    pointer: str = ""
    severity: Severity = "error"
    record_id: str | None = None
    expected: Any = None
    actual: Any = None
    section: str | None = None
    requirement: str | None = None
    level: Level = "MUST"

    def __post_init__(self) -> None:
        if self.severity == "warning" and self.level == "MUST":
            object.__setattr__(self, "level", "SHOULD")
        elif self.level != "MUST" and self.severity == "error":
            object.__setattr__(self, "severity", "warning")

    @property
    def is_error(self) -> bool:
        """True when the finding makes the document invalid."""
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict, leaving out empty members."""
        data = dataclasses.asdict(self)
        return {key: value for key, value in data.items() if value is not None}

    def render(self) -> str:
        """One human-readable line: ``error [rule] /pointer: message (…) — MUST, §section``."""
        where = self.pointer or "/"
        record = f"{self.record_id} " if self.record_id else ""
        line = f"{self.severity} [{self.rule}] {record}{where}: {self.message}"
        if self.expected is not None:
            line += f" (expected {_short(self.expected)}, got {_short(self.actual)})"
        elif self.actual is not None and _short(self.actual) not in self.message:
            line += f" (got {_short(self.actual)})"
        basis: list[str] = [self.level]
        if self.requirement:
            basis.append(self.requirement)
        if self.citation:
            basis.append(self.citation)
        return f"{line} — {', '.join(basis)}"

    @property
    def citation(self) -> str | None:
        """Where the requirement is stated, spelled out: ``OB 3.0 §B.1`` for an OB 3.0 section."""
        if self.section is None:
            return None
        return f"OB 3.0 §{self.section}" if _OB_SECTION.match(self.section) else self.section


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(finding.is_error for finding in findings)


def failing(findings: Iterable[Finding], *, strict: bool = False) -> list[Finding]:
    """The findings that fail a gate: the errors, and with ``strict`` the warnings too."""
    return [finding for finding in findings if strict or finding.is_error]


def warnings_of(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that are warnings (SHOULD or optional-member findings)."""
    return [finding for finding in findings if not finding.is_error]
