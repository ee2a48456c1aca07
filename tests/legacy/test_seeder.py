"""The seeder: deterministic per seed, realistic shares, and stored exactly as generated."""

from __future__ import annotations

import collections
import datetime as dt
import zoneinfo

import pytest

from badgegate.legacy import (
    STATUSES,
    LegacyDataset,
    generate_dataset,
    iter_badges,
    read_snapshot,
    seed,
)
from badgegate.legacy.seeder import INCONSISTENCY_RATES

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def sample() -> LegacyDataset:
    return generate_dataset(3000, seed=11)


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    assert generate_dataset(50, seed=5) == generate_dataset(50, seed=5)
    assert generate_dataset(50, seed=5) != generate_dataset(50, seed=6)


def test_statuses_are_all_present_and_mostly_unfinished(sample: LegacyDataset) -> None:
    shares = collections.Counter(badge["status"] for badge in sample.badges)
    assert set(shares) == set(STATUSES)
    assert shares["COMPLETED"] < len(sample.badges) * 0.25
    assert shares["NOT_STARTED"] + shares["IN_PROGRESS"] > len(sample.badges) / 2


def test_requirement_counts_span_zero_to_twelve(sample: LegacyDataset) -> None:
    counts = collections.Counter(requirement["badge_id"] for requirement in sample.requirements)
    per_badge = [counts.get(badge["id"], 0) for badge in sample.badges]
    assert min(per_badge) == 0
    assert max(per_badge) == 12


def test_every_nullable_column_holds_null(sample: LegacyDataset) -> None:
    for column in (
        "content",
        "updated_at",
        "start_date",
        "target_date",
        "external_id",
        "external_source",
    ):
        assert any(badge[column] is None for badge in sample.badges), column
    assert any(row["updated_at"] is None for row in sample.requirements)


def test_documented_inconsistencies_occur_at_about_their_rates(sample: LegacyDataset) -> None:
    completed = [badge for badge in sample.badges if badge["status"] == "COMPLETED"]
    below = sum(badge["progress"] < 100 for badge in completed) / len(completed)
    rate = INCONSISTENCY_RATES["completed_below_100"]
    assert rate / 3 < below < rate * 3
    done_requirements = {row["badge_id"] for row in sample.requirements if row["completed"]}
    not_started = [b for b in sample.badges if b["status"] == "NOT_STARTED"]
    assert any(badge["id"] in done_requirements for badge in not_started)


def test_timestamps_fall_on_dst_changes_and_are_naive(sample: LegacyDataset) -> None:
    stamps = [badge["created_at"] for badge in sample.badges]
    assert all(stamp.tzinfo is None for stamp in stamps)
    gaps = [s for s in stamps if _round_trips_differently(s)]
    folds = [s for s in stamps if s.replace(fold=1).utcoffset() != s.utcoffset() or _ambiguous(s)]
    assert gaps, "no nonexistent local time seeded"
    assert folds, "no ambiguous local time seeded"


def _round_trips_differently(stamp: dt.datetime) -> bool:
    local = stamp.replace(tzinfo=BERLIN)
    return local.astimezone(dt.UTC).astimezone(BERLIN).replace(tzinfo=None) != stamp


def _ambiguous(stamp: dt.datetime) -> bool:
    first, second = stamp.replace(tzinfo=BERLIN, fold=0), stamp.replace(tzinfo=BERLIN, fold=1)
    return first.utcoffset() != second.utcoffset() and not _round_trips_differently(stamp)


def test_texts_cover_unicode_markdown_long_and_empty(sample: LegacyDataset) -> None:
    texts = [badge["name"] for badge in sample.badges] + [
        badge["content"] for badge in sample.badges if badge["content"] is not None
    ]
    joined = "".join(texts)
    for needle in ("\u0301", "\u200b", "👩🏽\u200d💻", "למידה", "تعلم", "𝔘", "\t"):
        assert needle in joined, repr(needle)
    assert any(text.startswith("#") or "```" in text for text in texts)
    long_texts = [text for text in texts if len(text.encode("utf-8")) >= 4096]
    assert long_texts and max(len(t.encode("utf-8")) for t in long_texts) <= 64 * 1024
    assert any(badge["content"] == "" for badge in sample.badges)


def test_free_text_dates_and_external_sources_vary(sample: LegacyDataset) -> None:
    dates = {badge["target_date"] for badge in sample.badges}
    assert {"", "2023-02-30", "ASAP"} <= dates
    assert any(date and date[:4].isdigit() and date[4:5] == "-" for date in dates)
    sources = {badge["external_source"] for badge in sample.badges}
    assert len(sources - {None}) >= 5
    assert any(b["external_id"] and not b["external_source"] for b in sample.badges)


def test_seeded_database_holds_exactly_the_generated_rows(legacy_url: str) -> None:
    report = seed(legacy_url, badges=120, seed=3)
    expected = generate_dataset(120, seed=3)
    assert (report.badges, report.requirements) == (120, len(expected.requirements))
    with read_snapshot(legacy_url) as connection:
        stored = list(iter_badges(connection))
    assert stored == list(expected.grouped())
