"""A mistyped engine base URL is a configuration error naming the corrected URL (exit 2)."""

from __future__ import annotations

import http.server
from pathlib import Path

import pytest

from badgegate.config import HarnessConfig
from badgegate.errors import ConfigError
from badgegate.stack import check_engine_base

from ..conftest import ServeOnLoopback
from .conftest import REPO_ROOT, run_badgegate

API = "/ims/ob/v3p0"


class DiscoveryOnlyAtTheUsualBase(http.server.BaseHTTPRequestHandler):
    """Serves ``/ims/ob/v3p0/discovery`` and answers 404 to everything else."""

    def do_GET(self) -> None:
        found = self.path == API + "/discovery"
        body = b'{"openapi": "3.0.1"}' if found else b'{"error": "not found"}'
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.mark.parametrize("given", ["", "/", "/api/v1", "/ims/ob"])
def test_a_base_without_discovery_is_refused_naming_the_usual_one(
    serve_on_loopback: ServeOnLoopback, given: str
) -> None:
    root = serve_on_loopback(DiscoveryOnlyAtTheUsualBase)
    config = HarnessConfig(engine_url=(root + given).rstrip("/"))
    with pytest.raises(ConfigError) as caught:
        check_engine_base(config)
    assert f"did you mean --engine-url {root}{API}?" in str(caught.value)
    assert "answered 404" in str(caught.value)


def test_a_base_serving_discovery_passes(serve_on_loopback: ServeOnLoopback) -> None:
    root = serve_on_loopback(DiscoveryOnlyAtTheUsualBase)
    check_engine_base(HarnessConfig(engine_url=root + API))


def test_a_base_nothing_answers_at_is_left_to_the_unreachable_report() -> None:
    check_engine_base(HarnessConfig(engine_url="http://127.0.0.1:9/ims/ob/v3p0"))


@pytest.mark.parametrize("command", [["run", "--suite", "smoke"], ["contracts", "verify"]])
def test_commands_exit_2_with_the_corrected_url(
    serve_on_loopback: ServeOnLoopback, tmp_path: Path, command: list[str]
) -> None:
    root = serve_on_loopback(DiscoveryOnlyAtTheUsualBase)
    done = run_badgegate(
        [*command, "--engine-url", root + "/", "--report-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"did you mean --engine-url {root}{API}?" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_url_without_a_scheme_exits_2_naming_the_fix(tmp_path: Path) -> None:
    done = run_badgegate(
        ["contracts", "verify", "--engine-url", "127.0.0.1:9/ims/ob/v3p0/"],
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "did you mean 'http://127.0.0.1:9/ims/ob/v3p0'?" in done.stderr
    assert "Traceback" not in done.stderr
