"""Hypothesis's failing test case shows the generated data in full and fixtures as labels."""

from __future__ import annotations

import pytest

from badgegate.config import HarnessConfig
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import load_mapping
from badgegate.report.examples import EvidencePrinter, fixture_label


def _printed(obj: object) -> str:
    printer = EvidencePrinter()
    printer.pretty(obj)
    printer.flush()
    return printer.getvalue()


def test_harness_and_pytest_objects_print_as_labels(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> None:
    assert _printed(HarnessConfig()) == "<fixture HarnessConfig>"
    assert _printed(load_mapping()) == "<fixture MigrationMapping>"
    assert _printed(tmp_path_factory) == "<fixture TempPathFactory>"
    assert fixture_label(request) is not None


def test_generated_data_prints_in_full() -> None:
    dataset = LegacyDataset(badges=[{"id": "legacy-7", "name": "Read the manual"}], requirements=[])
    shown = _printed({"dataset": dataset, "rows": [1, "two"]})
    assert "legacy-7" in shown and "Read the manual" in shown and "'two'" in shown
    assert fixture_label(dataset) is None
