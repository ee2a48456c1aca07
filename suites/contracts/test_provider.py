"""Provider verification: every committed pact replayed against the target badge-engine."""

from __future__ import annotations

import pytest

from badgegate.contracts import committed_pacts_dir, run_verification
from badgegate.contracts.suite import attach_report
from badgegate.stack import Target

pytestmark = pytest.mark.suite("contracts")


def test_engine_honours_every_pact(badgegate_target: Target) -> None:
    """Each interaction of each consumer's pact passes against the target."""
    if badgegate_target.state_url is None:
        pytest.skip("not applicable: no state_url, so provider states cannot be set up")
    report = run_verification(
        [committed_pacts_dir()], badgegate_target.api_url, state_url=badgegate_target.state_url
    )
    if not report.passed:
        attach_report(report)
    assert report.passed, report.render()
    assert len(report.outcomes) >= 2
