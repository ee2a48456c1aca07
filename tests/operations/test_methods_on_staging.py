"""Unsupported methods are checked on the staging profile too, with methods that cannot change
anything: TRACE and a method token no server defines."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.errors import ExitCode

from .conftest import run_badgegate

pytestmark = pytest.mark.slow
TOKEN = "methods-on-staging-token"
API = "/ims/ob/v3p0"


@pytest.mark.parametrize(
    ("faults", "verdict"),
    [((), ExitCode.OK), (("unsupported-method-404",), ExitCode.FAILED)],
    ids=["clean", "plain-404"],
)
def test_staging_probes_unsupported_methods_without_writing(
    tmp_path: Path, faults: tuple[str, ...], verdict: ExitCode
) -> None:
    with EngineServer(tokens=[TokenSpec(TOKEN)], faults=faults) as server:
        result = run_badgegate(
            [
                *("run", "--suite", "fuzz", "--profile", "staging"),
                *("--engine-url", server.api_url, "--report-dir", str(tmp_path / "reports")),
                *("--", "-k", "undocumented_methods"),
            ],
            cwd=tmp_path,
            env={"BADGEGATE_ENGINE_TOKEN": TOKEN},
        )
    output = result.stdout + result.stderr
    assert result.returncode == verdict, output[-3000:]
    assert "1 passed" in output or "1 failed" in output, output[-3000:]
    if verdict == ExitCode.FAILED:
        assert "TRACE /credentials: expected 405" in output
        assert "BADGEGATE-PROBE /credentials: expected 405" in output
        assert "PATCH" not in output.split("fuzz failure(s):", 1)[1], "a write method was sent"


def test_a_host_that_implements_neither_trace_nor_unknown_methods_passes(tmp_path: Path) -> None:
    """A legitimate variant: in front of the clean engine, a server that implements no TRACE
    and no unknown method answers both with 501 (RFC 9110 §15.6.2), not 405: no finding."""
    from .test_contracts_on_staging import CountingProxy

    with EngineServer(tokens=[TokenSpec(TOKEN)]) as server:
        proxy = CountingProxy(server.root_url)
        try:
            # The variant is what it claims: 501 for TRACE and for an unknown method.
            for method in ("TRACE", "BADGEGATE-PROBE"):
                answer = requests.request(method, proxy.url + API + "/credentials", timeout=30)
                assert answer.status_code == 501
            result = run_badgegate(
                [
                    *("run", "--suite", "fuzz", "--profile", "staging"),
                    *("--engine-url", proxy.url + API, "--report-dir", str(tmp_path / "r")),
                    *("--", "-k", "undocumented_methods"),
                ],
                cwd=tmp_path,
                env={"BADGEGATE_ENGINE_TOKEN": TOKEN},
            )
        finally:
            proxy.close()
    output = result.stdout + result.stderr
    assert result.returncode == ExitCode.OK, output[-3000:]
    assert "1 passed" in output
