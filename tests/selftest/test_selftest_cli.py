"""`badgegate selftest` shows progress on stderr, per engine; stdout keeps the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.operations.conftest import run_badgegate

pytestmark = pytest.mark.slow


def test_selftest_reports_each_engine_with_an_eta(tmp_path: Path) -> None:
    result = run_badgegate(
        ["selftest", "--fault", "wrong-allow-header", "--examples", "1"],
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("selftest: ")]
    assert lines[0].startswith("selftest: 1/2 engines, clean engine: passes (")
    assert lines[1].startswith("selftest: 2/2 engines, wrong-allow-header: caught (")
    assert all("s elapsed, about" in line and "s left)" in line for line in lines)
    assert "selftest passed" in result.stdout
    assert "engines" not in result.stdout
