"""Failure text in real pytest sessions: ``redact_fields`` and secrets kept out of the console,
``junit.xml`` and Allure's status, whatever part of the failure carries them."""

from __future__ import annotations

import json

import pytest

from badgegate.plugin import HARNESS_INI
from badgegate.report import fingerprint

pytest_plugins = ["pytester"]
# The pytester sessions are badgegate sessions (the plugin stays quiet in any other).
HARNESS_SESSION = f"[pytest]\n{HARNESS_INI} = true\n"

NOTE = "private note of Ada canary-5e21"
EMAIL = "ada.canary-93f0@example.org"
TOKEN = "failure-text-token-c4d8e2a1"
CHECKS = f"""
import json
import logging
import os

from hypothesis import Phase, given, settings, strategies as st

from badgegate.transport import register_secret

NOTE = {NOTE!r}
EMAIL = {EMAIL!r}
register_secret(os.environ["FAILURE_TEXT_TOKEN"])


def _compare(row):
    assert row == {{**row, "content": "expected"}}, json.dumps(row)


def test_assertion_message_and_traceback_arguments():
    print(json.dumps({{"content": NOTE, "email": EMAIL}}))
    logging.getLogger("badgegate.check").warning("sent %s", json.dumps({{"email": EMAIL}}))
    _compare({{"id": "b-1", "content": NOTE, "email": EMAIL}})


ROWS = st.fixed_dictionaries(
    {{"id": st.just("b-2"), "content": st.just(NOTE), "email": st.just(EMAIL)}}
)


@settings(database=None, derandomize=True, phases=[Phase.generate, Phase.shrink])
@given(ROWS)
def test_falsifying_example(row):
    assert not row, "the row must be empty"


def test_secret_in_a_message():
    token = os.environ["FAILURE_TEXT_TOKEN"]
    raise AssertionError(f"engine answered 500 to a request with Bearer {{token}}")
"""


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The secret the checks register, from the environment like every secret."""
    monkeypatch.setenv("FAILURE_TEXT_TOKEN", TOKEN)


def _run(pytester: pytest.Pytester, *options: str) -> tuple[str, str, list[dict[str, object]]]:
    """Run the failing checks; return the console, ``junit.xml`` and the Allure results.

    Schemathesis' plugin is loaded, as in every suite run: its import blanks the values of
    Hypothesis' failing test case process-wide unless badgegate's plugin restores the printer.
    """
    pytester.makepyfile(test_checks=CHECKS)
    pytester.makeini(HARNESS_SESSION)
    junit = pytester.path / "junit.xml"
    allure = pytester.path / "allure-results"
    result = pytester.runpytest_subprocess(
        f"--junitxml={junit}",
        f"--alluredir={allure}",
        "-rA",
        "-p",
        "no:cacheprovider",
        *options,
    )
    result.assert_outcomes(failed=3)
    console = result.stdout.str() + result.stderr.str()
    results = [json.loads(path.read_text()) for path in allure.glob("*-result.json")]
    return console, junit.read_text(encoding="utf-8"), results


def _leaks(console: str, junit: str, results: list[dict[str, object]]) -> list[str]:
    outputs = {"console": console, "junit.xml": junit, "allure": json.dumps(results)}
    return [
        f"{value!r} in {name}"
        for name, text in outputs.items()
        for value in (NOTE, EMAIL, TOKEN)
        if value in text
    ]


def test_redact_fields_are_masked_in_every_part_of_the_failure_text(
    pytester: pytest.Pytester,
) -> None:
    console, junit, results = _run(pytester, "--badgegate-redact-fields=content,email")
    assert not _leaks(console, junit, results)
    # Message, traceback arguments, captured output and logs, falsifying example.
    assert console.count("'content': '***'") >= 2 and '"content": "***"' in console
    assert "test_falsifying_example(" in console and "row={'id': 'b-2'" in console
    assert '"email": "***"' in junit and "Bearer ***" in junit


def test_staging_hashes_them_so_failures_still_match_records(pytester: pytest.Pytester) -> None:
    console, junit, results = _run(
        pytester, "--badgegate-profile=staging", "--badgegate-redact-fields=content,email"
    )
    assert not _leaks(console, junit, results)
    assert f"'content': '{fingerprint(NOTE)}'" in console
    assert f'"email": "{fingerprint(EMAIL)}"' in junit


def test_without_redact_fields_the_grep_finds_the_values(pytester: pytest.Pytester) -> None:
    """The control: the same failures show the values when nothing asks to redact them, so the
    checks above would see a leak; secrets are masked whatever the config."""
    console, junit, results = _run(pytester)
    leaks = _leaks(console, junit, results)
    for name in ("console", "junit.xml", "allure"):
        assert f"{NOTE!r} in {name}" in leaks and f"{EMAIL!r} in {name}" in leaks
    assert not [leak for leak in leaks if TOKEN in leak]


def test_allure_status_carries_the_redacted_message(pytester: pytest.Pytester) -> None:
    _, _, results = _run(pytester, "--badgegate-redact-fields=content,email")
    details = [result["statusDetails"] for result in results]
    assert all(NOTE not in json.dumps(detail) for detail in details)
    assert any("***" in str(detail.get("message")) for detail in details)  # type: ignore[union-attr]
