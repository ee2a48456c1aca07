"""Reading and writing JSON: orjson where it agrees with the standard library, which decides.

``parse_json`` and ``canonical_json`` must answer exactly as their standard-library
references do: the same document (types, key order, float bits), the same stored text byte
for byte, the same 400. These tests pin the cases where the two libraries differ (over-long
integers, small floats, lone surrogates, deep nesting, non-finite numbers) and compare the
two on generated documents and byte strings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegate.engine.wire.imsx import ApiError
from badgegate.engine.wire.inbound import (
    canonical_json,
    canonical_json_reference,
    parse_json,
    parse_json_reference,
)

# Both libraries are cheap to call: many more examples than the profile's default.
MANY = settings(max_examples=400, deadline=None)

EDGE_NUMBERS = [
    2**63 - 1,
    2**63,
    2**64 - 1,
    2**64,
    -(2**63),
    -(2**63) - 1,
    10**19,
    -(10**19),
    10**30,
    1e16,
    1e22,
    1e-4,
    9.999999999999999e-05,
    1e-05,
    1.5e-07,
    1e-09,
    1e-10,
    5e-324,
    -0.0,
    0.0,
    57.0,
    1.7976931348623157e308,
]
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**65), max_value=2**65),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e-3, max_value=1e-3),
    st.sampled_from(EDGE_NUMBERS),
)
# Every code point: NUL, control characters, U+2028 and lone surrogates included.
TEXTS = st.text(st.characters(codec=None), max_size=12)
VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXTS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4),
    max_leaves=25,
)
TOKENS = [
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b" ",
    b'"a"',
    b'"\\ud800"',
    b'"\\udc00\\ud800"',
    b'"\\ud83d\\ude00"',
    b'"\\u0000"',
    b'"\x00"',
    b'"\x1f"',
    b"\xff",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"0",
    b"-0",
    b"-0.0",
    b"1.5",
    b"1e400",
    b"-1e400",
    b"1e-400",
    b"1E+2",
    b"1e-7",
    b"0.00001",
    b"99999999999999999999",
    b"-9223372036854775809",
    b"01",
    b"1.",
    b"NaN",
    b"-Infinity",
    b"true",
    b"null",
]


def answer(call: Callable[[Any], Any], argument: Any) -> tuple[Any, ...]:
    """What ``call(argument)`` gives: ``("value", result)`` or ``("error", status, text)``."""
    try:
        return ("value", call(argument))
    except ApiError as error:
        return ("error", error.status, error.description)


def same_document(left: Any, right: Any) -> bool:
    """Whether two parsed documents are identical: types, key order, float bits (iterative,
    so any nesting depth compares)."""
    pending = [(left, right)]
    while pending:
        one, other = pending.pop()
        if type(one) is not type(other):
            return False
        if isinstance(one, dict):
            if list(one) != list(other):
                return False
            pending.extend(zip(one.values(), other.values(), strict=True))
        elif isinstance(one, list):
            if len(one) != len(other):
                return False
            pending.extend(zip(one, other, strict=True))
        elif isinstance(one, float):
            if one != other or math.copysign(1.0, one) != math.copysign(1.0, other):
                return False
        elif one != other:
            return False
    return True


def assert_parsed_as_reference(body: bytes) -> None:
    """``parse_json(body)`` answers as ``parse_json_reference(body)`` does."""
    expected, got = answer(parse_json_reference, body), answer(parse_json, body)
    if expected[0] == "value":
        assert got[0] == "value", got
        assert same_document(got[1], expected[1])
    else:
        assert got == expected


def nested(depth: int, inner: Any = 1) -> Any:
    """``inner`` inside ``depth - 1`` arrays and objects, alternating."""
    value = inner
    for level in range(depth - 1):
        value = [value] if level % 2 else {"a": value}
    return value


@MANY
@given(VALUES)
def test_canonical_json_writes_the_reference_text(value: Any) -> None:
    assert answer(canonical_json, value) == answer(canonical_json_reference, value)


@MANY
@given(VALUES, st.booleans(), st.sampled_from([None, 1]))
def test_parse_json_reads_documents_as_the_reference_does(
    value: Any, ascii_only: bool, indent: int | None
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    assert_parsed_as_reference(text.encode("utf-8", "surrogatepass"))


@MANY
@given(st.lists(st.sampled_from(TOKENS), max_size=12).map(b"".join) | st.binary(max_size=24))
def test_parse_json_answers_token_soup_as_the_reference_does(body: bytes) -> None:
    assert_parsed_as_reference(body)


@pytest.mark.parametrize("number", EDGE_NUMBERS, ids=repr)
def test_edge_numbers_read_and_written_as_the_reference_does(number: float) -> None:
    document = {"before": "x", "value": number, "list": [number, -number]}
    assert canonical_json(document) == canonical_json_reference(document)
    for text in (json.dumps(document), canonical_json_reference(document)):
        assert_parsed_as_reference(text.encode())


# Well clear of where the standard library's recursion limit falls (below 1000, depending
# on the stack), where one more frame may move the refusal by a level.
@pytest.mark.parametrize("depth", [254, 255, 256, 300, 600, 1024, 1025, 5000])
def test_nesting_answers_as_the_reference_does(depth: int) -> None:
    body = canonical_json_reference(nested(min(depth, 600))).encode()
    if depth > 600:
        body = b"[" * depth + b"]" * depth
    assert_parsed_as_reference(body)
    if depth <= 600:
        value = nested(depth)
        assert answer(canonical_json, value) == answer(canonical_json_reference, value)


def test_a_small_float_inside_a_string_only_costs_the_slow_path() -> None:
    document = {"note": "0.00001 and 1e-7,", "value": 0.5}
    assert canonical_json(document) == '{"note":"0.00001 and 1e-7,","value":0.5}'


def test_nul_and_lone_surrogates_answer_as_the_reference_does() -> None:
    for value in ({"name": "a\x00b"}, {"name": "\ud800"}, {"\udfff": 1}, ["\x00"]):
        assert answer(canonical_json, value) == answer(canonical_json_reference, value)
    assert answer(canonical_json, {"name": "\ud800"})[0] == "error"
