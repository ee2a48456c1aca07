"""Migration runs keep the data: idempotence, resume, rollback and the --since catch-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import allure
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badgegate.compare import check_engine
from badgegate.compare.live import engine_snapshot, load_legacy, undo_run
from badgegate.legacy import checksum
from badgegate.legacy.dataset import LegacyDataset, LegacyRow
from badgegate.mapping import MigrationMapping
from badgegate.migrate import migrate, rollback
from badgegate.stack import Target
from badgegate.testing.strategies import legacy_datasets, scaled_examples

pytestmark = [pytest.mark.suite("integrity"), allure.feature("integrity"), allure.story("runs")]
RUNS = settings(
    max_examples=scaled_examples(8),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BEFORE_WINDOW = dt.datetime(2023, 6, 1, 12, 0)
WINDOW = dt.datetime(2024, 1, 1)


class InterruptAfter:
    """A progress display that presses Ctrl-C once ``badges`` badges are confirmed."""

    def __init__(self, badges: int) -> None:
        self.left = badges

    def start(self, total: int | None, done: int = 0) -> None:
        """Nothing to show."""

    def advance(self, badges: int) -> None:
        """Interrupt once enough badges are confirmed."""
        self.left -= badges
        if self.left <= 0:
            raise KeyboardInterrupt

    def finish(self) -> None:
        """Nothing to show."""


@pytest.fixture
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite legacy database (its tables are replaced per example)."""
    return f"sqlite:///{tmp_path_factory.mktemp('legacy') / 'legacy.sqlite3'}"


@RUNS
@given(dataset=legacy_datasets(min_badges=1, max_badges=5, max_requirements=3))
def test_a_second_migration_changes_nothing(
    dataset: LegacyDataset,
    sqlite_url: str,
    writable_target: Target,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    client = writable_target.client
    load_legacy(sqlite_url, dataset)
    first = migrate(sqlite_url, client, state_dir=tmp_path, mapping=mapping)
    try:
        before = engine_snapshot(client)
        second = migrate(sqlite_url, client, state_dir=tmp_path, mapping=mapping)
        undo_run(client, second.run_id)
        assert second.changed == 0, second.render()
        assert engine_snapshot(client) == before, (
            f"undoing run {second.run_id}, which changed nothing, changed what the engine serves"
        )
    finally:
        undo_run(client, first.run_id)


@RUNS
@given(data=st.data(), dataset=legacy_datasets(min_badges=2, max_badges=6, max_requirements=2))
def test_an_interrupted_migration_resumes_to_the_same_state(
    data: st.DataObject,
    dataset: LegacyDataset,
    sqlite_url: str,
    writable_target: Target,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    client = writable_target.client
    load_legacy(sqlite_url, dataset)
    stop_at = data.draw(st.integers(1, len(dataset.badges) - 1), label="interrupt after badge")
    cut = migrate(
        sqlite_url,
        client,
        state_dir=tmp_path,
        mapping=mapping,
        batch_size=3,
        workers=1,
        progress=InterruptAfter(stop_at),
    )
    try:
        assert cut.status == "interrupted", cut.render()
        resumed = migrate(
            sqlite_url,
            client,
            state_dir=tmp_path,
            mapping=mapping,
            run_id=cut.run_id,
            resume=True,
        )
        assert resumed.status == "completed", resumed.render()
        check_engine(dataset, client, mapping=mapping).check(
            "a resumed migration lost data", config=writable_target.config
        )
        again = migrate(sqlite_url, client, state_dir=tmp_path, mapping=mapping)
        undo_run(client, again.run_id)
        assert again.changed == 0, "a clean migration would have written something else"
    finally:
        undo_run(client, cut.run_id)


@RUNS
@given(
    earlier=legacy_datasets(min_badges=1, max_badges=4, max_requirements=2),
    dataset=legacy_datasets(min_badges=1, max_badges=4, max_requirements=2),
)
def test_rollback_restores_the_engine_and_leaves_legacy_untouched(
    earlier: LegacyDataset,
    dataset: LegacyDataset,
    sqlite_url: str,
    writable_target: Target,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    client = writable_target.client
    load_legacy(sqlite_url, earlier)
    prior = migrate(sqlite_url, client, state_dir=tmp_path, mapping=mapping)
    try:
        before = engine_snapshot(client)
        load_legacy(sqlite_url, dataset)
        legacy_before = checksum(sqlite_url)
        run = migrate(sqlite_url, client, state_dir=tmp_path, mapping=mapping)
        if run.changed:  # a run that wrote nothing has nothing to roll back
            report = rollback(client, run.run_id, legacy_db=sqlite_url, state_dir=tmp_path)
            assert not report.problems, report.render()
        assert engine_snapshot(client) == before, (
            f"after the rollback of run {run.run_id} the engine serves other records than before"
        )
        assert checksum(sqlite_url) == legacy_before, (
            f"migrating and rolling back run {run.run_id} changed the legacy database"
        )
    finally:
        undo_run(client, prior.run_id)


def _in_time(row: LegacyRow, moment: dt.datetime) -> LegacyRow:
    return {**row, "created_at": moment, "updated_at": None}


def _changed(row: LegacyRow) -> LegacyRow:
    return {**row, "name": row["name"] + " (renamed)", "updated_at": WINDOW + dt.timedelta(days=1)}


@RUNS
@given(data=st.data(), dataset=legacy_datasets(min_badges=3, max_badges=6, max_requirements=2))
def test_since_catch_up_moves_only_what_changed_and_reports_deletions(
    data: st.DataObject,
    dataset: LegacyDataset,
    sqlite_url: str,
    writable_target: Target,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    client = writable_target.client
    dataset = LegacyDataset(
        [_in_time(row, BEFORE_WINDOW) for row in dataset.badges],
        [_in_time(row, BEFORE_WINDOW) for row in dataset.requirements],
    )
    load_legacy(sqlite_url, dataset)
    full = migrate(sqlite_url, client, state_dir=tmp_path, mapping=mapping)
    ids = [row["id"] for row in dataset.badges]
    deleted = data.draw(st.sampled_from(ids), label="deleted badge")
    changed = set(data.draw(st.sets(st.sampled_from([i for i in ids if i != deleted]), min_size=1)))
    after = LegacyDataset(
        [
            _changed(row) if row["id"] in changed else row
            for row in dataset.badges
            if row["id"] != deleted
        ],
        [row for row in dataset.requirements if row["badge_id"] != deleted],
    )
    load_legacy(sqlite_url, after)
    before = engine_snapshot(client)
    catch_up = migrate(sqlite_url, client, state_dir=tmp_path, mapping=mapping, since=WINDOW)
    try:
        assert catch_up.badges == len(changed), catch_up.render()
        assert deleted in catch_up.deleted and catch_up.deleted_count == 1, catch_up.render()
        check_engine(after, client, mapping=mapping).check(
            "the catch-up lost a change", config=writable_target.config
        )
        moved = _moved(before, engine_snapshot(client))
        assert moved <= _records_of(changed, mapping), f"records outside the window moved: {moved}"
    finally:
        undo_run(client, catch_up.run_id)
        undo_run(client, full.run_id)


def _moved(before: dict[str, dict[str, object]], after: dict[str, dict[str, object]]) -> set[str]:
    return {
        record_id
        for kind in before
        for record_id in set(before[kind]) | set(after[kind])
        if before[kind].get(record_id) != after[kind].get(record_id)
    }


def _records_of(legacy_ids: set[str], mapping: MigrationMapping) -> set[str]:
    from badgegate.mapping import documents as docs

    return {
        docs.urn(mapping, kind, legacy_id)
        for legacy_id in legacy_ids
        for kind in ("achievement", "credential", "progress")
    }
