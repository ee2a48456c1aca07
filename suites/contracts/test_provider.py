"""Provider verification: every committed pact replayed against the target badge-engine."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from badgegate.capabilities import PROVIDER_STATES, Capabilities
from badgegate.contracts import committed_pacts_dir, run_verification
from badgegate.contracts.suite import attach_report
from badgegate.stack import STATE_PATH, Target
from badgegate.transport.guard import writes_allowed

pytestmark = pytest.mark.suite("contracts")


@contextlib.contextmanager
def _verification_target(target: Target) -> Iterator[tuple[str, str]]:
    """Yield ``(api_url, state_url)`` to verify against.

    Provider states reset the engine they run on, so on the embedded stack verification gets
    an engine of its own and leaves the shared one, and the other suites' data, untouched.
    """
    if not target.embedded:
        assert target.state_url is not None
        yield target.api_url, target.state_url
        return
    from badgegate.engine.server import EngineServer

    with EngineServer(test_endpoints=True) as server:
        yield server.api_url, server.root_url + STATE_PATH


def test_engine_honours_every_pact(
    badgegate_target: Target, target_capabilities: Capabilities
) -> None:
    """Each interaction of each consumer's pact passes against the target (those on
    operations the target does not offer, such as the extension API, are left out)."""
    if badgegate_target.state_url is None:
        pytest.skip("not applicable: no state_url, so provider states cannot be set up")
    if reason := target_capabilities.missing(PROVIDER_STATES):
        pytest.skip(f"{reason} (state_url {badgegate_target.state_url} is not served)")
    host = urlsplit(badgegate_target.api_url).hostname
    if not badgegate_target.embedded and not writes_allowed(badgegate_target.config, host):
        pytest.skip(
            "not applicable: verification replays the pacts' writes, which the staging profile "
            f"forbids; set allow_writes and put {host} on write_allowlist to verify this target"
        )
    with _verification_target(badgegate_target) as (api_url, state_url):
        report = run_verification(
            [committed_pacts_dir()],
            api_url,
            state_url=state_url,
            config=None if badgegate_target.embedded else badgegate_target.config,
            offered=lambda path: target_capabilities.operation_reason(path) is None,
        )
    if not report.passed:
        attach_report(report)
    assert report.passed, report.render()
    assert len(report.outcomes) >= 2
