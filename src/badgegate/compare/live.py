"""What the live integrity checks do around a migration: load legacy rows, snapshot, undo."""

from __future__ import annotations

from typing import Any

from badgegate.client import BadgeEngineClient, NotFound
from badgegate.legacy import create_tables, legacy_engine
from badgegate.legacy.dataset import LegacyDataset, insert_dataset

Snapshot = dict[str, dict[str, Any]]


def load_legacy(url: str, dataset: LegacyDataset) -> None:
    """Replace the legacy tables at ``url`` with exactly ``dataset``'s rows."""
    engine = legacy_engine(url)
    try:
        create_tables(engine, replace=True)
        insert_dataset(engine, dataset)
    finally:
        engine.dispose()


def engine_snapshot(client: BadgeEngineClient) -> Snapshot:
    """Every record the client's tenant is served, by kind and record id."""
    return {
        "achievement": {str(r.get("id")): r for r in client.iter_achievements()},
        "credential": {
            str(r.get("id")) if isinstance(r, dict) else r: r for r in client.iter_credentials()
        },
        "progress": {str(r.get("id")): r for r in client.iter_progress()},
    }


def undo_run(client: BadgeEngineClient, run_id: str) -> None:
    """Roll run ``run_id`` back in badge-engine (nothing to do when it wrote nothing)."""
    try:
        client.rollback_run(run_id)
    except NotFound:
        return
