"""The integrity checks themselves: legacy rows against the rows recovered from served records."""

from __future__ import annotations

from badgegate.client import BadgeEngineClient
from badgegate.compare.diff import compare_rows, keyed_rows
from badgegate.compare.evidence import IntegrityVerdict
from badgegate.compare.served import (
    Rewrite,
    ServedRecords,
    expected_rows,
    migrate_in_memory,
    read_back,
    recover_dataset,
)
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping

#: The issuer of credentials made in memory (any Profile id does).
MEMORY_ISSUER = {"id": "https://issuer.example.org/profile", "type": ["Profile"]}


def verdict_for(
    dataset: LegacyDataset, served: ServedRecords, *, mapping: MigrationMapping
) -> IntegrityVerdict:
    """Recover the legacy rows from ``served`` and compare them with ``dataset``'s."""
    recovered = recover_dataset(served, mapping=mapping)
    expected = keyed_rows(*expected_rows(dataset, mapping=mapping))
    actual = keyed_rows(recovered.badges, recovered.requirements)
    return IntegrityVerdict(dataset, compare_rows(expected, actual), recovered.findings)


def check_roundtrip(
    dataset: LegacyDataset, *, mapping: MigrationMapping, rewrite: Rewrite | None = None
) -> IntegrityVerdict:
    """``recover(forward(dataset))`` against ``dataset``, in memory (``rewrite``: a lossy step)."""
    served, _ = migrate_in_memory(dataset, mapping=mapping, issuer=MEMORY_ISSUER, rewrite=rewrite)
    return verdict_for(dataset, served, mapping=mapping)


def check_engine(
    dataset: LegacyDataset, client: BadgeEngineClient, *, mapping: MigrationMapping
) -> IntegrityVerdict:
    """Read ``dataset``'s records back from badge-engine and compare them with its rows."""
    return verdict_for(dataset, read_back(client, dataset, mapping=mapping), mapping=mapping)
