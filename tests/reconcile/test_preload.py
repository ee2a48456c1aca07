"""Preloading the engine store for large reconciliations gives exactly what migrating gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from badgegate.client import BadgeEngineClient
from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.legacy import iter_badges, read_snapshot
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping
from badgegate.mapping import documents as docs
from badgegate.reconcile import reconcile
from badgegate.streaming.planner import issuer_from_profile
from badgegate.testing.preload import preload_migration


def test_migrating_after_a_preload_changes_nothing_and_lists_keep_legacy_key_order(
    engine: EngineServer,
    tenant_spec: ClientSpec,
    client: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    issuer = issuer_from_profile(client.get_profile())
    written = preload_migration(
        legacy_db, engine.engine_db, tenant_spec.tenant, mapping=mapping, issuer=issuer, processes=2
    )
    results = load_engine(client, seeded_dataset)
    assert written == len(results) and all(result.unchanged for result in results)
    with read_snapshot(legacy_db) as connection:
        legacy_ids = [badge["id"] for badge, _ in iter_badges(connection)]
    listed = [record["id"] for record in client.iter_achievements()]
    in_key_order = [docs.urn(mapping, "achievement", legacy_id) for legacy_id in legacy_ids]
    assert listed == [urn for urn in in_key_order if urn in set(listed)]
    report = reconcile(legacy_db, client, out=tmp_path / "reconcile.json", state_dir=tmp_path)
    assert report.exit_code == 0, report.render()
