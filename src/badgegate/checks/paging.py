"""Paging headers: ``X-Total-Count`` and RFC 8288 ``Link`` rels follow from limit, offset, total."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from badgegate.findings import Finding


def link_offset(url: str) -> tuple[int | None, int | None]:
    """Return the ``(limit, offset)`` query parameters of a link (``None`` when absent)."""
    query = parse_qs(urlsplit(url).query)

    def number(name: str) -> int | None:
        values = query.get(name)
        return int(values[0]) if values and values[0].isdigit() else None

    return number("limit"), number("offset")


def served_limit(
    *,
    requested: int | None,
    offset: int,
    total: int | None,
    links: Mapping[str, str],
    item_count: int,
    default: int | None = None,
) -> int | None:
    """The page size a page was served with.

    Asked for, it is the request's ``limit``. Not asked for, it is the target's own choice (OB
    3.0 sets no default page size): the ``limit`` its ``Link`` rels carry, else the page size
    learned for the target (``default``), else the page's own length when more records follow;
    ``None`` when it cannot be known (every remaining record fits on the page).
    """
    if requested is not None:
        return requested
    for rel in ("first", "last", "next", "prev"):
        if rel in links:
            rel_limit, _ = link_offset(links[rel])
            if rel_limit:
                return rel_limit
    if default:
        return default
    if total is not None and 0 < item_count < total - offset:
        return item_count
    return None


def check_page(
    *,
    requested: int | None,
    offset: int,
    total: int | None,
    links: Mapping[str, str],
    item_count: int,
    default: int | None = None,
) -> list[Finding]:
    """:func:`check_paging` for a page asked for with or without a ``limit``.

    Without one and with the page size unknown, the page must hold every remaining record;
    the rels are checked where they do not depend on the page size (at offset 0 any page
    size at least the total gives the same rels).
    """
    limit = served_limit(
        requested=requested,
        offset=offset,
        total=total,
        links=links,
        item_count=item_count,
        default=default,
    )
    if limit is None:
        if total is None or offset == 0:
            limit = max(total or item_count, 1)
        else:
            remaining = max(0, total - offset)
            if item_count == remaining:
                return []
            return [
                Finding(
                    "paging-items",
                    f"page at offset {offset} without limit of {total}",
                    expected=remaining,
                    actual=item_count,
                )
            ]
    return check_paging(limit=limit, offset=offset, total=total, links=links, item_count=item_count)


def expected_links(limit: int, offset: int, total: int) -> dict[str, int]:
    """The rels a page must carry, each with the offset it must point at."""
    last = max(0, (total - 1) // limit * limit) if total else 0
    rels = {"first": 0, "last": last}
    if offset + limit < total:
        rels["next"] = offset + limit
    if offset > 0:
        rels["prev"] = max(0, offset - limit)
    return rels


def check_paging(
    *, limit: int, offset: int, total: int | None, links: Mapping[str, str], item_count: int
) -> list[Finding]:
    """Check one page's headers against the request's ``limit``/``offset`` and the total."""
    if total is None:
        return [Finding("paging-total", "X-Total-Count header is missing or not an integer")]
    findings = []
    expected_items = max(0, min(limit, total - offset))
    if item_count != expected_items:
        findings.append(
            Finding(
                "paging-items",
                f"page at offset {offset} with limit {limit} of {total}",
                expected=expected_items,
                actual=item_count,
            )
        )
    wanted = expected_links(limit, offset, total)
    for rel, target_offset in wanted.items():
        if rel not in links:
            findings.append(Finding("paging-link", f"Link rel={rel} is missing", expected=rel))
            continue
        rel_limit, rel_offset = link_offset(links[rel])
        if (rel_offset or 0) != target_offset or rel_limit not in (None, limit):
            findings.append(
                Finding(
                    "paging-link",
                    f"Link rel={rel} points at the wrong page",
                    expected={"limit": limit, "offset": target_offset},
                    actual={"limit": rel_limit, "offset": rel_offset},
                )
            )
    for rel in set(links) & {"next", "prev"} - set(wanted):
        findings.append(
            Finding("paging-link", f"Link rel={rel} must not be present here", actual=links[rel])
        )
    return findings
