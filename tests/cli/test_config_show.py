"""``badgegate config show``: values, sources, masked secrets; usage errors exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def _badgegate(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "badgegate", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.badgegate]\nprofile = "nightly"\n')
    return tmp_path


def _env(**extra: str) -> dict[str, str]:
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith("BADGEGATE_")}
    return base | extra


def test_config_show_prints_values_sources_and_masks_secrets(project: Path) -> None:
    env = _env(BADGEGATE_ENGINE_TOKEN="tok-123-secret", BADGEGATE_RATE_LIMIT="4")
    result = _badgegate(
        "config", "show", "--format", "json", "--report-dir", "out", cwd=project, env=env
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["profile"] == {"value": "nightly", "source": "pyproject"}
    assert shown["rate_limit"] == {"value": "4.0", "source": "env"}
    assert shown["report_dir"] == {"value": "out", "source": "cli"}
    assert shown["engine_token"]["value"] == "********"
    assert "tok-123-secret" not in result.stdout + result.stderr


def test_config_error_exits_2_with_did_you_mean(project: Path) -> None:
    result = _badgegate("config", "show", cwd=project, env=_env(BADGEGATE_ENGINE_ULR="x"))
    assert result.returncode == 2
    assert "did you mean 'engine_url'" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_show_shows_everything_and_points_at_an_invalid_value() -> None:
    import subprocess
    import sys

    from tests.operations.conftest import badgegate_env

    shown = subprocess.run(
        [sys.executable, "-m", "badgegate", "config", "show"],
        env=badgegate_env({"BADGEGATE_RATE_LIMIT": "abc", "BADGEGATE_RATE_LIMT": "3"}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 2
    assert "engine_url" in shown.stdout and "rate_limit" in shown.stdout
    assert "BADGEGATE_RATE_LIMIT" in shown.stderr and "'abc'" in shown.stderr
    assert "did you mean 'rate_limit'" in shown.stderr
    assert "Traceback" not in shown.stderr
