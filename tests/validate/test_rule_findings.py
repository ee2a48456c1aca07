"""The rules beyond the schema give the recorded findings on a broad corpus, finding for finding.

The corpus: our fixtures (valid and invalid), the official spec examples and validator samples,
and seeded variants of every valid document, some with one schema-level mutation (the
differential test's generator) and some with up to three changes aimed at what the rules read
(dates, references, levels, values, contexts, schemas, proofs, types, enumerations). Each
document is checked in conformance mode, in verify mode as a JWS-enveloped credential, and in
verify mode before it is valid. For each seed, ``rule_findings.json`` holds a digest of every
finding on it and on its variants, in order (rule id, pointer, severity, message, expected,
actual, section), and how often each rule fired. Rewrite it only when a rule's verdict changes
on purpose::

    python tests/validate/test_rule_findings.py
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from badgegate.validate import detect_kind, vocabulary
from badgegate.validate.api import KINDS
from badgegate.validate.rules import RuleContext, check
from badgegate.validate.schemas import screening
from badgegate.validate.walk import walk

REPO = Path(__file__).resolve().parents[2]
EXPECTED_FILE = Path(__file__).with_name("rule_findings.json")
FIXTURES = REPO / "fixtures" / "credentials"
OFFICIAL_FOLDERS = ("examples/spec", "vectors/validator-ob30")
VARIANTS_PER_SEED = 90
CONTEXTS = (
    RuleContext(mode="conformance", at=datetime(2026, 1, 1, tzinfo=UTC)),
    RuleContext(mode="verify", at=datetime(2026, 1, 1, tzinfo=UTC), enveloped=True),
    RuleContext(mode="verify", at=datetime(2019, 6, 1, tzinfo=UTC)),
)
# What the rules read, by property, and values that probe each rule's edges.
DATES = (
    "2024-05-01T10:00:00Z",
    "2024-05-01t10:00:00.1234567z",
    "2016-12-31T23:59:60+01:00",
    "2024-05-01T10:00:00",
    "2024-05-01 10:00",
    "2030-01-01T00:00:00-05:00",
    "2001-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "soon",
)
NUMBERS = ("-1", "0", "60", "100", "1e2", "abc", "nan", " 7 ")
HASHES = ("md5$" + "a" * 32, "sha256$" + "F" * 64, "md5$00", "sha256$" + "g" * 64, "plain")
ODD_VALUES: tuple[Any, ...] = (None, 7, True, "", ["a", "list"], [], {"not": "an id"}, [None])
CONTEXT_LISTS: tuple[Any, ...] = (
    [vocabulary.VC_V2_CONTEXT, vocabulary.OB_CONTEXT_CURRENT],
    [vocabulary.VC_V2_CONTEXT, vocabulary.OB_CONTEXTS_OLDER[0]],
    [vocabulary.VC_V2_CONTEXT, f"{vocabulary.OB_CONTEXT_PREFIX}-3.9.9.json"],
    [vocabulary.VC_V2_CONTEXT],
    [],
    [vocabulary.OB_CONTEXT_CURRENT, vocabulary.VC_V2_CONTEXT],
    [vocabulary.VC_V2_CONTEXT, {"@vocab": "https://example.org/"}],
)
SCHEMA_ENTRIES: tuple[Any, ...] = (
    {"id": vocabulary.OFFICIAL_SCHEMA_PREFIX + "x.json", "type": vocabulary.SCHEMA_VALIDATOR_TYPE},
    {"id": "relative.json", "type": vocabulary.SCHEMA_VALIDATOR_TYPE},
    {"id": "https://example.org/s.json", "type": "Other"},
    [{"id": "https://example.org/s.json", "type": "Other"}, "not an object"],
    [],
)
RULE_VALUES: dict[str, tuple[Any, ...]] = {
    "validFrom": DATES,
    "validUntil": DATES,
    "awardedDate": DATES,
    "activityStartDate": DATES,
    "activityEndDate": DATES,
    "requiredValue": NUMBERS,
    "valueMin": NUMBERS,
    "valueMax": NUMBERS,
    "allowedValue": (["C", "B"], "C", [], ["60"]),
    "identityHash": HASHES,
    "hashed": (True, False, "true"),
    "@context": CONTEXT_LISTS,
    "credentialSchema": SCHEMA_ENTRIES,
    "proof": ([], None, {"type": "DataIntegrityProof"}),
    "resultType": ("Status", "ext:Mine", "ext:no good", "Unknown"),
    "status": ("Completed", "Done"),
    "achievementType": ("Badge", "ext:Badge", "ext:", "badge"),
}
REFERENCE_PROPS = ("resultDescription", "achievedLevel", "requiredLevel", "id")


def json_seeds(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    """The JSON documents below ``folder`` that a rule root class applies to, by name."""
    seeds = []
    for path in sorted(folder.rglob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, RecursionError):  # the fixtures of unreadable files
            continue
        kind = detect_kind(document)
        if kind is not None and KINDS[kind][1] is not None:
            seeds.append((path.relative_to(folder).as_posix(), document))
    return seeds


def rule_variants(seed: dict[str, Any], root: str, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Endless variants of ``seed`` with one to three changes to what the rules read."""
    while True:
        document = copy.deepcopy(seed)
        for _ in range(rng.randint(1, 3)):
            nodes = [node for _, _, node in walk(document, root)]
            _change(rng.choice(nodes), _ids(document), rng)
        yield document


def _ids(document: Any) -> list[Any]:
    found: list[Any] = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "id" in node:
                found.append(node["id"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found or ["urn:x"]


def _change(node: dict[str, Any], ids: list[Any], rng: random.Random) -> None:
    present = [name for name in node if name in RULE_VALUES or name in REFERENCE_PROPS]
    name = rng.choice([*present, rng.choice([*RULE_VALUES, *REFERENCE_PROPS])])
    choice = rng.random()
    if choice < 0.15:
        node.pop(name, None)
    elif choice < 0.3:
        node[name] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif name in REFERENCE_PROPS:
        node[name] = rng.choice([*ids, "urn:x"])
    else:
        node[name] = copy.deepcopy(rng.choice(RULE_VALUES[name]))


def cases(
    name: str, seed: dict[str, Any], schema_variants: Callable[..., Iterator[Any]]
) -> Iterator[tuple[dict[str, Any], str]]:
    """``(document, root class)``: the seed, then variants of it if it is valid."""
    kind = detect_kind(seed)
    assert kind is not None
    root = KINDS[kind][1]
    assert root is not None
    yield seed, root
    if "invalid/" in name:
        return
    rng = random.Random(f"badgegate-rule-findings-{name}")
    schema_stream = schema_variants(seed, root, rng, rng.random() < 0.5)
    rule_stream = rule_variants(seed, root, rng)
    for index in range(VARIANTS_PER_SEED):
        variant = next(rule_stream if index % 3 else schema_stream)
        yield (variant[0] if isinstance(variant, tuple) else variant), root


def recorded(
    seeds: list[tuple[str, dict[str, Any]]], schema_variants: Callable[..., Iterator[Any]]
) -> tuple[dict[str, str], Counter[str]]:
    """Per seed, a digest of every finding on it and its variants; how often each rule fired."""
    digests: dict[str, str] = {}
    fired: Counter[str] = Counter()
    for name, seed in seeds:
        hasher = hashlib.sha256()
        for document, root in cases(name, seed, schema_variants):
            findings = [f for context in CONTEXTS for f in check(document, root, context)]
            records = [dataclasses.asdict(finding) for finding in findings]
            hasher.update(json.dumps(records, sort_keys=True, default=repr).encode() + b"\n")
            fired.update(finding.rule for finding in findings)
        digests[name] = hasher.hexdigest()[:16]
    return digests, fired


def _local_seeds() -> list[tuple[str, dict[str, Any]]]:
    return json_seeds(FIXTURES)


def _official_seeds(shared: Path) -> list[tuple[str, dict[str, Any]]]:
    base = shared / "ob3-official"
    return [
        (f"{folder}/{name}", document)
        for folder in OFFICIAL_FOLDERS
        for name, document in json_seeds(base / folder)
    ]


def _compare(name: str, digests: dict[str, str], fired: Counter[str]) -> None:
    expected = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))[name]
    changed = sorted(
        case for case, value in expected["cases"].items() if digests.get(case) != value
    )
    assert changed == []
    assert sorted(digests) == sorted(expected["cases"])
    assert dict(fired) == expected["fired"]


def test_fixtures_and_their_variants_give_the_recorded_findings(
    mutation_stream: Callable[..., Iterator[Any]],
) -> None:
    digests, fired = recorded(_local_seeds(), mutation_stream)
    _compare("fixtures", digests, fired)


@pytest.mark.shared
def test_official_documents_and_their_variants_give_the_recorded_findings(
    shared_dir: Path, mutation_stream: Callable[..., Iterator[Any]]
) -> None:
    digests, fired = recorded(_official_seeds(shared_dir), mutation_stream)
    _compare("official", digests, fired)


@pytest.mark.parametrize("variant", ["strict", "jsonld"])
def test_documents_the_screening_schema_accepts_need_no_term_checks(
    variant: str, shared_dir: Path, mutation_stream: Callable[..., Iterator[Any]]
) -> None:
    screens = {root: screening(schema, variant) for schema, root in KINDS.values() if root}
    accepted = 0
    for name, seed in _local_seeds() + _official_seeds(shared_dir):
        for document, root in cases(name, seed, mutation_stream):
            if not screens[root].is_valid(document):
                continue
            accepted += 1
            for context in CONTEXTS:
                assert check(document, root, context, screened=True) == check(
                    document, root, context
                ), name
    assert accepted > 1000


def test_the_recorded_corpus_makes_every_rule_fire(emitted_rule_ids: set[str]) -> None:
    expected = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
    fired = set(expected["fixtures"]["fired"]) | set(expected["official"]["fired"])
    assert emitted_rule_ids - fired == set()


def _write_expected() -> None:
    from conftest import mutants  # the validator tests' conftest, beside this file

    sections = {"fixtures": _local_seeds(), "official": _official_seeds(REPO.parent / "shared")}
    expected = {}
    for name, seeds in sections.items():
        digests, fired = recorded(seeds, mutants)
        expected[name] = {"cases": digests, "fired": dict(sorted(fired.items()))}
    EXPECTED_FILE.write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    _write_expected()
