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

# rule id -> (the requirement it rests on, where OB 3.0 states it when a rule does not say)
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "context-order": ("@context starts with the VC 2.0 context, then the OB 3.0 one", "B.1"),
    "context-version": ("the OB 3.0 context is a published (preferably the current) one", "B.1"),
    "credential-schema-official": (
        "a credentialSchema entry names the official OB 3.0 schema",
        "B.2.14",
    ),
    "no-proof": ("a credential is secured by a proof, embedded or a JWS", "4"),
    "awarded-date": ("awardedDate is not later than validFrom", "B (AchievementCredential)"),
    "not-yet-valid": ("a credential is not accepted before validFrom", "8.1"),
    "expired": ("a credential is not accepted after validUntil", "8.1"),
    "datetime-zone": ("a DateTimeZ value is an RFC 3339 date-time with a zone", "B (DateTimeZ)"),
    "date-order": ("a period does not end before it starts", "B (AchievementCredential)"),
    "identity-hash": ("a hashed identityHash is <alg>$<hex digest>", "B.2.20"),
    "subject-identity": ("the subject has an id or at least one identifier", "8.1"),
    "result-description-ref": ("a result names a ResultDescription of the achievement", "B.2.31"),
    "achieved-level-ref": ("achievedLevel names a RubricCriterionLevel", "B.2.31"),
    "result-status": ("a result of a Status ResultDescription has a status", "B.2.31"),
    "required-level-ref": ("requiredLevel names one of its rubric levels", "B.2.32"),
    "required-value-range": ("requiredValue is allowed and within bounds", "B.2.32"),
    "type-set": ("type names the class's required term", "B.2"),
    "enum-term": ("an enumeration value is a listed term or an ext: term", "B.3"),
}


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
    """A finding of ``rule`` at ``where`` followed by ``tokens`` (property names, indexes),
    naming the requirement of the rule (and its section, unless ``section`` is given)."""
    requirement, stated_in = REQUIREMENTS[rule]
    return Finding(
        rule=rule,
        message=message,
        pointer=pointer(where, *tokens),
        severity=severity,
        expected=expected,
        actual=actual,
        section=section or stated_in,
        requirement=requirement,
    )
