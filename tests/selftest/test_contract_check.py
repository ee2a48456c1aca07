"""The self-test's contract verification check: quiet on the console, the log kept in the report."""

from __future__ import annotations

import pytest

from badgegate.contracts import committed_pacts_dir, run_verification
from badgegate.engine.server import EngineServer
from badgegate.stack import STATE_PATH


@pytest.mark.slow
def test_verification_keeps_the_verifier_log_off_the_console(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with EngineServer(test_endpoints=True) as server:
        report = run_verification(
            [committed_pacts_dir()], server.api_url, state_url=server.root_url + STATE_PATH
        )
    printed = capfd.readouterr()
    assert report.passed, report.render()
    assert "Verifying a pact between" in report.output
    assert "Verifying a pact" not in printed.out and "Verifying a pact" not in printed.err
    assert report.to_dict()["output"] == report.output
