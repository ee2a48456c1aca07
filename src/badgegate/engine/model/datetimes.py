"""Strict RFC 3339 date-times, as OB 3.0's ``DateTimeZ`` and the ``since`` parameter need them.

An instant is kept as a *sortable key*: the UTC time as ``YYYY-MM-DDTHH:MM:SS`` followed by a
fraction padded to twelve digits. Keys compare as strings in the same order as the instants,
without losing sub-microsecond digits, so ``since`` can be strictly "after" in SQL.
"""

from __future__ import annotations

import datetime as dt
import re

_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?(Z|[+-]\d{2}:\d{2})",
    re.ASCII,
)
_FRACTION_DIGITS = 12


def instant_key(text: object) -> str | None:
    """Return the sortable UTC key of an RFC 3339 date-time with a zone, or ``None`` if invalid.

    Lower-case ``t``/``z`` and date-times without a zone are refused, as are impossible dates
    (``2023-02-29``) and offsets beyond ±23:59.
    """
    if not isinstance(text, str):
        return None
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return None
    fraction = (match.group(7) or "").ljust(_FRACTION_DIGITS, "0")
    # The fields are fixed-width ASCII digits: as strings they compare like their numbers.
    if match.group(8) == "Z" and text[17:19] < "60":
        # Already UTC: the key is the text itself once the date and time are possible.
        if text[11:13] > "23" or text[14:16] > "59" or not _is_utc_date(text):
            return None
        return text[:19] + "." + fraction
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    leap = second == 60
    if second > 60 or (leap and minute != 59):
        return None
    try:
        local = dt.datetime(year, month, day, hour, minute, 59 if leap else second)
        utc = local - _offset(match.group(8))
    except (ValueError, OverflowError):
        return None
    if leap:
        fraction = "9" * _FRACTION_DIGITS
    return f"{utc:%Y-%m-%dT%H:%M:%S}".rjust(19, "0") + "." + fraction


def _is_utc_date(text: str) -> bool:
    """Whether the ``YYYY-MM-DD`` that ``text`` starts with is a possible date."""
    month, day = text[5:7], text[8:10]
    if "01" <= month <= "12" and "01" <= day <= "28" and text[:4] != "0000":
        return True  # every month of every year from 1 on has 28 days
    return _is_date(int(text[:4]), int(month), int(day))


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _offset(zone: str) -> dt.timedelta:
    if zone == "Z":
        return dt.timedelta(0)
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset out of range: {zone}")
    delta = dt.timedelta(hours=hours, minutes=minutes)
    return -delta if zone[0] == "-" else delta


def numeric_date_key(value: object) -> str | None:
    """Return the sortable key of a JWT NumericDate (seconds since the epoch), or ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        moment = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=value)
    except (OverflowError, ValueError):
        return None
    fraction = f"{moment.microsecond:06d}".ljust(_FRACTION_DIGITS, "0")
    return f"{moment:%Y-%m-%dT%H:%M:%S}".rjust(19, "0") + "." + fraction
