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
from badgegate.findings import Finding
from badgegate.legacy.dataset import LegacyDataset
from badgegate.report.redact import redact_for_report, redacted_fields

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

    def render(self, title: str = "legacy data was lost or changed") -> str:
        """The console evidence: rows, differences, findings, reproduction."""
        lines = [f"{title}:", "", "Legacy rows:"]
        lines += ["  " + line for line in rows_json(self.dataset).splitlines()]
        lines += ["", "Differences (legacy columns, expected = legacy, got = recovered):"]
        lines += [f"  {n}. {d.render()}" for n, d in enumerate(self.differences, 1)] or ["  none"]
        errors = [finding for finding in self.findings if finding.is_error]
        lines += ["", "Served-record findings:"]
        lines += [
            f"  {n}. {RULE_FIELDS.get(f.rule, f.rule)}: {f.render()}"
            for n, f in enumerate(errors, 1)
        ] or ["  none"]
        lines += ["", "Reproduce (SQL for a legacy database):"]
        lines += ["  " + line for line in insert_statements(self.dataset).splitlines()]
        return "\n".join(lines)

    def to_dict(self, *, config: object | None = None) -> dict[str, Any]:
        """The JSON evidence (attached to the Allure report); ``config``'s ``redact_fields``
        redacted."""
        document: dict[str, Any] = {
            "fields": self.fields,
            "differences": [difference.to_dict() for difference in self.differences],
            "findings": [json_value(finding.to_dict()) for finding in self.findings],
        }
        redacted: dict[str, Any] = _redacted(document, config)
        return redacted

    def attach(self, name: str = "integrity", *, config: object | None = None) -> None:
        """Attach rows, deepdiff and SQL reproduction to the running Allure test, if any.

        With ``config``'s ``redact_fields``, personal data is redacted and the SQL reproduction
        (which would repeat it) is left out.
        """
        attach_text(f"{name}: legacy rows", rows_json(self.dataset, config=config), "json")
        attach_text(
            f"{name}: deepdiff (legacy columns)",
            json.dumps(self.to_dict(config=config), indent=2, ensure_ascii=False),
            "json",
        )
        if not redacted_fields(config):
            attach_text(f"{name}: SQL reproduction", insert_statements(self.dataset), "text")

    def check(
        self, title: str = "legacy data was lost or changed", *, config: object | None = None
    ) -> None:
        """Raise ``AssertionError`` with the evidence (and attach it) when data was lost."""
        if not self.lost:
            return
        if _final_example():
            self.attach(config=config)
        raise AssertionError(self.render(title))


def rows_json(dataset: LegacyDataset, *, config: object | None = None) -> str:
    """The data set's rows as indented JSON (timestamps as ISO 8601; ``redact_fields``
    redacted)."""
    document = {"badges": dataset.badges, "badge_requirements": dataset.requirements}
    return json.dumps(_redacted(json_value(document), config), indent=2, ensure_ascii=False)


def _redacted(document: Any, config: object | None) -> Any:
    return redact_for_report(document, config) if redacted_fields(config) else document


def attach_text(name: str, text: str, kind: str, *, config: object | None = None) -> None:
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
