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

#: Digits to ``0``, every other byte to ``.``: a run of 19 digits is then a run of 19 ``0``.
#: Such a run is the only way to write an integer beyond 64 bits (which orjson would read as a
#: float). Translating and searching is about 15 times faster than a regular expression.
_DIGITS = bytes(ord("0") if ord("0") <= byte <= ord("9") else ord(".") for byte in range(256))
_LONG_DIGITS = b"0" * 19
#: What may come before a number in JSON (a digit run after anything else is inside a string).
_BEFORE_NUMBER = frozenset(b":[,- \t\r\n")


def _may_hold_long_integer(raw: bytes) -> bool:
    """True when ``raw`` has a run of 19 digits where a number may start (or cannot tell)."""
    digits = raw.translate(_DIGITS)
    start = digits.find(_LONG_DIGITS)
    while start >= 0:
        if start == 0 or raw[start - 1] in _BEFORE_NUMBER:
            return True
        end = digits.find(b".", start)
        if end < 0:
            return False
        start = digits.find(_LONG_DIGITS, end)
    return False


def loads(data: bytes | str) -> Any:
    """Parse a JSON document as ``json.loads`` would (same value, same :class:`ValueError`).

    One difference: a document nested more deeply than :mod:`json`'s recursion allows (about
    990 levels; it raises :class:`RecursionError`) is read, up to orjson's 1,024 levels.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if not _may_hold_long_integer(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # json decides: it accepts more, and its errors are the ones users see
    return json.loads(data)


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
    """``value`` as compact JSON text in insertion order, at orjson's speed.

    The text reads back as the same value; it is ``json.dumps``'s text except for how some
    floats are written (``1e-05`` there, ``0.00001`` here).
    """
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # integers beyond 64 bits, non-string keys, unpaired surrogates
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
