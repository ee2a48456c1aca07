"""The public Hypothesis strategies for legacy data, importable from here as they always were.

They live in :mod:`badgegate.testing.strategies` (with the rest of what exists to test
migrations); this module re-exports its public names.
"""

from __future__ import annotations

from badgegate.testing.strategies import (
    MAX_TEXT_BYTES,
    legacy_badges,
    legacy_datasets,
    legacy_ids,
    legacy_requirements,
    legacy_texts,
    legacy_timestamps,
    scaled_examples,
)

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
