"""Paging of the engine's lists: strict ``limit``/``offset``/``since`` and the paging headers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from badgegate.engine.model.datetimes import instant_key
from badgegate.engine.wire.imsx import query_error
from badgegate.engine.wire.inbound import query_parameters

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_OFFSET = 2**31 - 1
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


@dataclass(frozen=True)
class PageRequest:
    """A validated page request: ``since`` is kept both as given and as a sortable key."""

    limit: int
    offset: int
    since: str | None = None
    since_key: str | None = None


def page_request(
    request: Request,
    *,
    allow_since: bool,
    loose_since: bool = False,
    default_limit: int = DEFAULT_LIMIT,
) -> PageRequest:
    """Parse ``limit`` (``default_limit`` when absent), ``offset`` (and ``since`` when allowed)
    strictly from the raw query (``loose_since``, a fault: a ``since`` that is no date-time is
    ignored instead)."""
    params = query_parameters(request)
    limit = _integer(params, "limit", default_limit, 1, MAX_LIMIT)
    offset = _integer(params, "offset", 0, 0, MAX_OFFSET)
    since = params.get("since") if allow_since else None
    since_key = None
    if since is not None:
        since_key = instant_key(since)
        if since_key is None and loose_since:
            since = None
        elif since_key is None:
            raise query_error(
                f"since must be an RFC 3339 date-time with a time zone, got {since!r}"
            )
    return PageRequest(limit, offset, since, since_key)


def _integer(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text is None:
        return default
    if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
        raise query_error(f"{name} must be an integer from {low} to {high}, got {text!r}")
    return int(text)


def paging_headers(request: Request, page: PageRequest, total: int) -> dict[str, str]:
    """Return ``X-Total-Count`` and an RFC 8288 ``Link`` (first, last, next, prev) for a page."""
    last = ((total - 1) // page.limit) * page.limit if total > 0 else 0
    links = [("first", 0), ("last", last)]
    if page.offset + page.limit < total:
        links.append(("next", page.offset + page.limit))
    if page.offset > 0:
        links.append(("prev", max(0, page.offset - page.limit)))
    base = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
    rendered = ", ".join(f'<{base}?{_query(page, offset)}>; rel="{rel}"' for rel, offset in links)
    return {"X-Total-Count": str(total), "Link": rendered}


def _query(page: PageRequest, offset: int) -> str:
    params: dict[str, str | int] = {"limit": page.limit, "offset": offset}
    if page.since is not None:
        params["since"] = page.since
    return urlencode(params)
