"""Failing safely: an unreachable target, a flaky one, and Ctrl-C during `badgegate run`."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.errors import ExitCode
from badgegate.plugin import HARNESS_INI

from .conftest import badgegate_env, run_badgegate

pytest_plugins = ["pytester"]
# The pytester session is a badgegate session (the plugin stays quiet in any other).
HARNESS_SESSION = f"[pytest]\n{HARNESS_INI} = true\n"
pytestmark = pytest.mark.slow
TOKEN = "failing-safely-token-7d41c0"
TRACEBACK = "Traceback (most recent call last)"
SMOKE_AND_SCHEMA = ("run", "--suite", "smoke", "--suite", "schema")
# Show the transport's retry warnings, to prove the faults were met.
SHOW_RETRIES = ("--", "-o", "log_cli=true", "--log-cli-level=WARNING")


def _testcases(junit: Path) -> list[ET.Element]:
    assert junit.is_file(), f"no {junit}"
    return list(ET.parse(junit).iter("testcase"))


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound (so nobody else takes it), not listening."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


def test_unreachable_target_exits_3_says_what_was_tried_and_keeps_junit(
    tmp_path: Path, closed_port: int
) -> None:
    url = f"http://127.0.0.1:{closed_port}/ims/ob/v3p0"
    result = run_badgegate(
        ["run", "--engine-url", url, "--report-dir", str(tmp_path / "reports")],
        cwd=tmp_path,
        env={"BADGEGATE_ENGINE_TOKEN": TOKEN},
    )
    output = result.stdout + result.stderr
    assert result.returncode == ExitCode.UNREACHABLE, output[-3000:]
    assert f"engine at {url} refused the connection" in output
    assert "badgegate engine serve" in output and "BADGEGATE_ENGINE_URL" in output
    assert "partial reports kept" in result.stderr
    cases = _testcases(tmp_path / "reports" / "junit.xml")
    # The run stops at the first check that could not reach the target.
    assert 1 <= len(cases) <= 3
    assert TOKEN not in output


@pytest.mark.parametrize(
    ("faults", "verdict"),
    [(["flaky"], ExitCode.OK), (["flaky", "no-www-authenticate"], ExitCode.FAILED)],
    ids=["flaky-but-correct", "flaky-and-defective"],
)
def test_a_flaky_target_gets_the_right_verdict(
    tmp_path: Path, faults: list[str], verdict: ExitCode
) -> None:
    reports = ("--report-dir", str(tmp_path / "reports"))
    with EngineServer(tokens=[TokenSpec(TOKEN)], faults=faults) as server:
        result = run_badgegate(
            [*SMOKE_AND_SCHEMA, "--engine-url", server.api_url, *reports, *SHOW_RETRIES],
            cwd=tmp_path,
            env={"BADGEGATE_ENGINE_TOKEN": TOKEN},
        )
    output = result.stdout + result.stderr
    assert result.returncode == verdict, output[-3000:]
    assert "status 503; retrying" in output, "the flaky fault answered no request with 503"
    failed = [case for case in _testcases(tmp_path / "reports" / "junit.xml") if len(case)]
    if verdict == ExitCode.OK:
        assert failed == []
    else:
        assert {case.get("name", "").split("[")[0] for case in failed} == {
            "test_credentials_refuse_a_missing_or_wrong_token"
        }


class Interrupted(NamedTuple):
    """A ``badgegate run`` sent one Ctrl-C: its exit code, output, and the seconds it took
    to stop after the signal."""

    code: int
    output: str
    after_signal: str
    stopped_after: float
    signalled: bool


def _interrupt_run(tmp_path: Path, suites: list[str], when: Callable[[str], bool]) -> Interrupted:
    """Run ``badgegate run`` on ``suites`` (verbose) and send SIGINT at the first output line
    ``when`` accepts."""
    command = [sys.executable, "-m", "badgegate", "run"]
    command += [word for suite in suites for word in ("--suite", suite)]
    command += ["--report-dir", str(tmp_path / "reports"), "--", "-v"]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=badgegate_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A child of a non-interactive shell may inherit SIGINT ignored; Ctrl-C must reach it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    seen: list[str] = []
    signalled_at = None
    try:
        for line in process.stdout:
            seen.append(line)
            if when(line):
                process.send_signal(signal.SIGINT)
                signalled_at = time.monotonic()
                break
        rest = process.stdout.read()
        code = process.wait(timeout=120)
        stopped_after = time.monotonic() - (signalled_at or time.monotonic())
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "".join(seen) + rest
    return Interrupted(code, output, rest, stopped_after, signalled_at is not None)


def test_sigint_during_run_exits_130_with_junit_and_no_traceback(tmp_path: Path) -> None:
    run = _interrupt_run(tmp_path, ["smoke", "fuzz"], lambda line: " PASSED" in line)
    assert run.signalled, run.output[-3000:]
    # What came right after the signal says where it landed; the tail says how the run ended.
    assert run.code == ExitCode.INTERRUPTED, (
        f"{run.after_signal[:3000]}\n[...]\n{run.output[-1500:]}"
    )
    assert TRACEBACK not in run.output
    assert "badgegate: interrupted; partial reports kept" in run.output
    assert len(_testcases(tmp_path / "reports" / "junit.xml")) >= 1


def test_one_ctrl_c_in_a_migration_check_stops_the_run_within_5_seconds(tmp_path: Path) -> None:
    """migrate handles Ctrl-C itself (the run stays resumable); inside a check of the integrity
    suite the Ctrl-C must still stop the whole run, quickly, keeping the reports."""
    run = _interrupt_run(
        tmp_path, ["integrity"], lambda line: "test_runs.py::test_an_interrupted_migration" in line
    )
    assert run.signalled, run.output[-3000:]
    assert run.code == ExitCode.INTERRUPTED, run.output[-3000:]
    assert run.stopped_after <= 5, f"the run took {run.stopped_after:.1f} s to stop"
    assert "badgegate: interrupted; partial reports kept" in run.output
    assert (tmp_path / "reports" / "junit.xml").exists()


@pytest.mark.parametrize(
    "order",
    [
        pytest.param("", id="after-the-terminal-report-kept-it"),
        pytest.param("tryfirst=True", id="before-the-terminal-report-kept-anything"),
    ],
)
def test_an_interrupt_whose_location_cannot_be_rendered_is_still_an_interrupt(
    pytester: pytest.Pytester, order: str
) -> None:
    """pytest fails to render some interrupted frames (no line number); the run must not crash,
    whether the failure comes after pytest's terminal report kept the interrupt or before."""
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.hookimpl({order})
        def pytest_keyboard_interrupt(excinfo):
            raise TypeError("unsupported operand type(s) for -: 'NoneType' and 'int'")
        """
    )
    pytester.makepyfile(
        """
        def test_interrupted():
            raise KeyboardInterrupt
        """
    )
    pytester.makeini(HARNESS_SESSION)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED, output
    assert TRACEBACK not in output
    result.stderr.fnmatch_lines(["badgegate: interrupted (location not shown: TypeError*"])
    result.stdout.fnmatch_lines(["*KeyboardInterrupt*"])
