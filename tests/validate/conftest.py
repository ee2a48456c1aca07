"""Fixtures of the validator tests: a seeded mutation generator over OB 3.0 documents.

Each generated document differs from a valid seed by one mutation, described by a ``Mutation``
(what was changed where), so a disagreement between two schemas can be traced to its cause.
"""

from __future__ import annotations

import copy
import dataclasses
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from badgegate.validate import model, vocabulary
from badgegate.validate.walk import walk

RULES_SOURCE = Path(__file__).resolve().parents[2] / "src" / "badgegate" / "validate" / "rules"
WRONG_VALUES: tuple[Any, ...] = (42, 1.5, True, None, "text", {}, [], {"en": "text"})
ENUM_VALUES = ("ext:Custom", "ext:a.b_c-d", "x ext:a y", "ext:a b", "ext:", "Unknown", "EXT:a")
DATE_VALUES = (
    "2024-01-01T00:00:00Z",
    "2024-01-01T00:00:00+05:30",
    "2024-01-01T00:00:00",
    "2024-01-01",
    "yesterday",
    "2024-13-01T00:00:00Z",
    "2023-02-29T00:00:00Z",
)
CONTEXT_VALUES: tuple[Any, ...] = (
    [vocabulary.OB_CONTEXT_CURRENT, vocabulary.VC_V2_CONTEXT],
    [vocabulary.VC_V2_CONTEXT],
    [vocabulary.VC_V2_CONTEXT, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"],
    [vocabulary.VC_V2_CONTEXT, vocabulary.OB_CONTEXT_CURRENT, {"@vocab": "https://example.org/"}],
    [vocabulary.VC_V2_CONTEXT, vocabulary.OB_CONTEXT_CURRENT, 7],
    vocabulary.VC_V2_CONTEXT,
)


@dataclasses.dataclass(frozen=True)
class Mutation:
    """One change: operation, the class and property it touched, and the new value."""

    op: str
    class_name: str
    prop: str | None
    value: Any = None


def mutants(
    seed: dict[str, Any], root: str, rng: random.Random, jsonld: bool
) -> Iterator[tuple[dict[str, Any], Mutation]]:
    """Endless stream of one-mutation variants of ``seed`` (a valid ``root`` document)."""
    ops = ["drop", "wrong", "type", "enum", "date", "extra", "context", "none"]
    if jsonld:
        ops += ["compact", "langmap"]
    while True:
        document = copy.deepcopy(seed)
        nodes = list(walk(document, root))
        _, class_name, node = rng.choice(nodes)
        mutation = _apply(rng.choice(ops), class_name, node, rng)
        if mutation is not None:
            yield document, mutation


def _apply(op: str, class_name: str, node: dict[str, Any], rng: random.Random) -> Mutation | None:
    props = model.CLASSES[class_name].props
    present = [name for name in node if name in props]
    if op == "none":
        return Mutation(op, class_name, None)
    if op == "extra":
        node["unlistedMember"] = rng.choice(WRONG_VALUES)
        return Mutation(op, class_name, "unlistedMember")
    if op == "context":
        if "@context" not in props:
            return None
        node["@context"] = copy.deepcopy(rng.choice(CONTEXT_VALUES))
        return Mutation(op, class_name, "@context", node["@context"])
    candidates = _candidates(op, props, present)
    if not candidates:
        return None
    name = rng.choice(candidates)
    return Mutation(op, class_name, name, _change(op, node, name, rng))


def _candidates(op: str, props: Any, present: list[str]) -> list[str]:
    if op in ("drop", "wrong", "langmap"):
        return present
    if op == "type":
        return [n for n in present if n == "type"]
    if op == "enum":
        return [n for n, p in props.items() if p.enum_name]
    if op == "date":
        return [n for n, p in props.items() if p.kind in (model.DATETIME, model.DATE)]
    return [n for n in present if props[n].many and isinstance(n, str)]  # compact


def _change(op: str, node: dict[str, Any], name: str, rng: random.Random) -> Any:
    if op == "drop":
        del node[name]
        return None
    if op == "wrong":
        node[name] = copy.deepcopy(rng.choice(WRONG_VALUES))
    elif op == "type":
        node[name] = rng.choice((["Other"], [], "Other", ["VerifiableCredential"], [7]))
    elif op == "enum":
        node[name] = rng.choice(ENUM_VALUES)
    elif op == "date":
        node[name] = rng.choice(DATE_VALUES)
    elif op == "langmap":
        node[name] = {"en": node[name]} if isinstance(node[name], str) else node[name]
    elif op == "compact" and isinstance(node[name], list) and node[name]:
        node[name] = node[name][0]
    return node.get(name)


@pytest.fixture(scope="session")
def mutation_stream() -> Callable[..., Iterator[tuple[dict[str, Any], Mutation]]]:
    """``mutants(seed, root_class, rng, jsonld)``: endless one-mutation variants of a seed."""
    return mutants


@pytest.fixture(scope="session")
def emitted_rule_ids() -> set[str]:
    """Every rule id the rules beyond the schema can emit, read from their source."""
    found: set[str] = set()
    for path in sorted(RULES_SOURCE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        found.update(re.findall(r'finding\(\s*"([a-z0-9-]+)"', source))
    return found
