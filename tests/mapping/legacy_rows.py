"""A small local Hypothesis strategy of legacy rows (the public ones: badgegate.testing.strategies).

Texts avoid NUL bytes and surrogates (tested separately: they must become findings); timestamps
cover years 1–9999, microseconds and Europe/Berlin DST changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from badgegate.legacy import STATUSES

texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)
optional_texts = st.none() | texts
_dst = st.builds(
    lambda day, second, micro: (
        dt.datetime.combine(day, dt.time(2)).replace(microsecond=micro)
        + dt.timedelta(seconds=second)
    ),
    st.sampled_from([dt.date(2024, 3, 31), dt.date(2024, 10, 27), dt.date(1996, 10, 27)]),
    st.integers(0, 3599),
    st.integers(0, 999_999),
)
timestamps = st.one_of(
    _dst,
    st.datetimes(),
    st.sampled_from([dt.datetime.min, dt.datetime.max, dt.datetime(2024, 2, 29, 12)]),
)
statuses = st.sampled_from(STATUSES) | texts


@st.composite
def legacy_badges(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One legacy badge row with 0–6 requirement rows."""
    badge_id = draw(texts)
    badge = {
        "id": badge_id,
        "name": draw(texts),
        "description": draw(texts),
        "content": draw(optional_texts),
        "progress": draw(st.integers(-(2**31), 2**31 - 1) | st.integers(0, 100)),
        "status": draw(statuses),
        "created_at": draw(timestamps),
        "updated_at": draw(st.none() | timestamps),
        "start_date": draw(optional_texts),
        "target_date": draw(optional_texts),
        "external_id": draw(optional_texts),
        "external_source": draw(optional_texts),
    }
    ids = draw(st.lists(texts, max_size=6, unique=True))
    requirements = [
        {
            "id": requirement_id,
            "badge_id": badge_id,
            "description": draw(texts),
            "completed": draw(st.booleans()),
            "created_at": draw(timestamps),
            "updated_at": draw(st.none() | timestamps),
        }
        for requirement_id in ids
    ]
    return badge, requirements
