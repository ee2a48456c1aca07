"""Reconcile the target's legacy database with badge-engine (read-only: every profile).

On staging the legacy database is ``legacy_db`` and badge-engine is the target. On the embedded
stack the other suites write into the shared engine on purpose (fuzzing, contracts), so the
stack's sample legacy database is migrated into an engine of this check's own and reconciled
there, strictly: every badge must agree and nothing else may be served.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import allure
import jsonschema
import pytest

from badgegate import paths
from badgegate.client import BadgeEngineClient
from badgegate.compare import attach_text
from badgegate.mapping import MigrationMapping
from badgegate.reconcile import reconcile
from badgegate.stack import Target

pytestmark = [
    pytest.mark.suite("integrity"),
    allure.feature("integrity"),
    allure.story("reconcile"),
]
SCHEMA = paths.schemas_dir() / "reports" / "reconcile-report.schema.json"


def test_every_legacy_badge_is_intact_in_badge_engine(
    migration_target: Target, mapping: MigrationMapping, tmp_path: Path
) -> None:
    if migration_target.legacy_db is None:
        pytest.skip("not applicable: no legacy database configured (set legacy_db)")
    out = Path(migration_target.config.report_dir) / "integrity" / "reconcile.json"
    if migration_target.embedded:
        with _freshly_migrated(migration_target.legacy_db, tmp_path) as client:
            report = reconcile(
                migration_target.legacy_db,
                client,
                out=out,
                state_dir=tmp_path,
                mapping=mapping,
                config=migration_target.config,
            )
    else:
        report = reconcile(
            migration_target.legacy_db,
            migration_target.client,
            out=out,
            state_dir=Path(migration_target.config.state_dir),
            mapping=mapping,
            config=migration_target.config,
        )
    text = out.read_text(encoding="utf-8")
    attach_text("reconcile report", text, "json", config=migration_target.config)
    document = json.loads(text)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    if migration_target.embedded:
        assert report.exit_code == 0, report.render()
    lost = [
        item
        for item in document["discrepancies"]
        if item["class"] != "unexpected"
        or (item["legacyId"] is not None and "lacks" not in item["message"])
    ]
    assert not lost, report.render() + "\n" + json.dumps(lost[:10], indent=1, ensure_ascii=False)
    assert document["counts"]["badges"] > 0
    assert document["summary"]["agreeingBadges"] == document["counts"]["badges"], report.render()


@contextlib.contextmanager
def _freshly_migrated(legacy_db: str, folder: Path) -> Iterator[BadgeEngineClient]:
    """A reference engine of its own holding exactly the migration of ``legacy_db``."""
    from badgegate.engine.server import ClientSpec, EngineServer
    from badgegate.migrate import migrate

    spec = ClientSpec("reconcile-check", secrets.token_urlsafe(24), tenant="reconcile")
    with (
        EngineServer(clients=[spec]) as server,
        BadgeEngineClient(
            server.api_url, client_id=spec.client_id, client_secret=spec.client_secret
        ) as client,
    ):
        summary = migrate(legacy_db, client, state_dir=folder / "migration")
        assert summary.exit_code == 0, summary.render()
        yield client
