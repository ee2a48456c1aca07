"""A mapping compiled once for forward: where each column goes, ready to apply per badge.

Reading the mapping per badge (which columns belong to which document, their parsed pointers,
their transforms) costs more than migrating the badge; :func:`forward_plan` does it once per
mapping object and keeps the result for as long as the mapping lives. Per document and row
position it keeps the resolved :class:`Step` list, so placing a row is a loop of assignments.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from badgegate.mapping import documents as docs
from badgegate.mapping.model import MigrationMapping, TableFate
from badgegate.mapping.transforms import PARENT_KEY, TRANSFORMS


@dataclasses.dataclass(frozen=True)
class Step:
    """One column of one row position: its value goes to member ``last`` under ``parents``.

    ``last`` is None for the empty pointer (which :func:`documents.place` reports); ``convert``
    is None for the transforms that keep the value as it is.
    """

    column: str
    pointer: tuple[str, ...]
    parents: tuple[str, ...]
    last: str | None
    convert: Callable[[Any], Any] | None
    keep_null: bool


#: One step as :func:`place_row` reads it: column, slot of its parents, last token, convert,
#: keep_null.
FlatStep = tuple[str, int, str, Callable[[Any], Any] | None, bool]


@dataclasses.dataclass(frozen=True)
class RowPlan:
    """The steps of one row position in one document.

    When no step's target is, or lies above, a parent another step walks to, a parent walked
    once can be reused for the rest of the row: then the plan also has its steps as plain
    tuples (``flat``), each naming its parents by their index in ``parents``, so that a row is
    placed without hashing a pointer per value.
    """

    steps: tuple[Step, ...]
    parents: tuple[tuple[str, ...], ...] = ()
    flat: tuple[FlatStep, ...] = ()

    @classmethod
    def of(cls, steps: tuple[Step, ...]) -> RowPlan:
        """The plan of ``steps``, flat when its parents stay."""
        replaced = any(
            other.parents[: len(step.pointer)] == step.pointer for step in steps for other in steps
        )
        parents = tuple(dict.fromkeys(step.parents for step in steps))
        flat = tuple(
            (step.column, parents.index(step.parents), step.last, step.convert, step.keep_null)
            for step in steps
            if step.last is not None
        )
        if replaced or len(flat) != len(steps):  # or a step targets the document itself
            return cls(steps)
        return cls(steps, parents, flat)

    @property
    def parents_stay(self) -> bool:
        """True when a parent walked once is reused for the rest of the row."""
        return bool(self.flat)


@dataclasses.dataclass(frozen=True)
class Placement:
    """One migrated column: which value, where it goes, and how it is converted."""

    column: str
    pointer: tuple[str, ...]
    transform: str
    keep_null: bool

    def step(self, position: int | None) -> Step:
        """The placement at row ``position`` (``*`` replaced by it)."""
        pointer = docs.resolve(self.pointer, position)
        assert pointer is not None, f"{self.column}: a /*/ target needs a requirement position"
        transform = TRANSFORMS[self.transform]
        convert = None if transform.keeps_value else transform.forward
        last = pointer[-1] if pointer else None
        return Step(self.column, pointer, pointer[:-1], last, convert, self.keep_null)


@dataclasses.dataclass(frozen=True)
class ForwardPlan:
    """Per document (``achievement``, ``progress``): the badge's and requirements' placements."""

    badge: dict[str, tuple[Placement, ...]]
    requirement: dict[str, tuple[Placement, ...]]
    _rows: dict[tuple[str, int | None], RowPlan] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def fill(
        self,
        document: docs.JsonObject,
        name: str,
        badge: Mapping[str, Any],
        requirements: Sequence[Mapping[str, Any]],
    ) -> None:
        """Place the migrated columns of ``badge`` and its ``requirements`` in ``document``."""
        place_row(document, self.row_plan(name, None), badge)
        for position, row in enumerate(requirements):
            place_row(document, self.row_plan(name, position), row)

    def row_plan(self, name: str, position: int | None) -> RowPlan:
        """The steps of document ``name`` for the badge row (None) or requirement ``position``."""
        row_plan = self._rows.get((name, position))
        if row_plan is None:
            placements = self.badge[name] if position is None else self.requirement[name]
            row_plan = RowPlan.of(tuple(placement.step(position) for placement in placements))
            self._rows[(name, position)] = row_plan
        return row_plan


def place_row(document: docs.JsonObject, row_plan: RowPlan, row: Mapping[str, Any]) -> None:
    """Put each step's value of ``row`` (converted; NULL only where kept) in ``document``.

    Creates missing objects on the way as :func:`documents.place` does, at the same moments (so
    members keep their order); a parent already walked for this row is reused when no step of
    the row can replace it.
    """
    if not row_plan.flat:
        _place_each(document, row_plan, row)
        return
    walked: list[Any] = [None] * len(row_plan.parents)
    for column, slot, last, convert, keep_null in row_plan.flat:
        value = row[column]
        if value is None:
            if not keep_null:
                continue
        elif convert is not None:
            value = convert(value)
        node = walked[slot]
        if node is None:
            node = walked[slot] = docs.parent_node(document, row_plan.parents[slot])
        if type(node) is list:
            node[int(last)] = value
        else:
            node[last] = value


def _place_each(document: docs.JsonObject, row_plan: RowPlan, row: Mapping[str, Any]) -> None:
    """:func:`place_row` walking to each step's parent afresh (a step may replace a parent)."""
    for step in row_plan.steps:
        value = row[step.column]
        if value is None:
            if not step.keep_null:
                continue
        elif step.convert is not None:
            value = step.convert(value)
        docs.place(document, step.pointer, value)


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
