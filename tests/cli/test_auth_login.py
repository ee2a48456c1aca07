"""`badgegate auth login` end to end, without a browser: the test follows the printed URL to the
CLI's loopback listener (the reference engine's consent is automatic)."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
import requests

from badgegate.engine.server import EngineServer
from badgegate.errors import ExitCode
from badgegate.scopes import ALL_SCOPES
from tests.cli.oauth_host import OAuthHost, log_in_following_the_url
from tests.conftest import ServeOnLoopback
from tests.operations.conftest import run_badgegate

pytestmark = pytest.mark.slow


def _login(engine: EngineServer, work: Path, env: dict[str, str], *extra: str) -> str:
    """Run ``auth login --no-browser``, follow the URL it prints; return its stdout."""
    result = log_in_following_the_url(engine.api_url, work, env, *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_login_status_use_refresh_and_logout(engine: EngineServer, tmp_path: Path) -> None:
    work, state = tmp_path / "work", tmp_path / "state"
    work.mkdir()
    env = {"XDG_STATE_HOME": str(state)}
    out = _login(engine, work, env)
    files = list((state / "badgegate" / "logins").glob("*.json"))
    assert len(files) == 1 and str(files[0]) in out
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert not any(work.iterdir()), "the login must not be kept in the working directory"
    held = json.loads(files[0].read_text(encoding="utf-8"))
    assert held["access_token"] not in out and held["refresh_token"]
    assert set(held["scopes"]) == set(ALL_SCOPES), "the registration grants the extension scopes"

    status = run_badgegate(["auth", "status"], cwd=work, env=env)
    assert status.returncode == 0 and engine.api_url in status.stdout
    assert held["client_id"] in status.stdout and "a refresh token" in status.stdout
    assert held["access_token"] not in status.stdout + status.stderr

    shown = run_badgegate(["config", "show", "--engine-url", engine.api_url], cwd=work, env=env)
    assert f"credentials: the stored login for {engine.api_url}" in shown.stdout
    assert held["access_token"] not in shown.stdout

    # A command with no token configured uses the stored login.
    smoke = ["run", "--suite", "smoke", "--engine-url", engine.api_url]
    ran = run_badgegate([*smoke, "--report-dir", str(tmp_path / "r1")], cwd=work, env=env)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]

    # An expired access token is refreshed (the refresh token rotates) before it is used.
    held["expires_at"] = time.time() - 60
    files[0].write_text(json.dumps(held), encoding="utf-8")
    again = run_badgegate([*smoke, "--report-dir", str(tmp_path / "r2")], cwd=work, env=env)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-2000:]
    refreshed = json.loads(files[0].read_text(encoding="utf-8"))
    assert refreshed["access_token"] != held["access_token"]
    assert refreshed["refresh_token"] != held["refresh_token"]
    assert refreshed["expires_at"] > time.time()

    out = run_badgegate(["auth", "logout", "--engine-url", engine.api_url], cwd=work, env=env)
    assert out.returncode == 0 and "logged out" in out.stdout
    assert "its tokens are revoked" in out.stdout
    assert not files[0].exists()
    headers = {"Authorization": f"Bearer {refreshed['access_token']}"}
    refused = requests.get(engine.api_url + "/credentials", headers=headers, timeout=30)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_a_client_id_without_its_secret_is_refused(engine: EngineServer, tmp_path: Path) -> None:
    result = run_badgegate(
        ["auth", "login", "--no-browser", "--engine-url", engine.api_url, "--client-id", "x"],
        cwd=tmp_path,
        env={"XDG_STATE_HOME": str(tmp_path / "state")},
    )
    assert result.returncode == ExitCode.USAGE
    assert "BADGEGATE_CLIENT_SECRET" in result.stderr and "Traceback" not in result.stderr


def test_the_login_file_is_keyed_by_engine_url_outside_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from badgegate.client.login import login_path, logins_dir

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    first = login_path("http://a.example/ims/ob/v3p0")
    assert first == login_path("http://a.example/ims/ob/v3p0/")
    assert first != login_path("http://b.example/ims/ob/v3p0")
    assert first.parent == logins_dir() and not str(first).startswith(os.getcwd())


def test_every_command_that_calls_an_engine_takes_a_token_file() -> None:
    """A token file works wherever a target is called (``auth`` manages the stored login itself,
    the last of the credentials)."""
    from badgegate.cli import build_parser
    from tests.cli.test_user_mistakes import _all_options

    options: dict[tuple[str, ...], set[str]] = {}
    for words, action in _all_options(build_parser(), ()):
        options.setdefault(words, set()).update(action.option_strings)
    calling = {words for words, names in options.items() if "--engine-url" in names}
    assert ("contracts", "verify") in calling and ("run",) in calling
    missing = [
        " ".join(words)
        for words in sorted(calling)
        if words[0] != "auth" and "--engine-token-file" not in options[words]
    ]
    assert missing == []


def test_logout_says_when_the_target_could_not_revoke(
    serve_on_loopback: ServeOnLoopback, tmp_path: Path
) -> None:
    host = OAuthHost()
    host.base_url = serve_on_loopback(host.handler())
    env = {"XDG_STATE_HOME": str(tmp_path / "state")}
    assert log_in_following_the_url(host.api_url, tmp_path, env).returncode == 0
    out = run_badgegate(["auth", "logout", "--engine-url", host.api_url], cwd=tmp_path, env=env)
    assert out.returncode == 0 and "did not revoke its tokens" in out.stdout
    assert not list((tmp_path / "state" / "badgegate" / "logins").iterdir())
