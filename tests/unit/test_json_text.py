"""``badgegate.json_text``: orjson's speed with the standard library's results and errors."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badgegate.json_text import canonical, dumps, loads

#: Documents where orjson on its own would differ from json: refuse, or read another value.
EDGE_DOCUMENTS = [
    b'{"a":1,"a":2}',
    b"[NaN, Infinity, -Infinity]",
    b'["\\ud800"]',
    b'{"a":"\xed\xa0\x80"}',
    b"[123456789012345678901234567890, -9223372036854775809, 18446744073709551616]",
    b"[1e400]",
    b"[-0.0, 5e-324, 1.7976931348623157e308]",
    b'"\\u0000"',
    b' {"a": [1, 2.5, "x"]} ',
    b'{"id": "1234567890123456789012345"}',
    b'{"salt": "789b7388603250368668067391c864cc", "n": [18446744073709551616]}',
    b'{"n":\t-92233720368547758090, "m": [1.123456789012345678901, 1e12345678901234567890]}',
]
BROKEN_DOCUMENTS = [b"[1", b"", b"\xff", b'{"a":"x"} junk', b"{'a': 1}", b"[01]"]


def _outcome(parse: Any, document: bytes) -> tuple[str, str]:
    try:
        value = parse(document)
    except ValueError as error:
        return ("error", f"{type(error).__name__}: {error}")
    return ("value", repr(value))


@pytest.mark.parametrize("document", EDGE_DOCUMENTS + BROKEN_DOCUMENTS)
def test_loads_reads_what_json_reads_and_fails_as_json_fails(document: bytes) -> None:
    assert _outcome(loads, document) == _outcome(json.loads, document)


def test_loads_keeps_integers_beyond_64_bits_exact() -> None:
    value = loads(b"[18446744073709551617]")
    assert value == [18446744073709551617]
    assert isinstance(value[0], int)


def test_loads_takes_text_as_well_as_bytes() -> None:
    assert loads('{"name": "é\\ud83d\\ude00"}') == {"name": "é😀"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _stdlib_canonical(value: Any) -> bytes:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


@given(json_values)
def test_loads_round_trips_any_document(value: Any) -> None:
    document = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    assert loads(document) == json.loads(document)


@given(json_values)
def test_canonical_is_the_sorted_compact_json_without_floats(value: Any) -> None:
    assert canonical(value) == _stdlib_canonical(value)


@given(st.dictionaries(st.text(), st.floats(allow_nan=False, allow_infinity=False), max_size=5))
def test_canonical_floats_read_back_to_the_same_value(value: dict[str, float]) -> None:
    assert json.loads(canonical(value)) == value


def test_canonical_ignores_key_order_and_keeps_non_string_keys_working() -> None:
    assert canonical({"b": 1, "a": [True, None]}) == canonical({"a": [True, None], "b": 1})
    assert canonical({1: "x"}) == b'{"1":"x"}'
    assert canonical({"a": 2**70}) == b'{"a":1180591620717411303424}'


def test_canonical_tells_apart_values_that_differ_only_in_type() -> None:
    assert canonical([1]) != canonical([1.0])
    assert canonical(["1"]) != canonical([1])
    assert math.isnan(loads(b"[NaN]")[0])


@given(json_values)
def test_dumps_reads_back_as_the_value_in_the_same_member_order(value: Any) -> None:
    text = dumps(value)
    assert json.loads(text) == value
    assert text == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_dumps_escapes_a_value_holding_an_unpaired_surrogate_so_utf8_can_carry_it() -> None:
    text = dumps({"id": "\ud800", "name": "é"})
    assert text.isascii() and json.loads(text) == {"id": "\ud800", "name": "é"}


def test_loads_leaves_nesting_beyond_orjsons_check_to_json() -> None:
    deep = b"[" * 300 + b"]" * 300
    assert loads(deep) == json.loads(deep)
    too_deep = b"[" * 1000 + b"]" * 1000  # orjson reads it; json cannot
    with pytest.raises(RecursionError):
        json.loads(too_deep)
    with pytest.raises(RecursionError):
        loads(too_deep)
