"""The data contract covers the live legacy schema: every column has a declared fate."""

from __future__ import annotations

import allure
import pytest

from badgegate.cli import main
from badgegate.compare.live import load_legacy
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping, check_schema

pytestmark = [pytest.mark.suite("integrity"), allure.feature("integrity"), allure.story("mapping")]


def test_mapping_check_passes_on_the_live_legacy_schema(
    legacy_url: str, mapping: MigrationMapping, capsys: pytest.CaptureFixture[str]
) -> None:
    load_legacy(legacy_url, LegacyDataset([], []))
    findings = check_schema(legacy_url, mapping)
    assert findings == [], "\n".join(finding.render() for finding in findings)
    assert main(["mapping", "check", "--legacy-db", legacy_url]) == 0, capsys.readouterr().out
