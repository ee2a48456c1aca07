"""The fast paths give the verdicts of the exact ones.

The screening validators state ``date-time``, ``date`` and ``iri`` as patterns: they must never
accept what the format functions reject. The plain-JSON walk must never let through a document that
``json.dumps`` (the exact safety check) refuses. ``from_json`` and ``validate_many`` must agree
with ``validate`` finding for finding.
"""

from __future__ import annotations

import collections
import copy
import decimal
import json
import random
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from badgegate.validate import validate, validate_credential, validate_many
from badgegate.validate.schemas import (
    SCREENING_PATTERNS,
    compiled,
    is_date,
    is_date_time,
    schema_findings,
    screening,
)
from badgegate.validate.vocabulary import is_absolute_iri

REPO = Path(__file__).resolve().parents[2]
FULL = json.loads(
    (REPO / "fixtures/credentials/valid/achievement-credential-full.json").read_text()
)
DATE_CHARS = "0123456789-:TtZz+.\n٣ "
IRI_CHARS = 'az09:/%#?. \t\n<>"{}|\\^`\x00\x7f\x85\xa0é\u3000\u2028\ufeff😀AF'


def _pattern(name: str) -> Any:
    return jsonschema_rs.Draft201909Validator({"pattern": SCREENING_PATTERNS[name]})


def test_iri_pattern_and_format_agree_on_every_string() -> None:
    pattern = _pattern("iri")
    rng = random.Random(5)
    seeds = ["https://example.org/a%20b?q=1#f", "urn:uuid:0f8fad5b", "did:key:z6Mk#z6Mk", "x:é"]
    accepted = 0
    for _ in range(40_000):
        text = list(rng.choice(seeds))
        for _ in range(rng.randint(0, 3)):
            text[rng.randrange(len(text))] = rng.choice(IRI_CHARS)
        candidate = "".join(text)
        assert pattern.is_valid(candidate) == is_absolute_iri(candidate), repr(candidate)
        accepted += is_absolute_iri(candidate)
    assert accepted > 1_000
    for relative in ("badges/1", "//example.org/a", "1http://x", "https:", "https://a b", ""):
        assert not is_absolute_iri(relative), relative


def test_date_pattern_accepts_exactly_the_real_days() -> None:
    pattern = _pattern("date")
    years = [*range(0, 2101), 2400, 2800, 3200, 9999]
    for year in years:
        for month in range(0, 14):
            for day in range(0, 33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                assert pattern.is_valid(text) == is_date(text), text


def test_date_time_pattern_is_never_more_permissive_than_the_format() -> None:
    pattern = _pattern("date-time")
    rng = random.Random(3)
    seeds = ["2024-02-29T23:59:60.123+05:30", "1900-02-29T00:00:00Z", "2000-02-29t12:00:00z"]
    accepted_alike = 0
    for _ in range(40_000):
        text = list(rng.choice(seeds))
        for _ in range(rng.randint(0, 3)):
            text[rng.randrange(len(text))] = rng.choice(DATE_CHARS)
        candidate = "".join(text)
        if pattern.is_valid(candidate):
            assert is_date_time(candidate), candidate
            accepted_alike += 1
        elif candidate.isascii() and "\n" not in candidate:
            assert not is_date_time(candidate), candidate
    assert accepted_alike > 1_000


def test_screening_rejection_falls_back_to_the_exact_verdict() -> None:
    credential = copy.deepcopy(FULL)
    credential["validFrom"] = "2024-01-01T00:00:00Z\n"  # Python's ``$`` accepts the newline
    assert not screening("achievement-credential").is_valid(credential)
    assert compiled("achievement-credential").is_valid(credential)
    assert schema_findings("achievement-credential", "strict", credential) == []


@pytest.mark.parametrize(
    "extra,too_deep",
    [
        ((1, 2), False),
        (collections.OrderedDict(a=1), False),
        ({1: "integer keys encode"}, False),
        (float("nan"), False),
        ({1}, True),
        (b"bytes", True),
        (decimal.Decimal("1.5"), True),
        ({(1,): "tuple key"}, True),
        (object(), True),
    ],
)
def test_unusual_values_get_the_json_dumps_verdict(extra: Any, too_deep: bool) -> None:
    credential = copy.deepcopy(FULL)
    credential["extra"] = extra
    rules = [finding.rule for finding in validate_credential(credential)]
    assert ("document-too-deep" in rules) is too_deep


def test_cycles_with_fan_out_are_refused_at_once() -> None:
    loop: dict[str, Any] = {}
    loop["left"] = loop["right"] = loop
    credential = copy.deepcopy(FULL)
    credential["credentialSubject"]["loop"] = loop
    assert [f.rule for f in validate_credential(credential)] == ["document-too-deep"]


def test_nesting_beyond_the_plain_walk_is_judged_by_json_dumps() -> None:
    credential = copy.deepcopy(FULL)
    node = credential["credentialSubject"]
    for _ in range(400):
        node["nested"] = {}
        node = node["nested"]
    assert [f.rule for f in validate_credential(credential) if f.is_error] == []


def test_from_json_and_validate_many_agree_with_validate() -> None:
    documents = []
    for change in ("validUntil", "name", "awardedDate", None):
        document = copy.deepcopy(FULL)
        if change:
            document[change] = 7 if change == "name" else "2020-01-01T00:00:00"
        documents.append(document)
    expected = [validate(d, "credential") for d in documents]
    parsed = [json.loads(json.dumps(d)) for d in documents]
    assert [validate(d, "credential", from_json=True) for d in parsed] == expected
    assert validate_many(documents) == expected
    assert validate_many(parsed, from_json=True) == expected
    assert any(expected) and not all(expected)


def test_unhashable_references_are_findings_not_crashes() -> None:
    credential = copy.deepcopy(FULL)
    achievement = credential["credentialSubject"]["achievement"]
    achievement["resultDescription"][0]["id"] = {"not": "an id"}
    credential["credentialSubject"]["result"][0]["achievedLevel"] = ["a", "list"]
    rules = {finding.rule for finding in validate_credential(credential)}
    assert "achieved-level-ref" in rules
