"""A mapping compiled once for forward: where each column goes, ready to apply per badge.

Reading the mapping per badge (which columns belong to which document, their parsed pointers,
their transforms) costs more than migrating the badge; :func:`forward_plan` does it once per
mapping object and keeps the result for as long as the mapping lives.
"""

from __future__ import annotations

import dataclasses
import functools
import weakref
from collections.abc import Callable
from typing import Any

from badgegate.mapping import documents as docs
from badgegate.mapping.model import MigrationMapping, TableFate
from badgegate.mapping.transforms import PARENT_KEY, TRANSFORMS

# A resolved pointer, its parent tokens and its last token (None for the empty pointer).
_Target = tuple[tuple[str, ...] | None, tuple[str, ...], str | None]


@dataclasses.dataclass(frozen=True)
class Placement:
    """One migrated column: which value, where it goes, and how it is converted."""

    column: str
    pointer: tuple[str, ...]
    transform: str
    keep_null: bool
    _resolved: dict[int | None, _Target] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def _target(self, position: int | None) -> _Target:
        """The pointer with ``*`` replaced by ``position`` (None when ``*`` has no position)."""
        target = self._resolved.get(position)
        if target is None:
            pointer = docs.resolve(self.pointer, position)
            target = (pointer, pointer[:-1], pointer[-1]) if pointer else (pointer, (), None)
            self._resolved[position] = target
        return target

    def apply(self, document: docs.JsonObject, value: Any, position: int | None) -> None:
        """Put ``value`` (converted; NULL only where the document keeps nulls) in place.

        Walks the pointer as :func:`documents.place` does, creating missing objects on the way.
        """
        pointer, parents, last = self._resolved.get(position) or self._target(position)
        assert pointer is not None
        if value is None:
            if not self.keep_null:
                return
        else:
            value = self._convert(value)
        if last is None:  # the empty pointer: place() reports it
            docs.place(document, pointer, value)
            return
        node: Any = document
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node.setdefault(token, {})
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    @functools.cached_property
    def _convert(self) -> Callable[[Any], Any]:
        return TRANSFORMS[self.transform].forward


@dataclasses.dataclass(frozen=True)
class ForwardPlan:
    """Per document (``achievement``, ``progress``): the badge's and requirements' placements."""

    badge: dict[str, tuple[Placement, ...]]
    requirement: dict[str, tuple[Placement, ...]]


_PLANS: dict[int, tuple[weakref.ref[MigrationMapping], ForwardPlan]] = {}


def forward_plan(mapping: MigrationMapping) -> ForwardPlan:
    """The compiled plan of ``mapping``, built on first use and kept while it lives."""
    entry = _PLANS.get(id(mapping))
    if entry is not None and entry[0]() is mapping:
        return entry[1]
    plan = _compile(mapping)
    ident = id(mapping)
    _PLANS[ident] = (weakref.ref(mapping, lambda _ref: _PLANS.pop(ident, None)), plan)
    return plan


def _compile(mapping: MigrationMapping) -> ForwardPlan:
    documents = ("achievement", "progress")
    return ForwardPlan(
        badge={name: _placements(mapping.badges, name, structural=True) for name in documents},
        requirement={
            name: _placements(mapping.requirements, name, structural=False) for name in documents
        },
    )


def _placements(table: TableFate, document: str, *, structural: bool) -> tuple[Placement, ...]:
    """Placements of ``table``'s columns in ``document``; ``parent-key`` ones only if structural."""
    return tuple(
        Placement(
            column=column.name,
            pointer=column.pointer,
            transform=column.transform or "",
            keep_null=column.document == "progress",
        )
        for column in table.migrated
        if column.document == document and (structural or column.transform != PARENT_KEY)
    )
