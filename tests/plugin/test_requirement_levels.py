"""Requirement levels in a real suite run: a target whose error bodies leave out the optional
``imsx_codeMinor`` passes the smoke check with a warning the QA engineer sees (the end-of-run
summary and the test's Allure attachment), and fails it when the run is strict.

The target is a loopback HTTP server that answers ``GET /credentials`` as an OB 3.0 Host does
without a token: 401, a Bearer challenge, and an ``Imsx_StatusInfo`` whose only fault is the
missing minor code (or, for the control, a wrong one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from badgegate.paths import suite_pytest_options, suites_dir

NODE = "smoke/test_smoke.py::test_credentials_refuse_a_missing_or_wrong_token"
BASE = "/ims/ob/v3p0"


def _handler(body: dict[str, Any]) -> type[BaseHTTPRequestHandler]:
    class Host(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            text = json.dumps(body).encode()
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Bearer realm="badges"')
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Host


@pytest.fixture()
def host(request: pytest.FixtureRequest) -> Iterator[str]:
    """A loopback Host answering 401 with the error body the test names; yields its API base."""
    body: dict[str, Any] = {"imsx_codeMajor": "failure", "imsx_severity": "error"}
    if request.param == "wrong minor code":
        body["imsx_codeMinor"] = {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "TargetEndSystem",
                    "imsx_codeMinorFieldValue": "forbidden",
                }
            ]
        }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(body))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE}"
    finally:
        server.shutdown()
        server.server_close()


def _run_smoke(api_url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BADGEGATE_")}
    env.update(BADGEGATE_ENGINE_URL=api_url, BADGEGATE_REPORT_DIR=str(tmp_path))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(suites_dir() / NODE),
            *suite_pytest_options(),
            f"--alluredir={tmp_path / 'allure'}",
            *extra,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _attachments(allure_dir: Path) -> dict[str, str]:
    """Every attachment of the run's passed or failed tests, by name."""
    found = {}
    for result in allure_dir.glob("*-result.json"):
        for attachment in json.loads(result.read_text()).get("attachments", []):
            found[attachment["name"]] = (allure_dir / attachment["source"]).read_text()
    return found


@pytest.mark.parametrize("host", ["no minor code"], indirect=True)
def test_a_missing_minor_code_is_a_warning_the_run_shows(host: str, tmp_path: Path) -> None:
    result = _run_smoke(host, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    summary = result.stdout.split("badgegate summary", 1)[1]
    assert "2 warning(s) (they fail the run only with --strict)" in summary
    assert "the error body has no `imsx_codeMinor`" in summary
    assert "test_credentials_refuse_a_missing_or_wrong_token[none]" in summary
    warnings = _attachments(tmp_path / "allure")["warnings: 401 body with no token"]
    (warning,) = json.loads(warnings)
    assert warning["level"] == "OPTIONAL" and warning["severity"] == "warning"
    assert warning["rule"] == "imsx-minor-code" and warning["pointer"] == "/imsx_codeMinor"


@pytest.mark.parametrize("host", ["no minor code"], indirect=True)
def test_strict_turns_the_warning_into_a_failure(host: str, tmp_path: Path) -> None:
    result = _run_smoke(host, tmp_path, "--badgegate-strict=true")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "the 401 to GET /credentials with no token:" in result.stdout
    assert "warning [imsx-minor-code] /imsx_codeMinor" in result.stdout
    assert "warning(s) (they fail the run only with --strict)" not in result.stdout


@pytest.mark.parametrize("host", ["wrong minor code"], indirect=True)
def test_a_wrong_minor_code_stays_an_error(host: str, tmp_path: Path) -> None:
    result = _run_smoke(host, tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "error [imsx-minor-code] /imsx_codeMinor/imsx_codeMinorField" in result.stdout
    assert "401 answer carries the wrong minor code" in result.stdout
