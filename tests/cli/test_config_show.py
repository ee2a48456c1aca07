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


def test_config_show_names_the_credentials_by_their_precedence(tmp_path: Path) -> None:
    """The --engine-token-file option, then the environment, then client credentials, then the
    stored login: each step shown winning over everything below it, then giving way."""
    from badgegate.client.login import Login, login_path
    from badgegate.secret import Secret

    url = "http://127.0.0.1:9/ims/ob/v3p0"
    state = tmp_path / "state"
    stored = state / "badgegate" / "logins" / login_path(url).name
    stored.parent.mkdir(parents=True)
    login = Login(url, "app", None, url + "/oauth/token", Secret("a-t"), None, 1e18, ())
    stored.write_text(json.dumps(login.to_json()), encoding="utf-8")
    option_file, env_file = tmp_path / "option-token", tmp_path / "env-token"
    option_file.write_text("option-token-value")
    env_file.write_text("env-file-token-value")
    everything = {
        "XDG_STATE_HOME": str(state),
        "BADGEGATE_ENGINE_TOKEN": "env-token-value",
        "BADGEGATE_ENGINE_TOKEN_FILE": str(env_file),
        "BADGEGATE_CLIENT_ID": "cc-client",
        "BADGEGATE_CLIENT_SECRET": "cc-secret-value",
    }
    steps = [
        (("--engine-token-file", str(option_file)), everything, "the --engine-token-file option"),
        ((), everything, "BADGEGATE_ENGINE_TOKEN_FILE"),
        ((), {k: v for k, v in everything.items() if "FILE" not in k}, "BADGEGATE_ENGINE_TOKEN"),
        ((), {k: v for k, v in everything.items() if "TOKEN" not in k}, "client credentials"),
        ((), {"XDG_STATE_HOME": str(state)}, f"the stored login for {url}"),
        ((), {"XDG_STATE_HOME": str(tmp_path / "elsewhere")}, "none"),
    ]
    for options, env, expected in steps:
        result = _badgegate(
            "config", "show", "--engine-url", url, *options, cwd=tmp_path, env=_env(**env)
        )
        assert result.returncode == 0, result.stderr
        (line,) = [row for row in result.stdout.splitlines() if row.startswith("credentials: ")]
        assert expected in line, (expected, line)
        for secret in ("option-token-value", "env-file-token-value", "env-token-value", "cc-se"):
            assert secret not in result.stdout
        assert "credentials, first found wins: a bearer token (the --engine-token-file option" in (
            result.stdout
        )
