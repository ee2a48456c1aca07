"""Walk an OB 3.0 document class by class, with the JSON pointer of every object."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from badgegate.validate.model import CLASSES


def escape(name: str | int) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return str(name).replace("~", "~0").replace("/", "~1")


def values(value: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """The items of a multi-valued property with their pointers (a single value is one item)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield f"{pointer}/{index}", item
    else:
        yield pointer, value


def walk(
    node: Any, class_name: str, pointer: str = ""
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield ``(pointer, class name, object)`` for ``node`` and every nested OB 3.0 object.

    Depth-first, in document order. Values of the wrong JSON type are skipped: the schema
    reports those.
    """
    stack: list[tuple[str, str, Any]] = [(pointer, class_name, node)]
    while stack:
        where, name, value = stack.pop()
        if not isinstance(value, dict):
            continue
        yield where, name, value
        children: list[tuple[str, str, Any]] = []
        for prop, nested, many, profile_ref in CLASSES[name].nested:
            if prop not in value or (profile_ref and isinstance(value[prop], str)):
                continue
            child_pointer = f"{where}/{escape(prop) if '~' in prop or '/' in prop else prop}"
            if many and isinstance(value[prop], list):
                children.extend(
                    (f"{child_pointer}/{index}", nested, item)
                    for index, item in enumerate(value[prop])
                )
            else:
                children.append((child_pointer, nested, value[prop]))
        stack.extend(reversed(children))


def as_list(value: Any) -> list[Any]:
    """A multi-valued property as a list (a single JSON-LD compacted value becomes one item)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
