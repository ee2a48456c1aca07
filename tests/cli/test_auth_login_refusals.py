"""A login that cannot complete is one line, exit 2, and writes nothing: a target without
registration, a denied consent, a forged ``state``, nobody completing the login, a refresh the
target refuses. The same targets accept the legitimate login (here, or in test_auth_login.py
for the reference engine)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
import requests

from badgegate.engine.server import EngineServer
from badgegate.errors import ExitCode
from tests.cli.oauth_host import SCOPE, OAuthHost, log_in_following_the_url
from tests.conftest import ServeOnLoopback
from tests.operations.conftest import run_badgegate

pytestmark = pytest.mark.slow


def _host(serve_on_loopback: ServeOnLoopback, **behaviour: object) -> OAuthHost:
    host = OAuthHost(**behaviour)  # type: ignore[arg-type]
    host.base_url = serve_on_loopback(host.handler())
    return host


def _state(tmp_path: Path) -> Path:
    return tmp_path / "state"


def _error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("badgegate: error:")]


def _nothing_written(tmp_path: Path) -> None:
    logins = _state(tmp_path) / "badgegate" / "logins"
    held = sorted(p.name for p in logins.iterdir()) if logins.exists() else []
    assert held == [], f"a refused login left {held}"


def _refused(result: subprocess.CompletedProcess[str], tmp_path: Path, *words: str) -> str:
    assert result.returncode == ExitCode.USAGE, result.stderr
    errors = _error_lines(result.stderr)
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    _nothing_written(tmp_path)
    return errors[0]


def test_a_target_without_registration_asks_for_a_client_id(
    serve_on_loopback: ServeOnLoopback, tmp_path: Path
) -> None:
    host = _host(serve_on_loopback, registration=False)
    env = {"XDG_STATE_HOME": str(_state(tmp_path))}
    result = log_in_following_the_url(host.api_url, tmp_path, env)
    _refused(result, tmp_path, "no dynamic client registration", "--client-id")
    assert "open this URL" not in result.stderr and not host.token_requests

    # The same target logs in a client registered there.
    given = log_in_following_the_url(
        host.api_url, tmp_path, {**env, "BADGEGATE_CLIENT_SECRET": "s3cret"}, "--client-id", "app"
    )
    assert given.returncode == 0, given.stderr
    assert len(host.token_requests) == 1
    exchange = host.token_requests[0]
    assert exchange["grant_type"] == "authorization_code" and exchange["scope"] == SCOPE
    assert exchange["code_verifier"] and exchange["redirect_uri"].startswith("http://127.0.0.1:")


def test_a_denied_consent_is_refused_and_a_granted_one_logs_in(
    serve_on_loopback: ServeOnLoopback, tmp_path: Path
) -> None:
    env = {"XDG_STATE_HOME": str(_state(tmp_path))}
    denying = _host(serve_on_loopback, consent="deny")
    result = log_in_following_the_url(denying.api_url, tmp_path, env)
    line = _refused(result, tmp_path, "denied", "access_denied", "auth login", denying.api_url)
    assert "the user refused" in line and not denying.token_requests

    granting = _host(serve_on_loopback, consent="grant")
    assert log_in_following_the_url(granting.api_url, tmp_path, env).returncode == 0
    assert len(list((_state(tmp_path) / "badgegate" / "logins").glob("*.json"))) == 1


def test_an_answer_with_another_state_is_not_redeemed(
    serve_on_loopback: ServeOnLoopback, tmp_path: Path
) -> None:
    host = _host(serve_on_loopback, consent="forge-state")
    env = {"XDG_STATE_HOME": str(_state(tmp_path))}
    result = log_in_following_the_url(host.api_url, tmp_path, env)
    _refused(result, tmp_path, "another state", "auth login")
    assert not host.token_requests, "a code with a forged state must never be redeemed"


def test_a_login_nobody_completes_times_out_naming_the_url(
    engine: EngineServer, tmp_path: Path
) -> None:
    env = {"XDG_STATE_HOME": str(_state(tmp_path))}
    started = time.monotonic()
    result = log_in_following_the_url(
        engine.api_url, tmp_path, env, "--timeout", "0.5", follow=False
    )
    assert time.monotonic() - started < 30
    line = _refused(result, tmp_path, "no authorization answer arrived within 0.5 s")
    printed = next(s.strip() for s in result.stderr.splitlines() if s.strip().startswith("http"))
    assert f"open {printed} " in line


def test_a_refused_refresh_says_to_log_in_again_and_keeps_the_login(
    engine: EngineServer, tmp_path: Path
) -> None:
    env = {"XDG_STATE_HOME": str(_state(tmp_path))}
    assert log_in_following_the_url(engine.api_url, tmp_path, env).returncode == 0
    (path,) = (_state(tmp_path) / "badgegate" / "logins").glob("*.json")
    held = json.loads(path.read_text(encoding="utf-8"))
    smoke = ["run", "--suite", "smoke", "--engine-url", engine.api_url]

    # Revoked at the target: the refresh token no longer works.
    revoked = requests.post(
        engine.api_url + "/oauth/revoke",
        data={"token": held["refresh_token"]},
        auth=(held["client_id"], held["client_secret"]),
        timeout=30,
    )
    assert revoked.status_code == 200
    held["expires_at"] = time.time() - 60
    path.write_text(json.dumps(held), encoding="utf-8")
    before = path.read_bytes()
    result = run_badgegate([*smoke, "--report-dir", str(tmp_path / "r")], cwd=tmp_path, env=env)
    assert result.returncode == ExitCode.USAGE, result.stdout[-2000:] + result.stderr
    (line,) = _error_lines(result.stderr)
    assert "refused to refresh the login" in line and "invalid_grant" in line
    assert f"log in again with `badgegate auth login --engine-url {engine.api_url}`" in line
    assert held["refresh_token"] not in result.stdout + result.stderr
    assert path.read_bytes() == before, "a refused refresh must leave the stored login as it was"


def test_refused_client_credentials_point_at_the_stored_login(
    engine: EngineServer, tmp_path: Path
) -> None:
    env = {"XDG_STATE_HOME": str(_state(tmp_path))}
    smoke = ["run", "--suite", "smoke", "--engine-url", engine.api_url, "--report-dir"]
    wrong = {**env, "BADGEGATE_CLIENT_ID": "nobody", "BADGEGATE_CLIENT_SECRET": "wrong-secret"}
    before = run_badgegate([*smoke, str(tmp_path / "r1")], cwd=tmp_path, env=wrong)
    (line,) = _error_lines(before.stderr)
    assert "refused badgegate's own credentials" in line and "login is stored" not in line

    assert log_in_following_the_url(engine.api_url, tmp_path, env).returncode == 0
    after = run_badgegate([*smoke, str(tmp_path / "r2")], cwd=tmp_path, env=wrong)
    assert after.returncode == ExitCode.USAGE
    (line,) = _error_lines(after.stderr)
    assert "a login is stored for this engine URL" in line and "wrong-secret" not in line


def test_a_registration_refusing_extension_scopes_is_asked_for_the_described_ones(
    serve_on_loopback: ServeOnLoopback, tmp_path: Path
) -> None:
    from badgegate.scopes import ALL_SCOPES

    env = {"XDG_STATE_HOME": str(_state(tmp_path))}
    lenient = _host(serve_on_loopback)
    assert log_in_following_the_url(lenient.api_url, tmp_path, env).returncode == 0
    assert lenient.registrations == [" ".join((SCOPE, *(s for s in ALL_SCOPES if s != SCOPE)))]

    strict = _host(serve_on_loopback, strict_scopes=True)
    assert log_in_following_the_url(strict.api_url, tmp_path, env).returncode == 0
    assert len(strict.registrations) == 2 and strict.registrations[1] == SCOPE
    assert strict.authorized_scopes == [SCOPE]
