"""What every rule is given and what it gives back.

A rule is a function ``(where, node, context) -> Iterable[Finding]``: ``where`` is the node's
:data:`Location`, ``context`` says how to judge. The JSON pointer of a location is only spelled
out when a finding is made, so a valid document costs no pointer strings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from badgegate.findings import Finding, Severity
from badgegate.validate.walk import escape

# Where a node is: None for the document itself, else (the parent's location, property name or
# list index). Tuples are cheap to make and to share among siblings.
Location = tuple["Location", str | int] | None


@dataclasses.dataclass(frozen=True)
class RuleContext:
    """How to judge: ``mode`` conformance or verify, the time ``at``, JWS-enveloped or not."""

    mode: str
    at: datetime
    enveloped: bool = False

    @property
    def status_severity(self) -> Severity:
        """Expiry and not-yet-valid are errors when verifying, warnings otherwise."""
        return "error" if self.mode == "verify" else "warning"


Rule = Callable[[Location, dict[str, Any], RuleContext], Iterable[Finding]]


def pointer(where: Location, *tokens: str | int) -> str:
    """The JSON pointer (RFC 6901) of ``where``, followed by ``tokens``."""
    parts: list[str | int] = list(reversed(tokens))
    while where is not None:
        where, token = where
        parts.append(token)
    return "".join(f"/{escape(token)}" for token in reversed(parts))


def finding(
    rule: str,
    where: Location,
    tokens: tuple[str | int, ...],
    message: str,
    *,
    severity: Severity = "error",
    expected: Any = None,
    actual: Any = None,
    section: str | None = None,
) -> Finding:
    """A finding of ``rule`` at ``where`` followed by ``tokens`` (property names, indexes)."""
    return Finding(
        rule=rule,
        message=message,
        pointer=pointer(where, *tokens),
        severity=severity,
        expected=expected,
        actual=actual,
        section=section,
    )
