"""Live: legacy database (SQLite and PostgreSQL) -> migrate -> badge-engine -> read back -> rows."""

from __future__ import annotations

from pathlib import Path

import allure
import pytest
from hypothesis import HealthCheck, given, settings

from badgegate.compare import check_engine
from badgegate.compare.live import load_legacy, undo_run
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping
from badgegate.migrate import migrate
from badgegate.stack import Target
from badgegate.testing.strategies import legacy_datasets, scaled_examples

pytestmark = [pytest.mark.suite("integrity"), allure.feature("integrity"), allure.story("live")]


@settings(
    max_examples=scaled_examples(5), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(dataset=legacy_datasets(max_badges=5, max_requirements=4))
def test_migrated_badges_read_back_as_the_legacy_rows(
    dataset: LegacyDataset,
    legacy_url: str,
    writable_target: Target,
    mapping: MigrationMapping,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    client = writable_target.client
    load_legacy(legacy_url, dataset)
    state_dir = tmp_path_factory.mktemp("state")
    summary = migrate(legacy_url, client, state_dir=state_dir, mapping=mapping)
    try:
        assert summary.status == "completed", summary.render()
        check_engine(dataset, client, mapping=mapping).check(
            f"badge-engine serves something else than the legacy rows ({Path(legacy_url).name})",
            config=writable_target.config,
        )
    finally:
        undo_run(client, summary.run_id)
