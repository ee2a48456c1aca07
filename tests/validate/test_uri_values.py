"""Every value OB 3.0 types as URI, at every depth, must be an absolute URI: a scheme, no spaces.

Each URI-typed member present anywhere in the full fixture is replaced, one at a time, by a
value without a scheme and by one with a space; each must give one ``schema-format`` error at
its pointer that quotes the value and names the class and member, in both schema variants.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from badgegate.validate import model, validate_credential
from badgegate.validate.walk import walk

REPO = Path(__file__).resolve().parents[2]
FULL = json.loads(
    (REPO / "fixtures/credentials/valid/achievement-credential-full.json").read_text()
)
NOT_ABSOLUTE = ("badges/1", "https://badges.example.org/a b")


def uri_members(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(pointer of the object, class, member)`` of every URI-typed member present."""
    return [
        (pointer, class_name, name)
        for pointer, class_name, node in walk(document, "AchievementCredential")
        for name, prop in model.CLASSES[class_name].props.items()
        if prop.kind == model.URI and isinstance(node.get(name), str)
    ]


def _object_at(document: Any, pointer: str) -> Any:
    for token in filter(None, pointer.split("/")):
        document = document[int(token)] if isinstance(document, list) else document[token]
    return document


def test_the_full_fixture_holds_uri_members_at_many_depths() -> None:
    members = uri_members(FULL)
    assert len(members) >= 15, members
    assert max(pointer.count("/") for pointer, _, _ in members) >= 4, members


@pytest.mark.parametrize("variant", ["strict", "jsonld"])
def test_each_uri_member_refuses_a_relative_or_spaced_value(variant: str) -> None:
    missed = []
    for pointer, class_name, name in uri_members(FULL):
        for value in NOT_ABSOLUTE:
            broken = copy.deepcopy(FULL)
            _object_at(broken, pointer)[name] = value
            errors = [
                f for f in validate_credential(broken, variant=variant) if f.rule == "schema-format"
            ]
            hit = [f for f in errors if f.pointer == f"{pointer}/{name}"]
            if len(hit) != 1 or f'"{value}"' not in hit[0].message:
                missed.append((pointer, name, value, [f.render() for f in errors]))
            elif hit[0].section != f"B ({class_name}.{name})" or hit[0].actual != value:
                missed.append((pointer, name, value, hit[0].render()))
    assert missed == []


def test_issuer_as_a_string_and_extension_contexts_are_uris_too() -> None:
    for member, value in (("issuer", "issuer 1"), ("@context", [*FULL["@context"], "ext.json"])):
        broken = copy.deepcopy(FULL)
        broken[member] = value
        assert [f.rule for f in validate_credential(broken) if f.is_error] == ["schema-format"]


def test_type_terms_are_not_held_to_absolute_uris() -> None:
    assert [f for f in validate_credential(FULL) if f.is_error] == []
    assert all(":" not in term for term in FULL["type"])
