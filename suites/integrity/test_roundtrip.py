"""In memory: recover(forward(rows)) gives the legacy rows back, declared normalisations aside."""

from __future__ import annotations

import allure
import pytest
from hypothesis import given

from badgegate.compare import check_roundtrip
from badgegate.config import HarnessConfig
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping
from badgegate.testing.strategies import legacy_datasets

pytestmark = [
    pytest.mark.suite("integrity"),
    allure.feature("integrity"),
    allure.story("round trip"),
]


@given(dataset=legacy_datasets())
def test_recover_of_forward_gives_the_legacy_rows_back(
    dataset: LegacyDataset, mapping: MigrationMapping, harness_config: HarnessConfig
) -> None:
    check_roundtrip(dataset, mapping=mapping).check(
        "recover(forward(rows)) differs from rows", config=harness_config
    )


@given(dataset=legacy_datasets(unrepresentable=True, max_badges=4))
def test_unrepresentable_rows_become_findings_and_the_rest_survives(
    dataset: LegacyDataset, mapping: MigrationMapping, harness_config: HarnessConfig
) -> None:
    check_roundtrip(dataset, mapping=mapping).check(
        "rows around unrepresentable ones were lost", config=harness_config
    )
