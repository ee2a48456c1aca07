"""Streaming readers: key order equals Python's str order, grouping, since, read-only, checksum."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from badgegate.errors import ConfigError, TargetUnreachable
from badgegate.legacy import (
    LegacyDataset,
    checksum,
    create_tables,
    generate_dataset,
    insert_dataset,
    iter_badge_ids,
    iter_badges,
    legacy_engine,
    load_dataset,
    read_snapshot,
    seed,
)
from badgegate.legacy.dataset import dump_dataset

# Orders differ between code point order and a locale collation (case, accents, punctuation).
AWKWARD_IDS = ["b", "B", "a", "_x", "ä", "Z", "é", "e", "🏅", "a b", "a-b", "ab", "Ab", "10", "9"]
T0 = dt.datetime(2024, 3, 31, 2, 30, 0, 1)


def _dataset(ids: list[str]) -> LegacyDataset:
    badges = [
        {
            "id": badge_id,
            "name": badge_id,
            "description": "",
            "content": None,
            "progress": 0,
            "status": "NOT_STARTED",
            "created_at": T0 + dt.timedelta(days=i),
            "updated_at": None,
            "start_date": None,
            "target_date": None,
            "external_id": None,
            "external_source": None,
        }
        for i, badge_id in enumerate(ids)
    ]
    requirements = [
        {
            "id": f"{suffix}{badge_id}",
            "badge_id": badge_id,
            "description": suffix,
            "completed": suffix == "Z",
            "created_at": T0,
            "updated_at": None,
        }
        for badge_id in ids[::2]
        for suffix in ("z", "Z", "ä")
    ]
    return LegacyDataset(badges=badges, requirements=requirements)


@pytest.fixture
def awkward(legacy_url: str) -> str:
    engine = legacy_engine(legacy_url)
    create_tables(engine)
    insert_dataset(engine, _dataset(AWKWARD_IDS))
    engine.dispose()
    return legacy_url


def test_badges_stream_in_python_str_order_with_their_requirements(awkward: str) -> None:
    with read_snapshot(awkward) as connection:
        streamed = list(iter_badges(connection))
        ids = list(iter_badge_ids(connection))
    assert ids == sorted(AWKWARD_IDS)
    assert [badge["id"] for badge, _ in streamed] == sorted(AWKWARD_IDS)
    assert streamed == list(_dataset(AWKWARD_IDS).grouped())
    for badge, requirements in streamed:
        assert all(row["badge_id"] == badge["id"] for row in requirements)
        assert [row["id"] for row in requirements] == sorted(row["id"] for row in requirements)


def test_since_keeps_badges_changed_themselves_or_through_a_requirement(awkward: str) -> None:
    since = T0 + dt.timedelta(days=len(AWKWARD_IDS) - 2)
    with read_snapshot(awkward) as connection:
        recent = [badge["id"] for badge, _ in iter_badges(connection, since=since)]
    assert recent == sorted(AWKWARD_IDS[-2:])
    engine = legacy_engine(awkward)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE badge_requirements SET updated_at = :t WHERE badge_id = :b"),
            {"t": since, "b": AWKWARD_IDS[0]},
        )
    engine.dispose()
    with read_snapshot(awkward) as connection:
        recent = [badge["id"] for badge, _ in iter_badges(connection, since=since)]
    assert recent == sorted([AWKWARD_IDS[0], *AWKWARD_IDS[-2:]])


def test_snapshot_refuses_writes(awkward: str) -> None:
    with (
        pytest.raises(sa.exc.DBAPIError),
        read_snapshot(awkward) as connection,
    ):
        connection.exec_driver_sql("DELETE FROM badges")


def test_checksum_is_equal_across_databases_and_changes_with_any_row(
    sqlite_url: str, postgres_url: str
) -> None:
    seed(sqlite_url, badges=60, seed=9)
    seed(postgres_url, badges=60, seed=9)
    before = checksum(sqlite_url)
    assert before.startswith("sha256:")
    assert checksum(postgres_url) == before
    engine = legacy_engine(sqlite_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE badge_requirements SET completed = NOT completed "
            "WHERE id = (SELECT min(id) FROM badge_requirements)"
        )
    engine.dispose()
    assert checksum(sqlite_url) != before


def test_checksum_sees_an_added_column(sqlite_url: str) -> None:
    seed(sqlite_url, badges=5, seed=1)
    before = checksum(sqlite_url)
    engine = legacy_engine(sqlite_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE badges ADD COLUMN note text")
    engine.dispose()
    assert checksum(sqlite_url) != before


def test_fixture_data_set_loads_and_stores_on_both_databases(legacy_url: str) -> None:
    from badgegate.paths import fixtures_dir

    dataset = load_dataset(fixtures_dir() / "legacy" / "sample.json")
    engine = legacy_engine(legacy_url)
    create_tables(engine)
    insert_dataset(engine, dataset)
    engine.dispose()
    with read_snapshot(legacy_url) as connection:
        assert list(iter_badges(connection)) == list(dataset.grouped())


def test_data_set_file_round_trips(tmp_path: Path) -> None:
    dataset = generate_dataset(30, seed=4)
    dump_dataset(dataset, tmp_path / "set.json")
    assert load_dataset(tmp_path / "set.json") == dataset


def test_bad_urls_and_missing_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a SQLAlchemy URL"):
        legacy_engine("not a url")
    with pytest.raises(ConfigError, match="nosuchdialect"):
        legacy_engine("nosuchdialect://x/y")
    missing = tmp_path / "missing.sqlite3"
    with pytest.raises(TargetUnreachable, match=r"missing\.sqlite3"):
        checksum(f"sqlite:///{missing}")
    assert not missing.exists()
