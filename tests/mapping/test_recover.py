"""recover trusts nothing: tampered or lossy served records are caught, naming record and field."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from badgegate.findings import Finding
from badgegate.mapping import MigrationMapping, RecoveryMismatch, check_served, forward, recover

from .conftest import ISSUER

Records = dict[str, Any]


@pytest.fixture
def served(mapping: MigrationMapping) -> Records:
    badge = {
        "id": "legacy-7",
        "name": "Badge",
        "description": "d",
        "content": None,
        "progress": 100,
        "status": "COMPLETED",
        "created_at": dt.datetime(2024, 3, 1, 8),
        "updated_at": dt.datetime(2024, 10, 27, 2, 30),
        "start_date": None,
        "target_date": None,
        "external_id": "42",
        "external_source": "linkedin",
    }
    requirements = [
        {
            "id": f"r{i}",
            "badge_id": "legacy-7",
            "description": "same",
            "completed": True,
            "created_at": dt.datetime(2024, 3, 2),
            "updated_at": None,
        }
        for i in range(3)
    ]
    migrated = forward(badge, requirements, mapping=mapping, issuer=ISSUER)
    return {
        "achievement": migrated.achievement,
        "credential": migrated.credential,
        "progress": migrated.progress,
        "rows": (badge, requirements),
    }


def _rules(findings: list[Finding]) -> set[str]:
    return {finding.rule for finding in findings}


def _tamper(served: Records, change: Callable[[Records], None]) -> Records:
    copied = copy.deepcopy(served)
    change(copied)
    return copied


def _set(kind: str, *path: Any, value: Any) -> Callable[[Records], None]:
    def change(records: Records) -> None:
        if not path:
            records[kind] = value
            return
        node = records[kind]
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return change


TAMPERINGS: list[tuple[str, Callable[[Records], None], str]] = [
    (
        "timezone shift",
        _set("credential", "validFrom", value="2024-10-27T01:30:00Z"),
        "served-valid-from",
    ),
    (
        "other recipient",
        _set("credential", "credentialSubject", "identifier", 0, "identityHash", value="sha256$00"),
        "served-recipient",
    ),
    ("not awarded", _set("credential", value=None), "served-credential-missing"),
    (
        "result flipped",
        _set("credential", "credentialSubject", "result", 1, "status", value="InProgress"),
        "served-result",
    ),
    (
        "embedded achievement differs",
        _set("credential", "credentialSubject", "achievement", "name", value="x"),
        "served-embedded-achievement",
    ),
    ("credential renamed", _set("credential", "name", value="Other"), "served-credential-name"),
    (
        "achievement re-keyed",
        _set("achievement", "id", value="urn:uuid:00000000-0000-0000-0000-000000000000"),
        "served-id",
    ),
    (
        "progress unlinked",
        _set("progress", "credential", value="urn:uuid:00000000-0000-0000-0000-000000000000"),
        "served-link",
    ),
]


@pytest.mark.parametrize(("name", "change", "rule"), TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
def test_tampered_records_raise_naming_the_rule_and_record(
    mapping: MigrationMapping,
    served: Records,
    name: str,
    change: Callable[[Records], None],
    rule: str,
) -> None:
    bad = _tamper(served, change)
    records = (bad["achievement"], bad["credential"], bad["progress"])
    assert rule in _rules(check_served(*records, mapping=mapping))
    with pytest.raises(RecoveryMismatch) as raised:
        recover(*records, mapping=mapping)
    assert all(finding.record_id == "legacy-7" for finding in raised.value.findings)


def test_credential_for_an_unfinished_badge_is_caught(
    mapping: MigrationMapping, served: Records
) -> None:
    bad = _tamper(served, _set("progress", "status", value="IN_PROGRESS"))
    findings = check_served(bad["achievement"], bad["credential"], bad["progress"], mapping=mapping)
    assert "served-credential-unexpected" in _rules(findings)


def test_untouched_records_check_clean(mapping: MigrationMapping, served: Records) -> None:
    records = (served["achievement"], served["credential"], served["progress"])
    assert check_served(*records, mapping=mapping) == []
    assert recover(*records, mapping=mapping) == served["rows"]


@pytest.mark.parametrize(
    ("change", "column", "expected"),
    [
        (_set("progress", "progress", value=99.5), "progress", 99.5),
        (_set("progress", "legacy", "external_id", value=""), "external_id", ""),
        (_set("achievement", "description", value="d".upper()), "description", "D"),
        (
            _set("progress", "legacy", "updated_at", value="2024-10-27T02:30:00+01:00"),
            "updated_at",
            "2024-10-27T02:30:00+01:00",
        ),
    ],
)
def test_lossy_values_come_back_as_served_so_the_comparison_sees_them(
    mapping: MigrationMapping,
    served: Records,
    change: Callable[[Records], None],
    column: str,
    expected: Any,
) -> None:
    bad = _tamper(served, change)
    badge, _ = recover(
        bad["achievement"], bad["credential"], bad["progress"], mapping=mapping, strict=False
    )
    assert badge[column] == expected
    assert badge != served["rows"][0]


def test_missing_members_leave_the_column_out(mapping: MigrationMapping, served: Records) -> None:
    bad = copy.deepcopy(served)
    del bad["progress"]["legacy"]["start_date"]
    del bad["progress"]["requirements"][2]
    badge, requirements = recover(
        bad["achievement"], bad["credential"], bad["progress"], mapping=mapping, strict=False
    )
    assert "start_date" not in badge
    assert len(requirements) == 3
    assert requirements[2] == {"badge_id": "legacy-7", "description": "same"}
