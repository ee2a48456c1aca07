"""The table at the end of every run: per suite passed / failed / skipped and the top findings."""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pytest

from badgegate.allure_results import suite_of

TOP_FINDINGS = 5


@dataclasses.dataclass
class SuiteTally:
    """Outcomes of one suite's checks."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    findings: list[str] = dataclasses.field(default_factory=list)


def tally(
    reports: Iterable[pytest.TestReport], suites_root: Path, rootpath: Path
) -> dict[str, SuiteTally]:
    """Count outcomes per suite (harness tests outside ``suites/`` count as ``tests``).

    Report paths are relative to pytest's ``rootpath``.
    """
    tallies: dict[str, SuiteTally] = collections.defaultdict(SuiteTally)
    for report in reports:
        if report.when != "call" and not (report.failed or report.skipped):
            continue
        path = rootpath / str(report.fspath)
        suite = suite_of(path, suites_root) or "tests"
        entry = tallies[suite]
        if report.failed:
            entry.failed += 1
            entry.findings.append(f"{report.nodeid}: {_first_line(report)}")
        elif report.skipped:
            entry.skipped += 1
        else:
            entry.passed += 1
    return dict(tallies)


def _first_line(report: pytest.TestReport) -> str:
    text = getattr(report, "longreprtext", "") or str(report.longrepr)
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("E ")]
    first = lines[0][2:].strip() if lines else (text.strip().splitlines() or [""])[-1]
    return first[:160]


def render(tallies: dict[str, SuiteTally], report_paths: Iterable[str]) -> list[str]:
    """The summary as lines of text."""
    lines = [f"{'suite':<12} {'passed':>7} {'failed':>7} {'skipped':>8}"]
    for suite, entry in sorted(tallies.items()):
        lines.append(f"{suite:<12} {entry.passed:>7} {entry.failed:>7} {entry.skipped:>8}")
    for suite, entry in sorted(tallies.items()):
        for finding in entry.findings[:TOP_FINDINGS]:
            lines.append(f"  {suite}: {finding}")
        if len(entry.findings) > TOP_FINDINGS:
            lines.append(f"  {suite}: … and {len(entry.findings) - TOP_FINDINGS} more failures")
    lines += [f"report: {path}" for path in report_paths]
    return lines


def write_stopped_junit(path: Path, check: str, message: str) -> None:
    """Write ``path`` as a JUnit report of a run stopped before its suites: one failed
    ``check`` with ``message`` (secrets masked), so CI always finds a ``junit.xml``."""
    from xml.etree import ElementTree

    from badgegate.transport import redact

    shown = redact(message)
    suites = ElementTree.Element("testsuites")
    suite = ElementTree.SubElement(
        suites, "testsuite", name="badgegate", tests="1", failures="1", errors="0", skipped="0"
    )
    case = ElementTree.SubElement(suite, "testcase", classname="badgegate.preflight", name=check)
    ElementTree.SubElement(case, "failure", message=shown).text = shown
    path.parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
