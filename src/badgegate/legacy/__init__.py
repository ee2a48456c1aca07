"""The reference legacy database: the team's badge tables, a seeder, and streaming readers.

Legacy rows are plain dicts keyed by column name (``str``, ``int``, ``bool``, naive
``datetime``, ``None``).
"""

from __future__ import annotations

from badgegate.legacy.database import (
    create_tables,
    describe_url,
    legacy_engine,
    read_snapshot,
)
from badgegate.legacy.dataset import (
    LegacyDataset,
    LegacyRow,
    dump_dataset,
    insert_dataset,
    load_dataset,
)
from badgegate.legacy.readers import (
    checksum,
    count_badges,
    iter_badge_ids,
    iter_badges,
)
from badgegate.legacy.seeder import SeedReport, generate_badges, generate_dataset, seed
from badgegate.legacy.tables import STATUSES, badge_requirements, badges, metadata

__all__ = [
    "STATUSES",
    "LegacyDataset",
    "LegacyRow",
    "SeedReport",
    "badge_requirements",
    "badges",
    "checksum",
    "count_badges",
    "create_tables",
    "describe_url",
    "dump_dataset",
    "generate_badges",
    "generate_dataset",
    "insert_dataset",
    "iter_badge_ids",
    "iter_badges",
    "legacy_engine",
    "load_dataset",
    "metadata",
    "read_snapshot",
    "seed",
]
