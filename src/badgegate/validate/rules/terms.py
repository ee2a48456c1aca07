"""Terms a class fixes: its ``type`` (type-set) and its enumeration values (enum-term)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from badgegate.findings import Finding
from badgegate.validate import vocabulary
from badgegate.validate.model import ObClass
from badgegate.validate.rules.judging import Location, finding
from badgegate.validate.walk import as_list


def type_ok(ob_class: ObClass, value: Any) -> bool:
    """True when ``value`` is the class's single type, or names a term of every type group."""
    if ob_class.single_type:
        return bool(value == ob_class.single_type)
    present = value if isinstance(value, list) else (value,)
    for group in ob_class.type_terms:
        for term in group:
            if term in present:
                break
        else:
            return False
    return True


def type_set(ob_class: ObClass, where: Location, node: dict[str, Any]) -> Iterator[Finding]:
    """``type`` holds the class's required term(s) (or is exactly its single type)."""
    value = node["type"]
    if ob_class.single_type:
        yield finding(
            "type-set",
            where,
            ("type",),
            f"type must be {ob_class.single_type!r}",
            expected=ob_class.single_type,
            actual=value,
            section="B.2",
        )
        return
    present = set(item for item in as_list(value) if isinstance(item, str))
    for group in ob_class.type_terms:
        if present.isdisjoint(group):
            yield finding(
                "type-set",
                where,
                ("type",),
                f"type must include {' or '.join(map(repr, group))}",
                expected=list(group),
                actual=value,
                section="B.2",
            )


def enum_term(ob_class: ObClass, where: Location, node: dict[str, Any]) -> Iterator[Finding]:
    """Enumeration values are a listed term, or an anchored ``ext:`` term if extensible."""
    for name, enum_name in ob_class.enums:
        if name not in node:
            continue
        value = node[name]
        if not vocabulary.is_enum_term(enum_name, value):
            hint = " or an `ext:` term" if enum_name in vocabulary.EXTENSIBLE_ENUMERATIONS else ""
            yield finding(
                "enum-term",
                where,
                (name,),
                f"{name} must be a {enum_name} term{hint}",
                actual=value,
                section="B.3",
            )
