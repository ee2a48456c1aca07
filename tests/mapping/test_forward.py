"""forward: the records, the findings for inconsistent and unrepresentable rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegate.findings import has_errors
from badgegate.ids import RECORD_KINDS, record_urn
from badgegate.legacy import generate_dataset
from badgegate.legacy.tables import STATUSES
from badgegate.mapping import MigrationMapping, forward, load_mapping
from badgegate.mapping import documents as docs
from badgegate.mapping.legacy_checks import _ABSENT, _plainly_fits_row, _value_problem
from badgegate.mapping.plan import RowPlan, Step, place_row
from badgegate.testing.strategies import legacy_badges

from .conftest import ISSUER


def _badge(**changes: Any) -> dict[str, Any]:
    badge = {
        "id": "legacy-1",
        "name": "Kubernetes",
        "description": "Run a cluster",
        "content": "# Go",
        "progress": 100,
        "status": "COMPLETED",
        "created_at": dt.datetime(2024, 1, 5, 9),
        "updated_at": None,
        "start_date": "2024-01-01",
        "target_date": "2024-06-30",
        "external_id": None,
        "external_source": None,
    }
    return badge | changes


def _requirement(requirement_id: str, completed: bool, **changes: Any) -> dict[str, Any]:
    row = {
        "id": requirement_id,
        "badge_id": "legacy-1",
        "description": f"step {requirement_id}",
        "completed": completed,
        "created_at": dt.datetime(2024, 1, 6),
        "updated_at": None,
    }
    return row | changes


def test_completed_badge_gets_achievement_credential_and_progress(
    mapping: MigrationMapping,
) -> None:
    requirements = [_requirement("r2", True), _requirement("r1", True)]
    migrated = forward(_badge(), requirements, mapping=mapping, issuer=ISSUER)
    ns = mapping.namespace
    achievement, credential, progress = migrated.achievement, migrated.credential, migrated.progress
    assert achievement is not None and credential is not None and progress is not None
    assert achievement["id"] == record_urn(ns, "achievement", "legacy-1")
    assert migrated.achievement_key == uuid.uuid5(ns, "achievement:legacy-1")
    assert migrated.progress_key == uuid.uuid5(ns, "progress:legacy-1")
    assert migrated.credential_key == uuid.uuid5(ns, "credential:legacy-1")
    assert achievement["otherIdentifier"] == [
        {"type": "IdentifierEntry", "identifier": "legacy-1", "identifierType": "systemId"}
    ]
    assert [d["name"] for d in achievement["resultDescription"]] == ["step r1", "step r2"]
    assert credential["issuer"] == ISSUER
    assert credential["validFrom"] == "2024-01-05T08:00:00Z"
    assert credential["credentialSubject"]["achievement"] == achievement
    assert [r["status"] for r in credential["credentialSubject"]["result"]] == ["Completed"] * 2
    assert progress["credential"] == credential["id"]
    assert progress["achievement"] == achievement["id"]
    assert progress["legacy"]["start_date"] == "2024-01-01"
    assert migrated.findings == []


def test_recipient_is_a_salted_hash_of_the_mapping_email(mapping: MigrationMapping) -> None:
    migrated = forward(_badge(), [], mapping=mapping, issuer={"id": ISSUER, "type": ["Profile"]})
    assert migrated.credential is not None
    (identity,) = migrated.credential["credentialSubject"]["identifier"]
    salt = uuid.uuid5(mapping.namespace, "recipient-salt:legacy-1").hex
    digest = hashlib.sha256(f"learner@example.org{salt}".encode()).hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "salt": salt,
    }
    assert migrated.credential["issuer"] == {"id": ISSUER, "type": ["Profile"]}


def test_recipient_email_can_be_overridden_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BADGEGATE_RECIPIENT_EMAIL", "other@example.org")
    assert load_mapping().recipient_email == "other@example.org"
    assert load_mapping(recipient_email="third@example.org").recipient_email == "third@example.org"


@pytest.mark.parametrize("status", ["NOT_STARTED", "IN_PROGRESS", "ARCHIVED", "completed"])
def test_only_completed_badges_are_awarded(mapping: MigrationMapping, status: str) -> None:
    migrated = forward(_badge(status=status, progress=50), [], mapping=mapping, issuer=ISSUER)
    assert migrated.credential is None
    assert migrated.progress is not None and "credential" not in migrated.progress


@pytest.mark.parametrize(
    ("changes", "requirements", "rule"),
    [
        ({"progress": 40}, [], "legacy-award-below-100"),
        ({}, [_requirement("r1", False)], "legacy-award-with-open-requirements"),
        (
            {"status": "NOT_STARTED", "progress": 0},
            [_requirement("r1", True)],
            "legacy-not-started-with-progress",
        ),
        ({"status": "DONE"}, [], "legacy-unknown-status"),
        ({"progress": 101}, [], "legacy-progress-range"),
        ({"target_date": "2023-02-30"}, [], "legacy-unparseable-date"),
        ({"start_date": ""}, [], "legacy-unparseable-date"),
        ({"updated_at": dt.datetime(2024, 1, 4)}, [], "legacy-updated-before-created"),
    ],
)
def test_inconsistencies_are_reported_not_repaired(
    mapping: MigrationMapping,
    changes: dict[str, Any],
    requirements: list[dict[str, Any]],
    rule: str,
) -> None:
    badge = _badge(**changes)
    migrated = forward(badge, requirements, mapping=mapping, issuer=ISSUER)
    assert [f.rule for f in migrated.findings] == [rule]
    finding = migrated.findings[0]
    assert finding.record_id == "legacy-1"
    assert finding.severity == "warning"
    assert migrated.progress is not None
    assert migrated.progress["progress"] == badge["progress"]
    assert migrated.progress["status"] == badge["status"]


@pytest.mark.parametrize(
    ("column", "value"),
    [("name", "bad\x00name"), ("content", "x\ud800y"), ("id", "id\udfff"), ("external_id", "\x00")],
)
def test_nul_and_surrogates_become_findings_with_the_legacy_id(
    mapping: MigrationMapping, column: str, value: str
) -> None:
    migrated = forward(_badge(**{column: value}), [], mapping=mapping, issuer=ISSUER)
    assert not migrated.representable
    assert migrated.achievement is migrated.credential is migrated.progress is None
    (finding,) = migrated.findings
    assert finding.rule == "legacy-unrepresentable"
    assert finding.pointer == f"/{column}"
    assert finding.record_id is not None
    finding.record_id.encode("utf-8")  # printable: no surrogate left
    assert "\x00" not in finding.render()


def test_unrepresentable_requirement_rejects_its_badge(mapping: MigrationMapping) -> None:
    requirements = [_requirement("r1", True, description="a\ud83db")]
    migrated = forward(_badge(), requirements, mapping=mapping, issuer=ISSUER)
    assert not migrated.representable
    assert [(f.rule, f.pointer) for f in migrated.findings] == [
        ("legacy-unrepresentable", "/requirements/0/description")
    ]


@settings(deadline=None)
@given(st.text(), st.text(), st.text())
def test_forward_never_raises_on_any_text(
    mapping: MigrationMapping, name: str, content: str, requirement: str
) -> None:
    requirements = [_requirement("r1", True, description=requirement)]
    migrated = forward(
        _badge(name=name, content=content), requirements, mapping=mapping, issuer=ISSUER
    )
    bad = any(
        "\x00" in t or any(0xD800 <= ord(c) <= 0xDFFF for c in t)
        for t in (name, content, requirement)
    )
    assert migrated.representable is not bad
    assert has_errors(migrated.findings) is bad


def test_rows_of_the_wrong_shape_are_findings(mapping: MigrationMapping) -> None:
    cases = [
        (_badge(progress="40"), "legacy-row-shape"),
        (_badge(name=None), "legacy-row-shape"),
        (_badge(created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)), "legacy-row-shape"),
        (_badge(note="extra column"), "legacy-unmapped-column"),
    ]
    for badge, rule in cases:
        migrated = forward(badge, [], mapping=mapping, issuer=ISSUER)
        assert [f.rule for f in migrated.findings] == [rule]
        assert not migrated.representable
    other = [_requirement("r1", True, badge_id="someone-else")]
    migrated = forward(_badge(), other, mapping=mapping, issuer=ISSUER)
    assert [f.rule for f in migrated.findings] == ["legacy-requirement-parent"]


def test_a_row_with_a_column_swapped_for_an_unknown_one_is_not_plain(
    mapping: MigrationMapping,
) -> None:
    badge = _badge(note="in place of content")
    del badge["content"]
    assert len(badge) == len(mapping.badges.columns)
    assert not _plainly_fits_row(badge, mapping.badges)
    migrated = forward(badge, [], mapping=mapping, issuer=ISSUER)
    assert [(f.rule, f.pointer) for f in migrated.findings] == [
        ("legacy-unmapped-column", "/note"),
        ("legacy-row-shape", "/content"),
    ]


def test_award_time_outside_utc_range_is_an_error_finding(mapping: MigrationMapping) -> None:
    badge = _badge(created_at=dt.datetime(1, 1, 1, 0, 10))
    migrated = forward(badge, [], mapping=mapping, issuer=ISSUER)
    assert migrated.credential is None
    assert [f.rule for f in migrated.findings] == ["legacy-award-time-out-of-range"]
    assert migrated.progress is not None and migrated.progress["legacy"]["created_at"] == (
        "0001-01-01T00:10:00.000000"
    )


def test_seeded_badges_all_migrate(mapping: MigrationMapping) -> None:
    for badge, requirements in generate_dataset(200, seed=13).grouped():
        migrated = forward(badge, requirements, mapping=mapping, issuer=ISSUER)
        assert migrated.representable
        assert (migrated.credential is not None) == (badge["status"] == "COMPLETED")


@given(legacy_id=st.text(st.characters(exclude_categories=("Cs",))))
def test_record_ids_are_uuid5_of_kind_and_legacy_id(
    mapping: MigrationMapping, legacy_id: str
) -> None:
    for kind in RECORD_KINDS:
        expected = uuid.uuid5(mapping.namespace, f"{kind}:{legacy_id}")
        assert docs.urn(mapping, kind, legacy_id) == expected.urn
        assert docs.key(mapping, kind, legacy_id) == expected


def test_record_keys_are_read_from_the_records(mapping: MigrationMapping) -> None:
    migrated = forward(_badge(), [], mapping=mapping, issuer=ISSUER)
    for kind in ("achievement", "credential", "progress"):
        assert getattr(migrated, f"{kind}_key") == docs.key(mapping, kind, "legacy-1")
    unrepresentable = forward(_badge(name=None), [], mapping=mapping, issuer=ISSUER)
    assert unrepresentable.achievement_key is None and unrepresentable.progress_key is None


def test_a_step_that_replaces_a_parent_turns_off_reused_walks() -> None:
    def step(pointer: tuple[str, ...]) -> Step:
        return Step("column", pointer, pointer[:-1], pointer[-1], None, keep_null=True)

    assert RowPlan.of((step(("legacy", "a")), step(("legacy", "b")))).parents_stay
    assert not RowPlan.of((step(("legacy",)), step(("legacy", "b")))).parents_stay


def test_a_row_is_placed_as_placing_each_value_in_turn_places_it() -> None:
    pointers = [("legacy", "a"), ("top",), ("items", "1", "x"), ("legacy", "b"), ("items", "0")]
    steps = tuple(
        Step(f"c{index}", pointer, pointer[:-1], pointer[-1], None, keep_null=index != 1)
        for index, pointer in enumerate(pointers)
    )
    row_plan = RowPlan.of(steps)
    assert row_plan.flat and len(row_plan.parents) == 4
    values = {f"c{index}": index for index in range(len(steps))}
    for row in (values, dict.fromkeys(values)):
        placed: dict[str, Any] = {"items": [None, {}]}
        place_row(placed, row_plan, row)
        expected: dict[str, Any] = {"items": [None, {}]}
        for item in steps:
            if row[item.column] is not None or item.keep_null:
                docs.place(expected, item.pointer, row[item.column])
        assert json.dumps(placed) == json.dumps(expected)  # members in the same order


class _Text(str):
    """A text of a ``str`` subclass: representable, yet not a plain value."""


_ODD_VALUES = [
    None, 1, True, 2.5, b"x", _Text("Kubernetes"), "a\x00b", "\ud800", dt.date(2024, 1, 1),
    dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2024, 1, 1), _ABSENT,
]  # fmt: skip


@settings(deadline=None)
@given(
    legacy_badges(unrepresentable=True, long_texts=False),
    st.sampled_from(["id", "name", "content", "progress", "status", "created_at", "updated_at"]),
)
def test_a_plain_row_has_no_shape_problems(
    mapping: MigrationMapping, badge: dict[str, Any], column: str
) -> None:
    for value in [badge[column], *_ODD_VALUES]:
        changed = badge | {column: value, "extra": value}
        for row in (badge | {column: value}, changed, {**badge, "extra": None}):
            row = {name: held for name, held in row.items() if held is not _ABSENT}
            if _plainly_fits_row(row, mapping.badges):
                assert row.keys() == mapping.badges.column_names
                for fate in mapping.badges.columns:
                    assert _value_problem(fate, row.get(fate.name, _ABSENT)) is None


def test_seeded_rows_are_plain(mapping: MigrationMapping) -> None:
    for badge, requirements in generate_dataset(20, seed=3).grouped():
        assert _plainly_fits_row(badge, mapping.badges)
        assert all(_plainly_fits_row(row, mapping.requirements) for row in requirements)


@pytest.mark.parametrize("status", STATUSES)
def test_rows_that_are_not_plain_migrate_like_plain_ones(
    mapping: MigrationMapping, status: str
) -> None:
    requirements = [_requirement("r1", True), _requirement("r2", False)]
    plain = forward(_badge(status=status), requirements, mapping=mapping, issuer=ISSUER)
    not_plain = forward(
        _BadgeRow(_badge(status=status, name=_Text("Kubernetes"))),
        requirements,
        mapping=mapping,
        issuer=ISSUER,
    )
    assert not_plain == plain


class _BadgeRow(dict[str, Any]):
    """A badge row of a ``dict`` subclass."""
