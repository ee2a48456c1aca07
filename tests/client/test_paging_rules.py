"""RFC 8288 Link parsing and the consistency rules of walking pages (no network)."""

from __future__ import annotations

import pytest

from badgegate.client import Page, ProtocolError, parse_link_header, walk_pages
from badgegate.client.paging import parse_total

BASE = "http://127.0.0.1:8000/ims/ob/v3p0"


def test_link_header_with_every_rel_of_the_api() -> None:
    header = (
        f'<{BASE}/credentials?limit=2&offset=2>; rel="next", '
        f'<{BASE}/credentials?limit=2&offset=0>; rel="first", '
        f'<{BASE}/credentials?limit=2&offset=8>; rel="last", '
        f'<{BASE}/credentials?limit=2&offset=0>; rel="prev"'
    )
    assert parse_link_header(header) == {
        "next": f"{BASE}/credentials?limit=2&offset=2",
        "first": f"{BASE}/credentials?limit=2&offset=0",
        "last": f"{BASE}/credentials?limit=2&offset=8",
        "prev": f"{BASE}/credentials?limit=2&offset=0",
    }


def test_link_header_edge_cases_of_rfc_8288() -> None:
    header = (
        '<http://h/a?x=1,2;3>; title="a, b; c"; rel="next last", '
        "<http://h/b>;rel=first,"
        '<http://h/c>; REL="Prev"; anchor="#z", '
        '<http://h/d>; rel="next"'  # a second next: the first one wins
    )
    assert parse_link_header(header) == {
        "next": "http://h/a?x=1,2;3",
        "last": "http://h/a?x=1,2;3",
        "first": "http://h/b",
        "prev": "http://h/c",
    }


@pytest.mark.parametrize("header", [None, "", "garbage", '<http://h/a>; title="x"'])
def test_link_header_without_relations_gives_no_links(header: str | None) -> None:
    assert parse_link_header(header) == {}


def test_total_count_must_be_a_non_negative_integer() -> None:
    assert parse_total(None) is None
    assert parse_total(" 42 ") == 42
    with pytest.raises(ProtocolError, match="X-Total-Count '-1'"):
        parse_total("-1")


def _pages(*specs: tuple[str, list[int], int | None, str | None]) -> dict[str, Page[int]]:
    return {
        url: Page(items, total, {"next": nxt} if nxt else {}, url=url)
        for url, items, total, nxt in specs
    }


def _walk(pages: dict[str, Page[int]], first: str) -> list[int]:
    walked = walk_pages(pages[first], pages.__getitem__, base_url=BASE)
    return [item for page in walked for item in page.items]


def test_walk_follows_next_links_to_the_end() -> None:
    pages = _pages(
        (f"{BASE}/p?o=0", [1, 2], 5, f"{BASE}/p?o=2"),
        (f"{BASE}/p?o=2", [3, 4], 5, f"{BASE}/p?o=4"),
        (f"{BASE}/p?o=4", [5], 5, None),
    )
    assert _walk(pages, f"{BASE}/p?o=0") == [1, 2, 3, 4, 5]


def test_walk_without_a_total_trusts_the_links() -> None:
    pages = _pages(
        (f"{BASE}/p?o=0", [1], None, f"{BASE}/p?o=1"), (f"{BASE}/p?o=1", [2], None, None)
    )
    assert _walk(pages, f"{BASE}/p?o=0") == [1, 2]


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (
            [
                (f"{BASE}/p?o=0", [1], 2, f"{BASE}/p?o=1"),
                (f"{BASE}/p?o=1", [2], 2, f"{BASE}/p?o=0"),
            ],
            "paging loops",
        ),
        (
            [(f"{BASE}/p?o=0", [1], 3, f"{BASE}/p?o=1"), (f"{BASE}/p?o=1", [2], 3, None)],
            "pages held 2 items but X-Total-Count is 3",
        ),
        (
            [(f"{BASE}/p?o=0", [1, 2], 2, f"{BASE}/p?o=2"), (f"{BASE}/p?o=2", [2], 2, None)],
            "3 items so far",
        ),
        (
            [(f"{BASE}/p?o=0", [1], 2, f"{BASE}/p?o=1"), (f"{BASE}/p?o=1", [2], 3, None)],
            "X-Total-Count was 2 on the first page and 3",
        ),
        (
            [(f"{BASE}/p?o=0", [], 2, f"{BASE}/p?o=1"), (f"{BASE}/p?o=1", [1, 2], 2, None)],
            "is empty but has a next link",
        ),
        (
            [(f"{BASE}/p?o=0", [1], 2, "http://evil.example/p?o=1")],
            "leaves http://127.0.0.1:8000",
        ),
    ],
    ids=["loop", "skipped item", "served twice", "total changes", "empty page", "other origin"],
)
def test_walk_stops_on_inconsistent_paging(
    specs: list[tuple[str, list[int], int | None, str | None]], message: str
) -> None:
    with pytest.raises(ProtocolError, match=message):
        _walk(_pages(*specs), f"{BASE}/p?o=0")
