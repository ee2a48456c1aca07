"""Loading the mapping: the schema, then what a schema cannot say."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from badgegate.errors import ConfigError
from badgegate.legacy import badge_requirements, badges
from badgegate.mapping import MigrationMapping, default_mapping_path, parse_mapping


@pytest.fixture
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))
    return copy.deepcopy(loaded)


def test_every_legacy_column_has_a_fate(mapping: MigrationMapping) -> None:
    for table, fate in ((badges, mapping.badges), (badge_requirements, mapping.requirements)):
        assert [c.name for c in fate.columns] == [c.name for c in table.columns]
        for column in fate.columns:
            assert column.fate in ("ob3", "progress")
    assert str(mapping.namespace) == "0f96d2e5-2e3c-59cb-97c1-fb53e951eebf"
    assert mapping.timezone_name == "Europe/Berlin"
    assert [n.name for n in mapping.normalisations] == ["requirement-order"]


def _column(document: dict[str, Any], table: str, column: str) -> dict[str, Any]:
    result: dict[str, Any] = document["tables"][table]["columns"][column]
    return result


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: _column(d, "badges", "name").update(transform="txt"), "did you mean 'text'"),
        (
            lambda d: _column(d, "badges", "name").update(target="achievement:/description"),
            "share target",
        ),
        (lambda d: _column(d, "badges", "status").update(fate="dropped"), "reason"),
        (
            lambda d: _column(d, "badges", "status").update(target="achievement:/status"),
            "does not match",
        ),
        (
            lambda d: _column(d, "badge_requirements", "completed").update(
                target="progress:/completed"
            ),
            "must contain a /*/",
        ),
        (
            lambda d: _column(d, "badges", "start_date").update(target="progress:/achievement"),
            "set by the migration",
        ),
        (
            lambda d: _column(d, "badges", "progress").update(transform="naive-timestamp"),
            "cannot carry a integer",
        ),
        (lambda d: d.update(timezone="Europe/Atlantis"), "not an IANA time zone"),
        (lambda d: d.update(namespace="not-a-uuid"), "/namespace"),
        (lambda d: d["tables"].pop("badges"), '"badges" is a required property'),
    ],
)
def test_bad_mappings_are_config_errors_that_say_why(
    document: dict[str, Any], edit: Any, message: str
) -> None:
    edit(document)
    with pytest.raises(ConfigError, match=message.replace("/", "\\/").replace("*", "\\*")):
        parse_mapping(document)


def test_a_dropped_column_needs_a_reason_and_is_not_migrated(document: dict[str, Any]) -> None:
    _column(document, "badges", "external_source").clear()
    _column(document, "badges", "external_source").update(
        type="text", nullable=True, fate="dropped", reason="no consumer reads it any more"
    )
    mapping = parse_mapping(document)
    assert "external_source" not in [c.name for c in mapping.badges.migrated]


def test_unreadable_mapping_file_is_a_config_error(tmp_path: Path) -> None:
    from badgegate.mapping import load_mapping

    (tmp_path / "m.yaml").write_text("tables: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read migration mapping"):
        load_mapping(tmp_path / "m.yaml")
    with pytest.raises(ConfigError, match="cannot read migration mapping"):
        load_mapping(tmp_path / "absent.yaml")
