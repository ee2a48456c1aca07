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
    push = stack.append
    while stack:
        where, name, value = stack.pop()
        if not isinstance(value, dict):
            continue
        yield where, name, value
        # Pushed last property first and last item first, so they pop in document order.
        for prop, token, nested, many, profile_ref in _EDGES_REVERSED[name]:
            if prop not in value:
                continue
            child = value[prop]
            if profile_ref and isinstance(child, str):
                continue
            if many and isinstance(child, list):
                base = where + token
                for index in range(len(child) - 1, -1, -1):
                    push((f"{base}/{index}", nested, child[index]))
            else:
                push((where + token, nested, child))


# class -> ``(property, "/escaped property", class, many, profile_ref)``, last property first
_EDGES_REVERSED: dict[str, tuple[tuple[str, str, str, bool, bool], ...]] = {
    name: tuple(
        (prop, f"/{escape(prop)}", nested, many, profile_ref)
        for prop, nested, many, profile_ref in reversed(ob_class.nested)
    )
    for name, ob_class in CLASSES.items()
}


def as_list(value: Any) -> list[Any]:
    """A multi-valued property as a list (a single JSON-LD compacted value becomes one item)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def class_at(
    root_class: str, path: list[str | int], *, into_object: bool = False
) -> tuple[str, str | None]:
    """``(class, property)`` of the OB 3.0 object holding the value at ``path`` below a root.

    ``path`` is the JSON pointer's tokens; list indexes are skipped. The walk stops at the
    last class it can follow (an unknown member, or a value that is not an object).
    ``into_object``: the value is itself an object, so a class-typed last member gives its
    class (and no property).
    """
    class_name, prop = root_class, None
    for token in path:
        if isinstance(token, int):
            continue
        if prop is not None:
            nested = CLASSES[class_name].props.get(prop)
            if nested is None or nested.class_name is None:
                break
            class_name, prop = nested.class_name, None
        prop = token
    if into_object and prop is not None:
        nested = CLASSES[class_name].props.get(prop)
        if nested is not None and nested.class_name is not None:
            return nested.class_name, None
    return class_name, prop
