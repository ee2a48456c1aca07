"""Hypothesis strategies for legacy data: rows that satisfy the legacy schema and hunt for trouble.

``legacy_badges()``, ``legacy_requirements()`` and ``legacy_datasets()`` generate rows of the
reference legacy tables (``badgegate.legacy.tables``) with the cases real data hides: every
unicode category (emoji, right-to-left text, combining marks, zero-width characters),
leading/trailing whitespace, NULL next to the empty string, texts up to 64 KiB, naive timestamps
on DST transitions, leap days, the years 1 and 9999, microseconds, free-text dates, the
status/progress inconsistencies, duplicate names, identical requirement descriptions, and badges
with no and with many requirements.

``unrepresentable=True`` also generates NUL bytes and unpaired surrogates, which no database
column can hold: they exist for the in-memory checks that such rows become findings, not crashes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from badgegate.legacy.dataset import LegacyDataset, LegacyRow
from badgegate.legacy.tables import STATUSES

__all__ = [
    "MAX_TEXT_BYTES",
    "legacy_badges",
    "legacy_datasets",
    "legacy_ids",
    "legacy_requirements",
    "legacy_texts",
    "legacy_timestamps",
    "scaled_examples",
]

#: The largest text generated (Hypothesis caps one drawn text; long ones repeat a chunk).
MAX_TEXT_BYTES = 64 * 1024

#: Texts that break naive code: right-to-left, combining marks, zero-width joiners, emoji
#: sequences, NFC/NFD pairs, whitespace-only, a byte order mark, markdown and SQL quoting.
NASTY_TEXTS: tuple[str, ...] = (
    "",
    " ",
    "  leading and trailing  ",
    "\t\n",
    "תג מצוינות",
    "شارة التميز",
    "e\u0301",  # NFD of é
    "\u00e9",  # NFC of é
    "Z\u0351\u0336a\u0338\u0315l\u0322go",
    "👩🏽‍🔬🏳️‍🌈",
    "a\u200bb\u200cc\u200dd\u2060e",
    "\ufeffBOM",
    "\u2028line separator\u2029",
    "'; DROP TABLE badges; --",
    "*markdown* `code` [link](https://example.org)",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "NULL",
)
#: Free-text dates as users type them, parseable or not.
FREE_DATES: tuple[str, ...] = (
    "2024-05-01",
    "2024-02-29",
    "2023-02-29",
    "0001-01-01",
    "9999-12-31",
    "2024-03-31T02:30:00",
    "2019-03-25T09:00:00+02:00",
    "31/12/2024",
    "05/28/2024",
    "next week",
    "Q3",
    "",
    " 2024-05-01 ",
)
#: Naive local times around Europe/Berlin DST changes (nonexistent and ambiguous), leap days
#: and the ends of the range.
EDGE_TIMESTAMPS: tuple[dt.datetime, ...] = (
    dt.datetime(2024, 3, 31, 2, 30),  # does not exist in Europe/Berlin
    dt.datetime(2024, 10, 27, 2, 30, 0, 500000),  # happens twice in Europe/Berlin
    dt.datetime(2021, 3, 28, 1, 59, 59, 999999),
    dt.datetime(2021, 10, 31, 2, 0),
    dt.datetime(2024, 2, 29, 12, 0),
    dt.datetime(2000, 2, 29, 23, 59, 59, 999999),
    dt.datetime(1, 1, 1, 0, 0),
    dt.datetime(1, 1, 1, 0, 30),
    dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
    dt.datetime(9999, 12, 31, 22, 0),
)
MAX_PROGRESS_OUTLIER = 2**31 - 1


def _characters(*, unrepresentable: bool) -> st.SearchStrategy[str]:
    if unrepresentable:
        return st.characters(codec=None)  # every code point, surrogates and NUL included
    return st.characters(min_codepoint=1, exclude_categories=["Cs"])


def _long_texts(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Texts of 1–64 KiB, built by repeating a generated chunk."""
    chunks = st.text(alphabet, min_size=1, max_size=16)

    def repeat(chunk: str, size: int) -> str:
        width = max(1, len(chunk.encode("utf-8", "surrogatepass")))
        return chunk * max(1, size // width)

    return st.builds(repeat, chunks, st.integers(1024, MAX_TEXT_BYTES))


def legacy_texts(
    *, nullable: bool = False, long: bool = True, unrepresentable: bool = False
) -> st.SearchStrategy[Any]:
    """Text column values: nasty fixed strings, any unicode, long texts; NULL when ``nullable``."""
    alphabet = _characters(unrepresentable=unrepresentable)
    options: list[st.SearchStrategy[Any]] = [
        st.sampled_from(NASTY_TEXTS),
        st.text(alphabet, max_size=40),
        st.builds(
            "{}{}{}".format,
            st.sampled_from(" \t\u00a0"),
            st.text(alphabet, max_size=8),
            st.sampled_from(" \n\u3000"),
        ),
    ]
    if long:
        options.append(_long_texts(alphabet))
    if nullable:
        options.insert(0, st.none())
    return st.one_of(*options)


def legacy_timestamps(*, nullable: bool = False) -> st.SearchStrategy[dt.datetime | None]:
    """Naive timestamps from year 1 to 9999 with microseconds, DST edges and leap days."""
    options: list[st.SearchStrategy[Any]] = [
        st.sampled_from(EDGE_TIMESTAMPS),
        st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59)),
        st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2030, 12, 31)),
    ]
    if nullable:
        options.insert(0, st.none())
    return st.one_of(*options)


def legacy_ids(*, unrepresentable: bool = False) -> st.SearchStrategy[str]:
    """Primary keys: short tokens, mixed case, accents, CJK and emoji (collations disagree)."""
    token = st.text(
        st.sampled_from("aAbBzZ09-_.éÉß徽章🏅 "),
        min_size=1,
        max_size=10,
    )
    any_text = st.text(_characters(unrepresentable=unrepresentable), min_size=1, max_size=12)
    return st.one_of(token, any_text)


def _progress_values() -> st.SearchStrategy[int]:
    return st.one_of(
        st.integers(0, 100),
        st.sampled_from((0, 100, 99, 1, 40)),
        st.sampled_from((-1, 101, MAX_PROGRESS_OUTLIER)),  # no CHECK constraint guards it
    )


@st.composite
def legacy_badges(
    draw: st.DrawFn,
    *,
    ids: st.SearchStrategy[str] | None = None,
    names: st.SearchStrategy[str] | None = None,
    unrepresentable: bool = False,
    long_texts: bool = True,
) -> LegacyRow:
    """One ``badges`` row with every column set (NULL, empty and nasty values included).

    ``long_texts=False`` keeps texts short (faster shrinking where size does not matter).
    """
    text = legacy_texts(long=long_texts, unrepresentable=unrepresentable)
    nullable_text = legacy_texts(nullable=True, long=long_texts, unrepresentable=unrepresentable)
    free_date = st.one_of(st.none(), st.sampled_from(FREE_DATES), nullable_text)
    return {
        "id": draw(ids if ids is not None else legacy_ids(unrepresentable=unrepresentable)),
        "name": draw(names if names is not None else text),
        "description": draw(text),
        "content": draw(nullable_text),
        "progress": draw(_progress_values()),
        "status": draw(st.sampled_from(STATUSES)),
        "created_at": draw(legacy_timestamps()),
        "updated_at": draw(legacy_timestamps(nullable=True)),
        "start_date": draw(free_date),
        "target_date": draw(free_date),
        "external_id": draw(nullable_text),
        "external_source": draw(nullable_text),
    }


@st.composite
def legacy_requirements(
    draw: st.DrawFn,
    *,
    badge_id: str | st.SearchStrategy[str] | None = None,
    ids: st.SearchStrategy[str] | None = None,
    descriptions: st.SearchStrategy[str] | None = None,
    unrepresentable: bool = False,
) -> LegacyRow:
    """One ``badge_requirements`` row (of ``badge_id`` when given)."""
    parent = badge_id if badge_id is not None else legacy_ids()
    text = legacy_texts(long=False, unrepresentable=unrepresentable)
    return {
        "id": draw(ids if ids is not None else legacy_ids(unrepresentable=unrepresentable)),
        "badge_id": draw(parent) if isinstance(parent, st.SearchStrategy) else parent,
        "description": draw(descriptions if descriptions is not None else text),
        "completed": draw(st.booleans()),
        "created_at": draw(legacy_timestamps()),
        "updated_at": draw(legacy_timestamps(nullable=True)),
    }


@st.composite
def legacy_datasets(
    draw: st.DrawFn,
    *,
    min_badges: int = 0,
    max_badges: int = 6,
    max_requirements: int = 12,
    unrepresentable: bool = False,
    long_texts: bool = True,
) -> LegacyDataset:
    """A whole legacy database: badges with 0..``max_requirements`` requirements each.

    Names and requirement descriptions are drawn partly from a small shared pool, so duplicate
    names and identical requirement descriptions are common; ids are unique per table.
    """
    badge_ids = draw(
        st.lists(
            legacy_ids(unrepresentable=unrepresentable),
            min_size=min_badges,
            max_size=max_badges,
            unique=True,
        )
    )
    pool = draw(st.lists(legacy_texts(long=False), min_size=1, max_size=3))
    shared_or_new = st.one_of(
        st.sampled_from(pool), legacy_texts(long=long_texts, unrepresentable=unrepresentable)
    )
    badges = [
        draw(
            legacy_badges(
                ids=st.just(badge_id),
                names=shared_or_new,
                unrepresentable=unrepresentable,
                long_texts=long_texts,
            )
        )
        for badge_id in badge_ids
    ]
    requirement_ids = iter(
        draw(
            st.lists(
                legacy_ids(unrepresentable=unrepresentable),
                max_size=max_requirements * max(1, len(badges)),
                unique=True,
            )
        )
    )
    requirements: list[LegacyRow] = []
    for badge_id in badge_ids:
        count = draw(st.integers(0, max_requirements))
        for requirement_id in _take(requirement_ids, count):
            requirements.append(
                draw(
                    legacy_requirements(
                        badge_id=badge_id,
                        ids=st.just(requirement_id),
                        descriptions=shared_or_new,
                        unrepresentable=unrepresentable,
                    )
                )
            )
    return LegacyDataset(badges=badges, requirements=requirements)


def _take(source: Any, count: int) -> list[str]:
    taken: list[str] = []
    for _ in range(count):
        item = next(source, None)
        if item is None:
            break
        taken.append(item)
    return taken


def scaled_examples(divisor: int, *, minimum: int = 2) -> int:
    """The active profile's ``max_examples`` divided by ``divisor`` (at least ``minimum``).

    Costly properties (a migration per example) run fewer examples than cheap ones, in the
    same proportion on every profile.
    """
    from hypothesis import settings

    active = settings.default
    examples = active.max_examples if active is not None else 100
    return max(minimum, examples // divisor)
