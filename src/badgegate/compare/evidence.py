"""The verdict of an integrity check and the evidence a reviewer needs when it fails.

A failing check shows the (shrunk) legacy rows, every difference in legacy ``table.column``
names, the findings about the served records, and SQL ``INSERT`` statements that reproduce the
data set: in the assertion message (the console) and as Allure attachments.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from badgegate.compare.diff import RowDifference, json_value
from badgegate.compare.sql import insert_statements
from badgegate.config import HarnessConfig
from badgegate.findings import Finding
from badgegate.legacy.dataset import LegacyDataset, LegacyRow
from badgegate.report.redact import VALUE_MEMBERS, redact_for_report, redacted_fields

#: Which legacy field a served-record rule is about (for findings without a row difference).
RULE_FIELDS = {
    "served-credential-missing": "badges.status",
    "served-credential-unexpected": "badges.status",
    "served-valid-from": "badges.updated_at",
    "served-recipient": "recipient",
    "served-result": "badge_requirements.completed",
    "served-credential-name": "badges.name",
    "served-embedded-achievement": "badges",
    "served-duplicate": "badges.id",
    "served-untraceable": "badges.id",
    "served-link": "badges.id",
    "served-id": "badges.id",
}


@dataclasses.dataclass(frozen=True)
class IntegrityVerdict:
    """What comparing a legacy data set with what came back found."""

    dataset: LegacyDataset
    differences: list[RowDifference]
    findings: list[Finding]

    @property
    def lost(self) -> bool:
        """True when a row differs or a served record is wrong (error findings)."""
        return bool(self.differences) or any(finding.is_error for finding in self.findings)

    @property
    def fields(self) -> list[str]:
        """Every legacy field named by a difference or an error finding."""
        named = [difference.field for difference in self.differences]
        named += [RULE_FIELDS.get(f.rule, f.rule) for f in self.findings if f.is_error]
        return sorted(set(named))

    def render(
        self, title: str = "legacy data was lost or changed", *, config: HarnessConfig | None = None
    ) -> str:
        """The console evidence: rows, differences, findings, reproduction (``config``'s
        ``redact_fields`` redacted in all four; ids and other fields stay readable)."""
        lines = [f"{title}:", "", "Legacy rows:"]
        lines += ["  " + line for line in rows_json(self.dataset, config=config).splitlines()]
        lines += ["", "Differences (legacy columns, expected = legacy, got = recovered):"]
        differences = [_redacted_difference(d, config) for d in self.differences]
        lines += [f"  {n}. {d.render()}" for n, d in enumerate(differences, 1)] or ["  none"]
        errors = [finding for finding in self.findings if finding.is_error]
        lines += ["", "Served-record findings:"]
        lines += [
            f"  {n}. {RULE_FIELDS.get(f.rule, f.rule)}: {Finding(**_finding(f, config)).render()}"
            for n, f in enumerate(errors, 1)
        ] or ["  none"]
        lines += ["", "Reproduce (SQL for a legacy database):"]
        lines += ["  " + line for line in self.reproduction(config=config).splitlines()]
        return "\n".join(lines)

    def reproduction(self, *, config: HarnessConfig | None = None) -> str:
        """SQL ``INSERT`` statements of the data set, ``config``'s ``redact_fields`` redacted."""
        if not redacted_fields(config):
            return insert_statements(self.dataset)
        document = _redacted(_tables(self.dataset), config)
        return insert_statements(LegacyDataset(document["badges"], document["badge_requirements"]))

    def to_dict(self, *, config: HarnessConfig | None = None) -> dict[str, Any]:
        """The JSON evidence (attached to the Allure report); ``config``'s ``redact_fields``
        redacted."""
        return {
            "fields": self.fields,
            "differences": [_difference(difference, config) for difference in self.differences],
            "findings": [_finding(finding, config) for finding in self.findings],
        }

    def attach(self, name: str = "integrity", *, config: HarnessConfig | None = None) -> None:
        """Attach rows, deepdiff and SQL reproduction to the running Allure test, if any
        (``config``'s ``redact_fields`` redacted in each)."""
        attach_text(f"{name}: legacy rows", rows_json(self.dataset, config=config), "json")
        attach_text(
            f"{name}: deepdiff (legacy columns)",
            json.dumps(self.to_dict(config=config), indent=2, ensure_ascii=False),
            "json",
        )
        attach_text(f"{name}: SQL reproduction", self.reproduction(config=config), "text")

    def check(
        self, title: str = "legacy data was lost or changed", *, config: HarnessConfig | None = None
    ) -> None:
        """Raise ``AssertionError`` with the evidence (and attach it) when data was lost."""
        if not self.lost:
            return
        if _final_example():
            self.attach(config=config)
        raise AssertionError(self.render(title, config=config))


def rows_json(dataset: LegacyDataset, *, config: HarnessConfig | None = None) -> str:
    """The data set's rows as indented JSON (timestamps as ISO 8601; ``redact_fields``
    redacted)."""
    return json.dumps(_redacted(json_value(_tables(dataset)), config), indent=2, ensure_ascii=False)


def _tables(dataset: LegacyDataset) -> dict[str, list[LegacyRow]]:
    return {"badges": dataset.badges, "badge_requirements": dataset.requirements}


def _redacted(document: Any, config: HarnessConfig | None) -> Any:
    return redact_for_report(document, config) if redacted_fields(config) else document


def _difference(difference: RowDifference, config: HarnessConfig | None) -> dict[str, Any]:
    """``difference`` as JSON, its values redacted when it names a field in ``redact_fields``
    (a whole row's members by their ``table.column`` names)."""
    entry = difference.to_dict()
    if difference.column is None:
        for member in VALUE_MEMBERS:
            row = {difference.table: entry[member]}
            entry[member] = _redacted(row, config)[difference.table]
    redacted: dict[str, Any] = _redacted(entry, config)
    return redacted


def _redacted_difference(difference: RowDifference, config: HarnessConfig | None) -> RowDifference:
    """``difference`` with the values :func:`_difference` redacts redacted."""
    if not redacted_fields(config):
        return difference
    entry = _difference(difference, config)
    return dataclasses.replace(difference, expected=entry["expected"], actual=entry["actual"])


def _finding(finding: Finding, config: HarnessConfig | None) -> dict[str, Any]:
    """``finding`` as JSON, its values redacted when the legacy field its rule is about (or a
    member of them) is in ``redact_fields``."""
    entry = {"field": RULE_FIELDS.get(finding.rule, finding.rule), **finding.to_dict()}
    redacted: dict[str, Any] = _redacted(json_value(entry), config)
    redacted.pop("field")
    return redacted


def attach_text(name: str, text: str, kind: str, *, config: HarnessConfig | None = None) -> None:
    """Attach ``text`` to the running Allure test (nothing when Allure is not recording).

    JSON ``text`` has ``config``'s ``redact_fields`` redacted first.
    """
    try:
        import allure
    except ImportError:  # pragma: no cover - allure-pytest is a dependency
        return
    if kind == "json" and redacted_fields(config):
        text = json.dumps(_redacted(json.loads(text), config), indent=2, ensure_ascii=False)
    attachment_type = allure.attachment_type.JSON if kind == "json" else allure.attachment_type.TEXT
    allure.attach(text, name=name, attachment_type=attachment_type)


def _final_example() -> bool:
    """True outside Hypothesis, or on the final (shrunk) example it replays."""
    try:
        from hypothesis.control import _current_build_context
    except ImportError:  # pragma: no cover
        return True
    context = _current_build_context.value
    return context is None or bool(context.is_final)
