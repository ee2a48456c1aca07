"""The pytest plugin in real pytest sessions (pytester)."""

from __future__ import annotations

import socket

import pytest

from badgegate.plugin import HARNESS_INI

pytest_plugins = ["pytester"]
# What makes a pytester session a badgegate session (the plugin stays quiet in any other).
HARNESS_SESSION = f"[pytest]\n{HARNESS_INI} = true\n"

SKIPPING = """
import pytest

def test_needs_a_server():
    pytest.skip("no PostgreSQL server at 127.0.0.1:5432")

def test_only_for_another_target():
    pytest.skip("not applicable: the target has no batch endpoint")
"""


def test_resource_skip_stays_a_skip_by_default(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BADGEGATE_REQUIRE_ALL", raising=False)
    pytester.makeini(HARNESS_SESSION)
    pytester.makepyfile(SKIPPING)
    pytester.runpytest_inprocess().assert_outcomes(skipped=2)


def test_require_all_turns_a_resource_skip_into_a_failure(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BADGEGATE_REQUIRE_ALL", "1")
    pytester.makeini(HARNESS_SESSION)
    pytester.makepyfile(SKIPPING)
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*BADGEGATE_REQUIRE_ALL=1 requires it to run: no PostgreSQL*"])


def test_profile_option_selects_the_hypothesis_profile(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    pytester.makepyfile(
        """
        from hypothesis import settings

        def test_profile(harness_config):
            assert harness_config.profile == "nightly"
            assert settings.default.max_examples == 500
        """
    )
    pytester.runpytest_inprocess("--badgegate-profile=nightly").assert_outcomes(passed=1)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_target_exits_3_with_a_helpful_message(pytester: pytest.Pytester) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/ims/ob/v3p0"
    pytester.makepyfile(
        """
        def test_list(engine_client):
            engine_client.list_credentials(limit=1)
        """
    )
    result = pytester.runpytest_inprocess(f"--badgegate-engine-url={url}", "-p", "no:cacheprovider")
    assert result.ret == 3
    result.stdout.fnmatch_lines([f"*{url}*refused*"])


def test_summary_table_counts_outcomes_and_names_the_first_failure(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(HARNESS_SESSION)
    pytester.makepyfile(
        """
        import pytest

        def test_ok():
            pass

        def test_lost_field():
            assert {"name": "a"} == {}, "record legacy-7 lost badges.name"

        def test_skip():
            pytest.skip("not applicable: nothing to do")
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(
        [
            "*badgegate summary*",
            "suite*passed*failed*skipped",
            "tests*1*1*1",
            "*test_lost_field: AssertionError: record legacy-7 lost badges.name*",
        ]
    )


def test_another_projects_session_is_left_alone(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the ini option, a ``--badgegate-*`` option or badgegate's suites, the plugin
    neither turns skips into failures nor prints its summary nor registers its marker."""
    monkeypatch.setenv("BADGEGATE_REQUIRE_ALL", "1")
    pytester.makepyfile(SKIPPING)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(skipped=2)
    assert "badgegate summary" not in result.stdout.str()
    markers = pytester.runpytest_inprocess("--markers", "-p", "no:cacheprovider").stdout.str()
    assert "suite(name)" not in markers


def test_a_badgegate_option_makes_it_a_badgegate_session(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BADGEGATE_REQUIRE_ALL", "1")
    pytester.makepyfile(SKIPPING)
    result = pytester.runpytest_inprocess("--badgegate-profile=ci", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*badgegate summary*"])
