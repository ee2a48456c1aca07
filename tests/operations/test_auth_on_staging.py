"""oauth2 refusals on the staging profile: read-only operations only, the finding named with its
requirement and a masked reproduction, and the scope check not applicable, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.errors import ExitCode

from .conftest import run_badgegate
from .test_contracts_on_staging import API, CountingProxy

pytestmark = pytest.mark.slow
TOKEN = "auth-on-staging-token"


def test_staging_catches_ignored_auth_with_reads_only(tmp_path: Path) -> None:
    with EngineServer(tokens=[TokenSpec(TOKEN)], faults=["ignored-auth"]) as server:
        proxy = CountingProxy(server.root_url)
        try:
            result = run_badgegate(
                [
                    *("run", "--suite", "fuzz", "--profile", "staging"),
                    *("--engine-url", proxy.url + API, "--report-dir", str(tmp_path / "r")),
                    *("--rate-limit", "200"),
                    *("--", "-k", "protected_operations", "-rs"),
                ],
                cwd=tmp_path,
                env={"BADGEGATE_ENGINE_TOKEN": TOKEN},
            )
        finally:
            proxy.close()
    output = result.stdout + result.stderr
    assert result.returncode == ExitCode.FAILED, output[-3000:]
    assert "GET /profile without a token must be refused, never answered 2xx" in output
    assert "RFC 6750 §3" in output and "reproduce: curl" in output
    assert TOKEN not in output
    assert "not applicable: no token lacking an operation's scope" in output
    assert "no client credentials" in output
    assert {method for method, _path in proxy.requests} <= {"GET", "HEAD"}, proxy.requests
