"""What the fuzz suite's tests share: one session per run and one way to fail with evidence."""

from __future__ import annotations

from collections.abc import Iterable

from badgegate.fuzz.report import FuzzFailure, attach_to_allure, render_failures
from badgegate.fuzz.session import FuzzSession


def fail_with(session: FuzzSession, failures: Iterable[FuzzFailure]) -> None:
    """Record ``failures`` in the JSON report and Allure, print them, and fail the test."""
    listed = list(failures)
    if not listed:
        return
    session.report.add(listed)
    attach_to_allure(listed, config=session.report.config)
    text = render_failures(listed)
    print(text)
    raise AssertionError(f"{text}\nJSON report: {session.report.path}")


def problems_as_failures(
    session: FuzzSession, check: str, problems: list[str]
) -> list[FuzzFailure]:
    """Turn a probe's problems into failures (each message ends in its reproduction)."""
    failures = []
    for text in problems:
        message, _, curl = text.partition("\n  reproduce: ")
        failures.append(
            FuzzFailure(
                check=check,
                operation=f"probe {check}",
                message=message,
                curl=curl or None,
                seed=session.profile.seed,
                profile=session.profile.name,
            )
        )
    return failures
