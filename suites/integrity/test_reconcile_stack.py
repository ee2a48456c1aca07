"""Reconcile the target's legacy database with badge-engine (read-only: every profile).

On the embedded stack the legacy database is the stack's sample data set, migrated when the
stack started; on staging it is ``legacy_db``.
"""

from __future__ import annotations

import json
from pathlib import Path

import allure
import jsonschema
import pytest

from badgegate import paths
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
    badgegate_target: Target, mapping: MigrationMapping, tmp_path: Path
) -> None:
    if badgegate_target.legacy_db is None:
        pytest.skip("not applicable: no legacy database configured (set legacy_db)")
    out = Path(badgegate_target.config.report_dir) / "integrity" / "reconcile.json"
    report = reconcile(
        badgegate_target.legacy_db,
        badgegate_target.client,
        out=out,
        state_dir=Path(badgegate_target.config.state_dir),
        mapping=mapping,
    )
    text = out.read_text(encoding="utf-8")
    attach_text("reconcile report", text, "json")
    document = json.loads(text)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)
    lost = [
        item
        for item in document["discrepancies"]
        if item["class"] != "unexpected"
        or (item["legacyId"] is not None and "lacks" not in item["message"])
    ]
    assert not lost, report.render() + "\n" + json.dumps(lost[:10], indent=1, ensure_ascii=False)
    assert document["counts"]["badges"] > 0
    assert document["summary"]["agreeingBadges"] == document["counts"]["badges"], report.render()
