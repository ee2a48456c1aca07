"""Rules on results: references into the achievement's ResultDescriptions and their levels,
and a ResultDescription's required level and value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from badgegate.findings import Finding
from badgegate.validate.rules.judging import Location, RuleContext, finding
from badgegate.validate.walk import as_list


def result_references(
    where: Location, node: dict[str, Any], context: RuleContext
) -> Iterator[Finding]:
    """Results point at a ResultDescription and level of the achievement; Status needs status."""
    achievement = node.get("achievement")
    results = node.get("result")
    if results is None or not isinstance(achievement, dict):
        return
    descriptions = {
        _id(item): item
        for item in as_list(achievement.get("resultDescription"))
        if isinstance(item, dict)
    }
    every_level: set[Any] | None = None
    many = isinstance(results, list)
    for index, result in enumerate(results if many else (results,)):
        if not isinstance(result, dict):
            continue
        at_result = ((where, "result"), index) if many else (where, "result")
        reference = result.get("resultDescription")
        description = descriptions.get(reference) if _is_reference(reference) else None
        if reference is not None and description is None:
            yield _unknown_description(at_result, reference, descriptions)
        level = result.get("achievedLevel")
        if level is not None:
            if every_level is None:
                every_level = set().union(*map(_level_ids, descriptions.values()))
            wrong_level = _achieved_level(at_result, level, description, every_level)
            if wrong_level is not None:
                yield wrong_level
        if description and description.get("resultType") == "Status" and "status" not in result:
            yield finding(
                "result-status",
                at_result,
                (),
                "a result of a Status ResultDescription must have a status",
                section="B.2.31",
            )


def _unknown_description(
    at_result: Location, reference: Any, descriptions: dict[Any, dict[str, Any]]
) -> Finding:
    return finding(
        "result-description-ref",
        at_result,
        ("resultDescription",),
        "resultDescription must be the id of a ResultDescription of the achievement",
        expected=sorted(map(str, descriptions)),
        actual=reference,
        section="B.2.31",
    )


def _achieved_level(
    at_result: Location, level: Any, linked: dict[str, Any] | None, every_level: set[Any]
) -> Finding | None:
    if not _is_reference(level) or level not in every_level:
        return finding(
            "achieved-level-ref",
            at_result,
            ("achievedLevel",),
            "achievedLevel must be the id of a RubricCriterionLevel of the achievement",
            expected=sorted(map(str, every_level)),
            actual=level,
            section="B.2.31",
        )
    if linked is not None and level not in _level_ids(linked):
        return finding(
            "achieved-level-ref",
            at_result,
            ("achievedLevel",),
            "achievedLevel is a level of another ResultDescription than the linked one",
            severity="warning",
            actual=level,
            section="B.2.31",
        )
    return None


def _id(item: dict[str, Any]) -> Any:
    """``item["id"]`` when it can name the item; None (which no reference is) if not."""
    value = item.get("id")
    return value if isinstance(value, str) or _is_reference(value) else None


def _is_reference(value: Any) -> bool:
    """True for a value that can name an object: hashable and not None."""
    if isinstance(value, str):
        return True
    try:
        hash(value)
    except TypeError:
        return False
    return value is not None


def _level_ids(description: dict[str, Any]) -> set[Any]:
    """The ids of a ResultDescription's rubricCriterionLevel objects (None for one without)."""
    levels = description.get("rubricCriterionLevel")
    if levels is None:
        return set()
    return {_id(level) for level in as_list(levels) if isinstance(level, dict)}


def required_value(
    where: Location, node: dict[str, Any], context: RuleContext
) -> Iterator[Finding]:
    """``requiredLevel`` names one of its levels; ``requiredValue`` is allowed and within bounds."""
    level = node.get("requiredLevel")
    if level is not None and (not _is_reference(level) or level not in _level_ids(node)):
        yield finding(
            "required-level-ref",
            where,
            ("requiredLevel",),
            "requiredLevel must be the id of one of its rubricCriterionLevel entries",
            actual=level,
            section="B.2.32",
        )
    value = node.get("requiredValue")
    if not isinstance(value, str):
        return
    allowed = as_list(node.get("allowedValue"))
    if allowed and value not in allowed:
        yield finding(
            "required-value-range",
            where,
            ("requiredValue",),
            "requiredValue must be one of allowedValue",
            expected=allowed,
            actual=value,
            section="B.2.32",
        )
    elif not allowed and not _within_bounds(value, node.get("valueMin"), node.get("valueMax")):
        yield finding(
            "required-value-range",
            where,
            ("requiredValue",),
            "requiredValue must be a number within valueMin..valueMax",
            expected=[node.get("valueMin"), node.get("valueMax")],
            actual=value,
            section="B.2.32",
        )


def _within_bounds(value: str, low: Any, high: Any) -> bool:
    low_given, high_given = isinstance(low, str), isinstance(high, str)
    if not (low_given or high_given):
        return True
    number = _number(value)
    if number is None:
        return False
    low_number = _number(low) if low_given else None
    high_number = _number(high) if high_given else None
    return (low_number is None or number >= low_number) and (
        high_number is None or number <= high_number
    )


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
