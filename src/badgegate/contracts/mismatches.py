"""Typed results of a provider verification: each failing interaction with its mismatches.

pact-python raises a bare ``RuntimeError`` when a verification fails; the facts are in the
verifier's JSON results. :func:`outcomes_from_results` turns those into
:class:`InteractionOutcome` records that the console, the Allure report and the JSON reports
render alike, as a numbered list: interaction, then ``path``, ``expected`` and ``actual``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

from badgegate.findings import Finding

# The verifier's mismatch types, named for people.
_KINDS = {
    "BodyMismatch": "body",
    "BodyTypeMismatch": "body type",
    "StatusMismatch": "status",
    "HeaderMismatch": "header",
    "QueryMismatch": "query",
    "PathMismatch": "path",
    "MethodMismatch": "method",
    "MetadataMismatch": "metadata",
}


@dataclasses.dataclass(frozen=True)
class Mismatch:
    """One difference between what a consumer expects and what the provider answered.

    ``location`` is a JSON path for body mismatches (``$.credential[0].validFrom``), the
    header or query parameter name for those, ``status`` for the status code.
    """

    kind: str
    location: str
    expected: str
    actual: str
    detail: str

    def render(self) -> str:
        """One line: ``kind location: expected …, got … (detail)``."""
        where = f"{self.kind} {self.location}".strip()
        return f"{where}: expected {self.expected}, got {self.actual} — {self.detail}"

    def to_dict(self) -> dict[str, str]:
        """The mismatch as JSON-ready data."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class InteractionOutcome:
    """The verification of one interaction of one pact."""

    consumer: str
    description: str
    states: tuple[str, ...]
    passed: bool
    pending: bool = False
    mismatches: tuple[Mismatch, ...] = ()

    @property
    def title(self) -> str:
        """``consumer: description (given state, state)``."""
        given = f" (given {', '.join(self.states)})" if self.states else ""
        return f"{self.consumer}: {self.description}{given}"

    def render(self, number: int) -> str:
        """A numbered block: the interaction, then one numbered line per mismatch."""
        label = " [pending: does not fail the build]" if self.pending else ""
        lines = [f"{number}) {self.title}{label}"]
        for index, mismatch in enumerate(self.mismatches, start=1):
            lines.append(f"    {number}.{index}) {mismatch.render()}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready data."""
        data = dataclasses.asdict(self)
        data["states"] = list(self.states)
        return data

    def findings(self) -> list[Finding]:
        """The mismatches as :class:`Finding` records for the shared reports."""
        return [
            Finding(
                rule=f"contract.{mismatch.kind.replace(' ', '-')}",
                message=f"{self.title}: {mismatch.detail}",
                pointer=mismatch.location,
                severity="warning" if self.pending else "error",
                record_id=self.description,
                expected=mismatch.expected,
                actual=mismatch.actual,
                section="contracts",
            )
            for mismatch in self.mismatches
        ]


def outcomes_from_results(results: Mapping[str, Any]) -> list[InteractionOutcome]:
    """Build one :class:`InteractionOutcome` per entry of the verifier's ``interactionResults``."""
    return [_outcome(entry) for entry in results.get("interactionResults") or []]


def _outcome(entry: Mapping[str, Any]) -> InteractionOutcome:
    mismatch = entry.get("mismatch")
    passed = entry.get("result") == "Ok" or (
        mismatch is None and entry.get("result") not in ("Error", "Failed")
    )
    return InteractionOutcome(
        consumer=str(entry.get("consumer", "")),
        description=str(entry.get("description", "")),
        states=tuple(str(state) for state in entry.get("providerStates") or ()),
        passed=passed,
        pending=bool(entry.get("pending")),
        mismatches=() if passed else tuple(_mismatches(mismatch)),
    )


def _mismatches(mismatch: Any) -> list[Mismatch]:
    if not isinstance(mismatch, Mapping):
        return [Mismatch("error", "", "a response", "nothing", "the verifier reported no details")]
    if mismatch.get("type") == "mismatches":
        return [_typed(item) for item in mismatch.get("mismatches") or ()]
    message = str(mismatch.get("message") or json.dumps(mismatch, sort_keys=True))
    kind = "provider state" if "state" in message.lower() else "error"
    return [Mismatch(kind, "", "a verifiable interaction", "an error", message)]


def _typed(item: Mapping[str, Any]) -> Mismatch:
    kind = _KINDS.get(str(item.get("type")), str(item.get("type", "mismatch")))
    location = item.get("path") or item.get("key") or item.get("parameter") or ""
    if kind == "status":
        location = "status"
    return Mismatch(
        kind=kind,
        location=str(location),
        expected=_shown(item.get("expected")),
        actual=_shown(item.get("actual")),
        detail=str(item.get("mismatch", "")).strip(),
    )


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(nothing)"
    return value if isinstance(value, str) else json.dumps(value)


def render_failures(outcomes: Sequence[InteractionOutcome]) -> str:
    """The failing interactions as a numbered list (empty when all passed)."""
    failing = [outcome for outcome in outcomes if not outcome.passed]
    return "\n".join(outcome.render(number) for number, outcome in enumerate(failing, start=1))
