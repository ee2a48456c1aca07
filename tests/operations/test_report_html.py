"""`badgegate report`: the Allure HTML report, rendered in headless Chromium."""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from badgegate.errors import ExitCode

from .conftest import run_badgegate

if TYPE_CHECKING:
    from tests.conftest import ServeOnLoopback

pytestmark = pytest.mark.slow
FAILING_CHECK = """
import pytest

from badgegate.report import attach_evidence


@pytest.mark.allure_label("smoke", label_type="feature")
def test_discovery_answers():
    assert True


@pytest.mark.allure_label("schema", label_type="feature")
def test_served_credential_is_valid():
    attach_evidence("schema findings of legacy-7", {"pointer": "/credentialSubject"})
    assert False, "credential legacy-7 lacks credentialSubject"
"""
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--virtual-time-budget=15000",
)
SINGLE_FILE_OPEN = ("report", "--single-file", "--open", "--output")


def _chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no headless Chromium (Debian package `chromium`; .ci/run installs it)")


def _require_report_tools() -> None:
    for tool in ("node", "npm", "java"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed; `badgegate report` needs Node.js and Java")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report folder holding the Allure results of a run with a passing and a failing check."""
    _require_report_tools()
    folder = tmp_path_factory.mktemp("report")
    (folder / "test_checks.py").write_text(FAILING_CHECK, encoding="utf-8")
    results = folder / "reports" / "allure-results"
    subprocess.run(
        [
            *PYTEST,
            "--rootdir",
            str(folder),
            f"--alluredir={results}",
            str(folder / "test_checks.py"),
        ],
        cwd=folder,
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert list(results.glob("*-result.json")), "the run wrote no Allure results"
    return folder / "reports"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def _page_text(chromium: str, url: str, profile: Path) -> str:
    """The rendered page's body as text (scripts removed), after its scripts ran."""
    completed = subprocess.run(
        [chromium, *HEADLESS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    dom = completed.stdout
    body = dom[dom.find("<body") :]
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    return body


def _names(body: str, css_class: str) -> list[str]:
    pattern = rf'<div class="{css_class}[^"]*">([^<]*)<'
    return [html.unescape(name).strip() for name in re.findall(pattern, body)]


def test_report_shows_suites_and_the_failing_checks_attachment(
    report_dir: Path, tmp_path: Path, serve_on_loopback: ServeOnLoopback
) -> None:
    chromium = _chromium()
    first = run_badgegate(["report", "--report-dir", str(report_dir)], cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    output = report_dir / "allure-report"
    assert f"report at {(output / 'index.html').resolve()}" in first.stdout
    failing = [
        case
        for case in map(json.loads, map(Path.read_text, (output / "data" / "test-cases").iterdir()))
        if case["status"] == "failed"
    ]
    assert [case["name"] for case in failing] == ["test_served_credential_is_valid"]
    # Browsers will not load report data from file: URLs.
    server_url = serve_on_loopback(functools.partial(_QuietHandler, directory=str(output)))
    behaviors = _page_text(chromium, server_url + "/index.html#behaviors", tmp_path / "p1")
    assert {"smoke", "schema"} <= set(_names(behaviors, "node__name")), behaviors[:2000]
    result_url = f"{server_url}/index.html#testresult/{failing[0]['uid']}"
    result = _page_text(chromium, result_url, tmp_path / "p2")
    assert "schema findings of legacy-7" in _names(result, "attachment-row__name")
    assert "credential legacy-7 lacks credentialSubject" in result

    second = run_badgegate(["report", "--report-dir", str(report_dir)], cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "history carried over from the previous report" in second.stdout
    history = json.loads((output / "history" / "history.json").read_text(encoding="utf-8"))
    assert any(len(entry["items"]) == 2 for entry in history.values()), history


def test_single_file_report_opens_in_the_browser(report_dir: Path, tmp_path: Path) -> None:
    chromium = _chromium()
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    output = tmp_path / "single"
    result = run_badgegate(
        [*SINGLE_FILE_OPEN, str(output), "--results", str(report_dir / "allure-results")],
        cwd=tmp_path,
        env={"BROWSER": f"{browser} %s"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert [path.name for path in output.iterdir()] == ["index.html"]
    url = opened.read_text(encoding="utf-8").strip()
    assert url == (output / "index.html").resolve().as_uri()
    page = _page_text(chromium, url + "#behaviors", tmp_path / "p3")
    assert {"smoke", "schema"} <= set(_names(page, "node__name"))


def _path_without(tmp_path: Path, *kept: str) -> str:
    """A PATH holding only links to ``kept`` tools (so the others are missing)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in kept:
        found = shutil.which(tool)
        if found:
            (folder / tool).symlink_to(found)
    return str(folder)


@pytest.mark.parametrize(
    ("kept", "missing"), [((), "Node.js"), (("node", "npm"), "Java")], ids=["no-node", "no-java"]
)
def test_missing_node_or_java_is_a_clear_usage_error(
    report_dir: Path, tmp_path: Path, kept: tuple[str, ...], missing: str
) -> None:
    env = {"PATH": _path_without(tmp_path, *kept), "JAVA_HOME": str(tmp_path / "no-java")}
    result = subprocess.run(
        [sys.executable, "-m", "badgegate", "report", "--report-dir", str(report_dir)],
        cwd=tmp_path,
        env={**{k: v for k, v in os.environ.items() if k != "JAVA_HOME"}, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == ExitCode.USAGE, result.stderr
    assert f"needs {missing}" in result.stderr
    assert str(report_dir / "allure-results") in result.stderr
    assert "Traceback" not in result.stderr


def test_no_results_is_a_usage_error(tmp_path: Path) -> None:
    result = run_badgegate(["report", "--report-dir", str(tmp_path / "empty")], cwd=tmp_path)
    assert result.returncode == ExitCode.USAGE
    assert "run `badgegate run` first" in result.stderr


def test_a_folder_that_is_not_a_report_is_never_wiped(report_dir: Path, tmp_path: Path) -> None:
    keep = tmp_path / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    result = run_badgegate(
        ["report", "--report-dir", str(report_dir), "--output", str(tmp_path)], cwd=tmp_path
    )
    assert result.returncode == ExitCode.USAGE and "would be emptied" in result.stderr
    assert keep.read_text(encoding="utf-8") == "mine"
