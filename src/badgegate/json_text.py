"""Fast JSON reading and canonical writing, with the standard library's exact meaning.

``orjson`` parses and serialises several times faster than :mod:`json`, but it differs at the
edges: it refuses what :mod:`json` accepts (``NaN`` tokens, unpaired surrogate escapes, numbers
beyond a double, integer keys) and reads integers beyond 64 bits as floats. Each function here
takes the fast path when it means the same thing and falls back to :mod:`json` otherwise, so
callers get the standard library's results (and errors) at ``orjson``'s speed.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

#: A run of 19 digits: the only way an integer beyond 64 bits (which orjson would read as a
#: float) can be written. It may also match a long number in a string: that only costs speed.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


def loads(data: bytes | str) -> Any:
    """Parse a JSON document as ``json.loads`` would (same value, same :class:`ValueError`)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if _LONG_DIGITS.search(raw) is None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # json decides: it accepts more, and its errors are the ones users see
    return json.loads(data)


def canonical(value: Any) -> bytes:
    """The canonical JSON of ``value``: keys sorted, no spaces, UTF-8 (unpaired surrogates kept).

    Equal values give equal bytes, which is all a digest needs; the text is orjson's (a float's
    exponent is written ``1e-7``, not ``1e-07``), and NaN and the infinities, which JSON has no
    token for, are written ``null``.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits, non-string keys, unpaired surrogates
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "surrogatepass")
