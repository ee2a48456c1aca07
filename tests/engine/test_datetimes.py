"""Sortable instant keys: strict RFC 3339 with a zone, ordered like the instants they name."""

from __future__ import annotations

import pytest

from badgegate.engine.model.datetimes import instant_key


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01T12:00:00Z",
        "2024-02-29T23:59:59.123456789Z",
        "0001-01-01T00:00:00Z",
        "2016-12-31T23:59:60Z",
        "1999-12-31T23:00:00.5Z",
    ],
)
def test_utc_and_zero_offset_give_the_same_key(text: str) -> None:
    key = instant_key(text)
    assert key is not None
    assert key == instant_key(text[:-1] + "+00:00")


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-29T10:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T23:60:00Z",
        "2024-13-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2024-01-01T00:00:00",
        "2024-01-01t00:00:00z",
        "2024-01-01T00:00:00+24:00",
        "2024-01-01T10:00:61Z",
    ],
)
def test_impossible_or_zoneless_instants_have_no_key(text: str) -> None:
    assert instant_key(text) is None


def test_keys_sort_like_instants_across_zones() -> None:
    instants = [
        "2024-05-01T13:30:00+02:00",
        "2024-05-01T11:30:00.000000001Z",
        "2024-05-01T07:00:01-05:00",
        "2024-05-01T12:00:00Z",
    ]
    keys = [instant_key(text) for text in instants]
    assert sorted(keys, key=str) == [keys[0], keys[1], keys[3], keys[2]]
