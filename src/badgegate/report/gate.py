"""The gate of a suite check: errors fail it, warnings are shown (and fail it only when strict).

A check hands its findings to :func:`gate`, which returns the ones that fail the check: the
errors, and the warnings too when the run is strict (config key ``strict``). Warnings that do
not fail are never dropped: they are attached to the running test's Allure result and noted
for the end-of-run summary (``badgegate warnings``), under the test that met them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from badgegate.config import HarnessConfig
from badgegate.findings import Finding, failing, warnings_of
from badgegate.report.evidence import attach_evidence

#: (test id, warning) for every warning a check met in this process, in order.
_NOTED: list[tuple[str, Finding]] = []


def gate(findings: Iterable[Finding], *, config: HarnessConfig | None, name: str) -> list[Finding]:
    """The findings that fail the check; the warnings among them are shown (see module doc).

    ``name`` titles the Allure attachment (e.g. ``"error body of GET /credentials"``).
    """
    found = list(findings)
    strict = bool(config is not None and config.strict)
    warnings = warnings_of(found)
    if warnings:
        attach_evidence(
            f"warnings: {name}",
            [finding.to_dict() for finding in warnings],
            config=config,
        )
        if not strict:
            note(warnings)
    return failing(found, strict=strict)


def note(warnings: Iterable[Finding]) -> None:
    """Note warnings for the end-of-run summary, under the running test."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0] or "(outside a test)"
    _NOTED.extend((test, warning) for warning in warnings)


def noted() -> list[tuple[str, Finding]]:
    """Every warning noted so far, with the test that met it."""
    return list(_NOTED)


def forget() -> None:
    """Start a new run: forget the warnings noted so far."""
    _NOTED.clear()


def summary_lines(limit: int = 20) -> list[str]:
    """Lines for the end-of-run summary: how many warnings, then each (up to ``limit``)."""
    if not _NOTED:
        return []
    lines = [f"{len(_NOTED)} warning(s) (they fail the run only with --strict):"]
    for test, warning in _NOTED[:limit]:
        lines.append(f"  {test}: {warning.render()}")
    if len(_NOTED) > limit:
        lines.append(f"  … and {len(_NOTED) - limit} more (see the Allure report)")
    return lines
