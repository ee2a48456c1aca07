"""Everything forward produces is valid OB 3.0 (credentials unsigned in this wave)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from badgegate.legacy import generate_dataset, load_dataset
from badgegate.mapping import MigratedBadge, MigrationMapping, forward
from badgegate.paths import fixtures_dir
from badgegate.validate import validate_achievement, validate_credential, validate_progress_record

from .conftest import ISSUER


@pytest.fixture(scope="module")
def migrated(mapping: MigrationMapping) -> list[MigratedBadge]:
    datasets = (
        generate_dataset(150, seed=17),
        load_dataset(fixtures_dir() / "legacy" / "sample.json"),
    )
    return [
        forward(badge, requirements, mapping=mapping, issuer=ISSUER)
        for dataset in datasets
        for badge, requirements in dataset.grouped()
    ]


def test_records_pass_the_badgegate_validator(migrated: list[MigratedBadge]) -> None:
    credentials = 0
    for badge in migrated:
        findings = validate_achievement(badge.achievement) + validate_progress_record(
            badge.progress
        )
        if badge.credential is not None:
            credentials += 1
            # Unsigned in this wave: "no-proof" is the one expected warning.
            findings += [f for f in validate_credential(badge.credential) if f.rule != "no-proof"]
        assert findings == [], [f.render() for f in findings]
    assert credentials > 10


def test_credentials_pass_the_official_schema(
    migrated: list[MigratedBadge], shared_dir: Path
) -> None:
    path = (
        shared_dir
        / "ob3-official/schemas/ob_v3p0/spec-build-formal/ob_v3p0_achievementcredential_schema.json"
    )
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker())
    achievement_schema = {"$defs": schema["$defs"], "$ref": "#/$defs/Achievement"}
    achievement_validator = jsonschema.Draft201909Validator(achievement_schema)
    for badge in migrated:
        if badge.credential is not None:
            assert list(validator.iter_errors(badge.credential)) == []
        assert list(achievement_validator.iter_errors(badge.achievement)) == []
