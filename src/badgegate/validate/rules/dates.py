"""Rules on dates: a zone on every date-time, start before end, and validity at a given time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from badgegate.findings import Finding
from badgegate.validate.rules.judging import Location, RuleContext, finding
from badgegate.validate.schemas import is_date_time, parse_date_time

_ZONELESS = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
_CREDENTIAL_DATES = ("validFrom", "validUntil", "awardedDate")


def credential_dates(
    where: Location, node: dict[str, Any], context: RuleContext
) -> Iterator[Finding]:
    """Dates carry a zone, ``validFrom`` <= ``validUntil``, and the status at ``context.at``."""
    moments: list[datetime | None] = []
    for name in _CREDENTIAL_DATES:
        value = node.get(name)
        moment = parse_date_time(value) if isinstance(value, str) else None
        if moment is None and isinstance(value, str) and not is_date_time(value):
            yield _zone_finding(where, name, value)
        moments.append(moment)
    valid_from, valid_until, awarded = moments
    if valid_from and valid_until and valid_from > valid_until:
        yield _date_order_finding(where, node, "validFrom", "validUntil")
    if awarded and valid_from and awarded > valid_from:
        yield finding(
            "awarded-date",
            where,
            ("awardedDate",),
            "awardedDate is later than validFrom",
            severity="warning",
            expected=f"<= {node['validFrom']}",
            actual=node["awardedDate"],
        )
    if valid_from and valid_from > context.at:
        yield finding(
            "not-yet-valid",
            where,
            ("validFrom",),
            f"not valid before {node['validFrom']}",
            severity=context.status_severity,
            section="8.1",
        )
    if valid_until and valid_until < context.at:
        yield finding(
            "expired",
            where,
            ("validUntil",),
            f"expired at {node['validUntil']}",
            severity=context.status_severity,
            section="8.1",
        )


def _zone_finding(where: Location, name: str, value: str) -> Finding:
    zone = "has no time zone" if _ZONELESS.match(value) else "is not an RFC 3339 date-time"
    return finding("datetime-zone", where, (name,), f"{name} {zone}", actual=value)


def activity_dates(
    where: Location, node: dict[str, Any], context: RuleContext
) -> Iterator[Finding]:
    """``activityStartDate`` is not after ``activityEndDate``."""
    start, end = _moment(node, "activityStartDate"), _moment(node, "activityEndDate")
    if start and end and start > end:
        yield _date_order_finding(where, node, "activityStartDate", "activityEndDate")


def _moment(node: dict[str, Any], name: str) -> datetime | None:
    value = node.get(name)
    return parse_date_time(value) if isinstance(value, str) else None


def _date_order_finding(where: Location, node: dict[str, Any], first: str, last: str) -> Finding:
    return finding(
        "date-order",
        where,
        (last,),
        f"{last} is earlier than {first}",
        expected=f">= {node[first]}",
        actual=node[last],
    )
