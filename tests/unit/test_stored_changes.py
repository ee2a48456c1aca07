"""Stored as sent: each way a served record can differ from the accepted one is a finding with
the record id and a JSON pointer; what JSON-LD leaves unordered may come back in any order."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from badgegate.checks.stored import pointer_to, stored_changes
from badgegate.samples import sample_credential

RECORD = "https://badgegate.invalid/seeded/run/credential/0"


def _sent() -> dict[str, Any]:
    credential = sample_credential("5b3c0e0e-0000-4000-8000-000000000001")
    credential["credentialSubject"]["achievement"]["tag"] = ["math", "algebra", "year 9"]
    credential["credentialSubject"]["achievement"]["resultDescription"] = [
        {
            "id": "urn:uuid:0d0c2a1e-0000-4000-8000-000000000002",
            "type": ["ResultDescription"],
            "name": "Grade",
            "resultType": "LetterGrade",
            "allowedValue": ["D", "C", "B", "A"],
        }
    ]
    return credential


def _rules(sent: Any, served: Any) -> list[tuple[str, str]]:
    return [(f.rule, f.pointer) for f in stored_changes(sent, served, record_id=RECORD)]


def test_a_record_served_as_sent_has_no_finding() -> None:
    assert stored_changes(_sent(), _sent()) == []


def test_members_and_sets_may_come_back_in_any_order_and_numbers_however_spelled() -> None:
    sent, served = _sent(), _sent()
    served = dict(reversed(list(served.items())))
    served["type"].reverse()
    served["credentialSubject"]["achievement"]["tag"].reverse()
    sent["credentialSubject"]["result"] = [{"type": ["Result"], "value": 1}]
    served["credentialSubject"]["result"] = [{"type": ["Result"], "value": 1.0}]
    assert stored_changes(sent, served) == []


def test_context_served_as_context_is_a_renamed_member() -> None:
    served = _sent()
    served["context"] = served.pop("@context")
    (finding,) = stored_changes(_sent(), served, record_id=RECORD)
    assert (finding.rule, finding.pointer) == ("stored-member-renamed", "/@context")
    assert finding.record_id == RECORD
    assert "`@context` is served as `context`" in finding.render()
    assert RECORD in finding.render()


def test_members_added_as_null_are_findings_at_any_depth() -> None:
    served = _sent()
    served["evidence"] = None
    served["credentialSubject"]["result"] = None
    assert _rules(_sent(), served) == [
        ("stored-member-null", "/credentialSubject/result"),
        ("stored-member-null", "/evidence"),
    ]


def test_dropped_added_and_changed_members_name_their_pointer() -> None:
    served = _sent()
    del served["name"]
    served["credentialSubject"]["achievement"]["criteria"]["narrative"] = "Something else"
    served["extra"] = {"a": 1}
    assert sorted(_rules(_sent(), served)) == [
        ("stored-member-added", "/extra"),
        ("stored-member-dropped", "/name"),
        ("stored-value-changed", "/credentialSubject/achievement/criteria/narrative"),
    ]


@pytest.mark.parametrize(
    ("where", "pointer"),
    [
        (["@context"], "/@context"),
        (
            ["credentialSubject", "achievement", "resultDescription", 0, "allowedValue"],
            "/credentialSubject/achievement/resultDescription/0/allowedValue",
        ),
    ],
)
def test_an_ordered_array_reordered_is_a_finding(where: list[Any], pointer: str) -> None:
    served = _sent()
    target: Any = served
    for step in where:
        target = target[step]
    target.reverse()
    assert _rules(_sent(), served) == [("stored-order-changed", pointer)]


def test_items_dropped_from_a_list_are_named_by_index() -> None:
    served = _sent()
    served["credentialSubject"]["achievement"]["tag"] = ["math"]
    served["@context"] = served["@context"][:1]
    assert sorted(_rules(_sent(), served)) == [
        ("stored-item-dropped", "/@context/1"),
        ("stored-item-dropped", "/credentialSubject/achievement/tag/1"),
        ("stored-item-dropped", "/credentialSubject/achievement/tag/2"),
    ]


def test_a_changed_item_of_a_set_is_compared_member_by_member() -> None:
    served = copy.deepcopy(_sent())
    description = served["credentialSubject"]["achievement"]["resultDescription"][0]
    description["name"] = None
    assert _rules(_sent(), served) == [
        (
            "stored-value-changed",
            "/credentialSubject/achievement/resultDescription/0/name",
        )
    ]


def test_booleans_are_not_numbers() -> None:
    assert _rules({"flag": True}, {"flag": 1}) == [("stored-value-changed", "/flag")]


def test_pointers_escape_tilde_and_slash() -> None:
    assert pointer_to("", "a/b~c") == "/a~1b~0c"
    assert _rules({"a/b": 1}, {}) == [("stored-member-dropped", "/a~1b")]
