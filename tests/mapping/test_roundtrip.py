"""recover(forward(x)) == x for every legacy row, up to the mapping's declared normalisations."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badgegate.legacy import generate_dataset, load_dataset
from badgegate.mapping import MigrationMapping, forward, normalise, recover
from badgegate.paths import fixtures_dir

from .conftest import ISSUER
from .legacy_rows import legacy_badges, texts

Rows = tuple[dict[str, Any], list[dict[str, Any]]]


def _served(record: Any) -> Any:
    """What a JSON store serves back: the record through JSON text."""
    return None if record is None else json.loads(json.dumps(record, ensure_ascii=False))


def _round_trip(
    badge: dict[str, Any], requirements: list[dict[str, Any]], mapping: MigrationMapping
) -> Rows:
    migrated = forward(badge, requirements, mapping=mapping, issuer=ISSUER)
    assert migrated.representable, [finding.render() for finding in migrated.findings]
    return recover(
        _served(migrated.achievement),
        _served(migrated.credential),
        _served(migrated.progress),
        mapping=mapping,
    )


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legacy_badges())
def test_recover_inverts_forward_on_generated_rows(mapping: MigrationMapping, rows: Rows) -> None:
    badge, requirements = rows
    assert _round_trip(badge, requirements, mapping) == normalise(
        badge, requirements, mapping=mapping
    )


@settings(deadline=None)
@given(legacy_badges(), st.randoms())
def test_requirement_order_is_the_only_normalisation(
    mapping: MigrationMapping, rows: Rows, random: Any
) -> None:
    badge, requirements = rows
    shuffled = list(requirements)
    random.shuffle(shuffled)
    expected = (badge, sorted(requirements, key=lambda row: row["id"]))
    assert _round_trip(badge, shuffled, mapping) == expected


def test_seeded_and_fixture_data_round_trip(mapping: MigrationMapping) -> None:
    for dataset in (
        generate_dataset(300, seed=21),
        load_dataset(fixtures_dir() / "legacy" / "sample.json"),
    ):
        for badge, requirements in dataset.grouped():
            assert _round_trip(badge, requirements, mapping) == (badge, requirements)


def test_null_and_empty_content_stay_distinct(mapping: MigrationMapping) -> None:
    badge, _ = next(iter(generate_dataset(1, seed=1).grouped()))
    for content, criteria in ((None, {}), ("", {"narrative": ""})):
        row = badge | {"content": content}
        migrated = forward(row, [], mapping=mapping, issuer=ISSUER)
        assert migrated.achievement is not None
        assert migrated.achievement["criteria"] == criteria
        assert _round_trip(row, [], mapping)[0]["content"] == content


@pytest.mark.parametrize(
    ("local", "valid_from"),
    [
        (
            dt.datetime(2024, 3, 31, 2, 30),
            "2024-03-31T01:30:00Z",
        ),  # nonexistent: offset before (+01:00)
        (
            dt.datetime(2024, 10, 27, 2, 30),
            "2024-10-27T00:30:00Z",
        ),  # ambiguous: first pass (+02:00)
        (dt.datetime(2024, 10, 27, 3, 0), "2024-10-27T02:00:00Z"),
        (dt.datetime(2024, 7, 1, 12, 0, 0, 5), "2024-07-01T10:00:00.000005Z"),
    ],
)
def test_dst_timestamps_give_valid_from_and_come_back_naive(
    mapping: MigrationMapping, local: dt.datetime, valid_from: str
) -> None:
    badge, _ = next(iter(generate_dataset(1, seed=2).grouped()))
    row = badge | {"status": "COMPLETED", "progress": 100, "updated_at": local}
    migrated = forward(row, [], mapping=mapping, issuer=ISSUER)
    assert migrated.credential is not None
    assert migrated.credential["validFrom"] == valid_from
    recovered = _round_trip(row, [], mapping)[0]
    assert recovered["updated_at"] == local
    assert recovered["updated_at"].fold == 0


def test_forward_is_deterministic(mapping: MigrationMapping) -> None:
    dataset = generate_dataset(20, seed=8)
    first = [forward(b, r, mapping=mapping, issuer=ISSUER) for b, r in dataset.grouped()]
    second = [forward(b, r, mapping=mapping, issuer=ISSUER) for b, r in dataset.grouped()]
    assert first == second


@given(texts)
def test_legacy_id_survives_any_text(mapping: MigrationMapping, legacy_id: str) -> None:
    badge, _ = next(iter(generate_dataset(1, seed=3).grouped()))
    row = badge | {"id": legacy_id}
    assert _round_trip(row, [], mapping)[0]["id"] == legacy_id
