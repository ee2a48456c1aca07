"""The discovery and base-path checks are read-only: on the staging profile, whose transport
refuses every write before it leaves the process, they pass on the clean engine and catch
their faults."""

from __future__ import annotations

from pathlib import Path

import pytest

from badgegate.engine.faults.catalogue import EMPTY_DISCOVERY, ROOT_BASE_PATH
from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.errors import ExitCode

from .conftest import run_badgegate

pytestmark = pytest.mark.slow
TOKEN = "discovery-on-staging-token"


@pytest.mark.parametrize(
    ("fault", "verdict", "said"),
    [
        (None, ExitCode.OK, "2 passed"),
        (EMPTY_DISCOVERY, ExitCode.FAILED, "[discovery-scopes]"),
        (ROOT_BASE_PATH, ExitCode.FAILED, "[base-path]"),
    ],
    ids=["clean", EMPTY_DISCOVERY, ROOT_BASE_PATH],
)
def test_staging_checks_discovery_and_the_base_path(
    tmp_path: Path, fault: str | None, verdict: ExitCode, said: str
) -> None:
    with EngineServer(tokens=[TokenSpec(TOKEN)], faults=[fault] if fault else []) as server:
        result = run_badgegate(
            [
                *("run", "--suite", "smoke", "--profile", "staging"),
                *("--engine-url", server.api_url, "--report-dir", str(tmp_path / "reports")),
                *("--", "-k", "discovery or base_path"),
            ],
            cwd=tmp_path,
            env={"BADGEGATE_ENGINE_TOKEN": TOKEN},
        )
    output = result.stdout + result.stderr
    assert result.returncode == verdict, output[-3000:]
    assert said in output, output[-3000:]
    assert "1 failed, 1 passed" in output or verdict == ExitCode.OK, output[-3000:]
    assert "the staging profile is read-only" not in output, output[-3000:]
