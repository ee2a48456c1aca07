"""Fast JSON reading and canonical writing, with the standard library's exact meaning.

``orjson`` parses and serialises several times faster than :mod:`json`, but it differs at the
edges: it refuses what :mod:`json` accepts (``NaN`` tokens, unpaired surrogate escapes, numbers
beyond a double, integer keys) and reads integers beyond 64 bits as floats. Each function here
takes the fast path when it means the same thing and falls back to :mod:`json` otherwise, so
callers get the standard library's values (and errors) at ``orjson``'s speed. (Written text may
differ from :mod:`json`'s in how floats look, never in what they are.)
"""

from __future__ import annotations

import json
from typing import Any

import orjson


class NotExact(Exception):
    """orjson refused a document, or might read it otherwise than :mod:`json` does."""


def exact_loads(raw: bytes) -> Any:
    """orjson's reading of ``raw`` when it is exactly :mod:`json`'s; else :class:`NotExact`.

    orjson refuses what :mod:`json` may accept (lone surrogate escapes, ``NaN``, numbers
    beyond a double, nesting beyond 1,024 levels) and reads an integer beyond 64 bits as a
    float. One orjson serialisation of the result tells: it fails beyond 254 levels (so
    :mod:`json` decides about deep nesting too), and a float of 2**63 or more, where an
    over-long integer would show, is written with ``e+`` (which may also be inside a string:
    that only costs speed).
    """
    try:
        written = orjson.dumps(document := orjson.loads(raw))
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        raise NotExact from None
    if may_hold_wide_integer(written):
        raise NotExact
    return document


def may_hold_wide_integer(written: bytes) -> bool:
    """Whether ``written``, orjson's writing of a value it read, may hold an integer beyond 64
    bits that it read as a float: such a float is written with ``e+`` (a string may hold it
    too; a false alarm only costs speed)."""
    return b"+" in written and b"e+" in written  # one byte first: found far faster, and rare


def loads(data: bytes | str) -> Any:
    """Parse a JSON document as ``json.loads`` would (same value, same :class:`ValueError`)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        return exact_loads(raw)
    except NotExact:
        return json.loads(data)  # json decides: it accepts more, and its errors are users'


def canonical(value: Any) -> bytes:
    """The canonical JSON of ``value``: keys sorted, no spaces, UTF-8 (unpaired surrogates kept).

    Equal values give equal bytes, which is all a digest needs; the text is orjson's (floats
    may be written as ``1e-7`` or ``0.00001`` where json writes ``1e-07`` or ``1e-05``), and NaN
    and the infinities, which JSON has no token for, are written ``null``.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits, non-string keys, unpaired surrogates
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "surrogatepass")


def dumps(value: Any) -> str:
    """``value`` as compact JSON text in insertion order, at orjson's speed; always UTF-8-safe.

    The text reads back as the same value; it is ``json.dumps``'s text except for how some
    floats are written (``1e-05`` there, ``0.00001`` here), and for unpaired surrogates, which
    UTF-8 cannot carry: a value holding one is written with ASCII escapes throughout.
    """
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # integers beyond 64 bits, non-string keys, unpaired surrogates
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":"))
    return text
