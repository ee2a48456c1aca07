"""Findings: the level of the requirement and the severity always agree; the line names both."""

from __future__ import annotations

import pytest

from badgegate.config import load_config
from badgegate.findings import Finding, failing, warnings_of
from badgegate.report import gate


def test_level_and_severity_agree_whichever_is_given() -> None:
    assert (Finding("r", "m").level, Finding("r", "m").severity) == ("MUST", "error")
    warned = Finding("r", "m", severity="warning")
    assert (warned.level, warned.severity) == ("SHOULD", "warning")
    optional = Finding("r", "m", level="OPTIONAL")
    assert (optional.level, optional.severity, optional.is_error) == ("OPTIONAL", "warning", False)
    assert Finding("r", "m", level="SHOULD").severity == "warning"


def test_the_line_names_level_requirement_and_section() -> None:
    finding = Finding(
        "context-order",
        "the first @context must be the VC 2.0 context",
        "/@context/0",
        actual="https://example.org/ctx",
        section="B.1",
        requirement="@context starts with the VC 2.0 context",
    )
    assert finding.render() == (
        "error [context-order] /@context/0: the first @context must be the VC 2.0 context "
        '(got "https://example.org/ctx") — MUST, @context starts with the VC 2.0 context, '
        "OB 3.0 §B.1"
    )
    assert Finding("x", "m", section="B (Profile.url)").citation == "OB 3.0 §B (Profile.url)"
    assert Finding("x", "m", section="RFC 6750 §3").citation == "RFC 6750 §3"
    assert finding.to_dict()["level"] == "MUST"


def test_a_value_the_message_quotes_is_not_repeated() -> None:
    finding = Finding("schema-type", '42 is not of type "string"', "/name", actual=42)
    assert finding.render().startswith('error [schema-type] /name: 42 is not of type "string" —')


def test_warnings_fail_only_strict_gates() -> None:
    findings = [Finding("a", "broken"), Finding("b", "advice", level="OPTIONAL")]
    assert [f.rule for f in failing(findings)] == ["a"]
    assert [f.rule for f in failing(findings, strict=True)] == ["a", "b"]
    assert [f.rule for f in warnings_of(findings)] == ["b"]


@pytest.mark.parametrize("strict", [False, True])
def test_the_suite_gate_notes_warnings_unless_they_fail(strict: bool) -> None:
    gate.forget()
    config = load_config({"strict": strict}, env={}, pyproject=None)
    advice = Finding("imsx-minor-code", "the error body has no `imsx_codeMinor`", level="OPTIONAL")
    failed = gate.gate([advice], config=config, name="401 body")
    assert failed == ([advice] if strict else [])
    assert [warning for _, warning in gate.noted()] == ([] if strict else [advice])
    lines = gate.summary_lines()
    assert (lines[0] if lines else "") == (
        "" if strict else "1 warning(s) (they fail the run only with --strict):"
    )
    gate.forget()
