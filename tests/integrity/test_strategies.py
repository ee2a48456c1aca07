"""The legacy strategies reach the nasty cases real data hides, within the legacy schema."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from badgegate.compare.live import load_legacy
from badgegate.legacy import read_snapshot
from badgegate.legacy.dataset import LegacyDataset
from badgegate.legacy.tables import BADGE_COLUMNS, REQUIREMENT_COLUMNS, STATUSES
from badgegate.testing.strategies import (
    MAX_TEXT_BYTES,
    legacy_badges,
    legacy_datasets,
    legacy_requirements,
    legacy_texts,
)

SEARCH = settings(
    max_examples=500,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _texts(dataset: LegacyDataset) -> list[str]:
    rows = [*dataset.badges, *dataset.requirements]
    return [value for row in rows for value in row.values() if isinstance(value, str)]


def _timestamps(dataset: LegacyDataset) -> list[dt.datetime]:
    rows = [*dataset.badges, *dataset.requirements]
    return [value for row in rows for value in row.values() if isinstance(value, dt.datetime)]


CASES: dict[str, Callable[[LegacyDataset], bool]] = {
    "emoji": lambda d: any(any(ord(c) > 0x1F000 for c in t) for t in _texts(d)),
    "right-to-left": lambda d: any(
        unicodedata.bidirectional(c) in ("R", "AL") for t in _texts(d) for c in t
    ),
    "combining mark": lambda d: any(unicodedata.combining(c) for t in _texts(d) for c in t),
    "zero-width": lambda d: any("\u200b" in t or "\u200d" in t for t in _texts(d)),
    "surrounding whitespace": lambda d: any(t != t.strip() and t.strip() for t in _texts(d)),
    "empty string": lambda d: "" in _texts(d),
    "NULL": lambda d: any(row["content"] is None for row in d.badges),
    "64 KiB text": lambda d: any(len(t.encode()) > 32 * 1024 for t in _texts(d)),
    "DST gap": lambda d: dt.datetime(2024, 3, 31, 2, 30) in _timestamps(d),
    "leap day": lambda d: any((t.month, t.day) == (2, 29) for t in _timestamps(d)),
    "year 1": lambda d: any(t.year == 1 for t in _timestamps(d)),
    "year 9999": lambda d: any(t.year == 9999 for t in _timestamps(d)),
    "microseconds": lambda d: any(t.microsecond for t in _timestamps(d)),
    "free-text date": lambda d: any(
        row["target_date"] in ("next week", "Q3", "31/12/2024") for row in d.badges
    ),
    "COMPLETED below 100": lambda d: any(
        row["status"] == "COMPLETED" and row["progress"] < 100 for row in d.badges
    ),
    "duplicate names": lambda d: len({r["name"] for r in d.badges}) < len(d.badges),
    "identical requirement descriptions": lambda d: (
        len({r["description"] for r in d.requirements}) < len(d.requirements)
    ),
    "badge without requirements": lambda d: any(
        not [r for r in d.requirements if r["badge_id"] == b["id"]] for b in d.badges
    ),
    "badge with many requirements": lambda d: any(
        len([r for r in d.requirements if r["badge_id"] == b["id"]]) >= 8 for b in d.badges
    ),
}


class Reached(Exception):
    """The generated data hit the case looked for."""


def reach(strategy: st.SearchStrategy[Any], predicate: Callable[[Any], bool]) -> None:
    """Fail unless ``strategy`` generates a value satisfying ``predicate`` (no shrinking)."""

    @SEARCH
    @given(strategy)
    def search(value: Any) -> None:
        if predicate(value):
            raise Reached

    with pytest.raises(Reached):
        search()


@pytest.mark.parametrize("case", CASES)
def test_datasets_reach(case: str) -> None:
    full = case in ("64 KiB text", "badge with many requirements")
    small = legacy_datasets(max_badges=3, max_requirements=3, long_texts=False)
    reach(legacy_datasets() if full else small, CASES[case])


def test_unrepresentable_values_are_generated_only_on_request() -> None:
    def bad(text: Any) -> bool:
        return isinstance(text, str) and any(
            c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF for c in text
        )

    reach(legacy_texts(unrepresentable=True), bad)

    @settings(max_examples=300, database=None)
    @given(legacy_texts(nullable=True))
    def never(text: Any) -> None:
        assert not bad(text)
        assert text is None or len(text.encode("utf-8")) <= MAX_TEXT_BYTES

    never()


@given(dataset=legacy_datasets(max_badges=4))
def test_rows_fit_the_legacy_schema(dataset: LegacyDataset) -> None:
    ids = [row["id"] for row in dataset.badges]
    assert len(set(ids)) == len(ids)
    assert len({row["id"] for row in dataset.requirements}) == len(dataset.requirements)
    for row in dataset.badges:
        assert tuple(row) == BADGE_COLUMNS and row["status"] in STATUSES
        assert all(row[name] is not None for name in ("id", "name", "description", "created_at"))
    for row in dataset.requirements:
        assert tuple(row) == REQUIREMENT_COLUMNS and row["badge_id"] in ids
        assert isinstance(row["completed"], bool)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dataset=legacy_datasets(max_badges=3, max_requirements=3))
def test_generated_rows_round_trip_through_sqlite(dataset: LegacyDataset, tmp_path: Any) -> None:
    from badgegate.legacy import iter_badges

    url = f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
    load_legacy(url, dataset)
    with read_snapshot(url) as connection:
        stored = list(iter_badges(connection))
    assert stored == list(dataset.grouped())


@given(badge=legacy_badges(ids=st.just("b-1")), data=st.data())
def test_requirements_belong_to_the_badge_they_are_drawn_for(
    badge: dict[str, Any], data: st.DataObject
) -> None:
    requirement = data.draw(legacy_requirements(badge_id=badge["id"]))
    assert requirement["badge_id"] == "b-1"


def test_the_public_strategies_are_still_importable_from_badgegate_strategies() -> None:
    from badgegate import strategies
    from badgegate.testing import strategies as home

    assert strategies.__all__ == home.__all__
    for name in home.__all__:
        assert getattr(strategies, name) is getattr(home, name)
