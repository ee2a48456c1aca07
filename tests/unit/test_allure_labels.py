"""Allure labels: each check counted once, and severities that say what a failure means."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from badgegate.allure_results import severity_of

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("suite", "name", "severity"),
    [
        ("integrity", "test_migrated_badges_read_back_as_the_legacy_rows", "critical"),
        ("smoke", "test_credentials_refuse_a_missing_or_wrong_token", "critical"),
        ("fuzz", "test_protected_operations_refuse_a_token_lacking_their_scope", "critical"),
        ("fuzz", "test_protected_operations_refuse_what_is_no_valid_token", "critical"),
        ("smoke", "test_paging_headers_follow_limit_offset_and_total", "minor"),
        ("smoke", "test_discovery_describes_oauth2_without_auth", "blocker"),
        ("fuzz", "test_operation", "normal"),
    ],
)
def test_severity_follows_what_a_failure_means(suite: str, name: str, severity: str) -> None:
    assert severity_of(suite, name) == severity


def test_each_suite_check_carries_one_feature_and_one_story(tmp_path: Path) -> None:
    """The integrity suite names its stories itself; the plugin must not add a second one
    (Allure would count such a check twice in its behaviours)."""
    results = tmp_path / "allure"
    outcome = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(REPO_ROOT / "suites" / "integrity" / "test_roundtrip.py"),
            "-q",
            "-p",
            "no:cacheprovider",
            f"--alluredir={results}",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert outcome.returncode == 0, outcome.stdout[-2000:]
    found = [json.loads(path.read_text()) for path in results.glob("*-result.json")]
    assert found
    for result in found:
        labels = [label["name"] for label in result["labels"]]
        for name in ("feature", "story", "severity"):
            assert labels.count(name) == 1, (result["name"], result["labels"])
