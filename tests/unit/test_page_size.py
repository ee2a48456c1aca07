"""OB 3.0 sets no default page size: a page asked for without ``limit`` is judged by the
target's own choice; a requested limit the target caps while its headers claim it stays wrong."""

from __future__ import annotations

import json
from types import SimpleNamespace

from badgegate.checks.paging import check_page, expected_links, served_limit
from badgegate.fuzz.checks import badgegate_paging_headers
from badgegate.fuzz.negative import echoes_request_media_type


def _links(limit: int, offset: int, total: int) -> dict[str, str]:
    wanted = expected_links(limit, offset, total)
    return {rel: f"http://h/c?limit={limit}&offset={at}" for rel, at in wanted.items()}


def test_a_default_page_of_fifty_is_the_targets_choice() -> None:
    # The case seen on a real Host: 64 credentials, no limit asked, 50 served.
    links = _links(50, 0, 64)
    assert check_page(requested=None, offset=0, total=64, links=links, item_count=50) == []
    assert served_limit(requested=None, offset=0, total=64, links=links, item_count=50) == 50


def test_without_links_the_learned_page_size_or_the_page_itself_decides() -> None:
    assert served_limit(requested=None, offset=0, total=64, links={}, item_count=50) == 50
    assert served_limit(requested=None, offset=50, total=64, links={}, item_count=14, default=50)
    # Every remaining record fits: the page size cannot be known, the page must hold them all.
    assert served_limit(requested=None, offset=0, total=12, links={}, item_count=12) is None
    assert (
        check_page(requested=None, offset=0, total=12, links=_links(12, 0, 12), item_count=12) == []
    )
    # The links say the page size is 5: a page of 3 in the middle is short.
    short = check_page(requested=None, offset=5, total=12, links=_links(5, 5, 12), item_count=3)
    assert [f.rule for f in short] == ["paging-items"]
    # An incomplete page without Link headers breaks OB 3.0's paging rule whatever its size.
    unlinked = check_page(requested=None, offset=0, total=12, links={}, item_count=5)
    assert {f.rule for f in unlinked} == {"paging-link"}


def test_a_requested_limit_capped_silently_stays_a_defect() -> None:
    # limit=100 asked, 50 served, headers claiming 100: the silent-limit-cap fault.
    findings = check_page(
        requested=100, offset=0, total=64, links=_links(100, 0, 64), item_count=50
    )
    assert [f.rule for f in findings] == ["paging-items"]
    assert findings[0].expected == 64 and findings[0].actual == 50


def _case(method: str, query: dict[str, str] | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        method=method, query=query or {}, operation=SimpleNamespace(path="/credentials")
    )


def _response(status: int, count: int, total: int) -> SimpleNamespace:
    items = [{"id": f"urn:uuid:{n}"} for n in range(count)]
    link = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in _links(count, 0, total).items())
    return SimpleNamespace(
        status_code=status,
        headers={"X-Total-Count": str(total), "Link": link},
        text=json.dumps({"credential": items}),
    )


def test_paging_headers_are_checked_on_list_reads_only() -> None:
    # A POST /credentials answering 200 (a replace) carries one credential and no paging.
    assert badgegate_paging_headers(None, _response(200, 1, 64), _case("POST")) is None
    assert badgegate_paging_headers(None, _response(200, 50, 64), _case("GET")) is True


def test_a_response_echoing_the_request_media_type_is_no_finding() -> None:
    sent = SimpleNamespace(media_type="application/vc+ld+json")
    assert echoes_request_media_type(sent, "application/vc+ld+json; charset=utf-8")
    assert not echoes_request_media_type(sent, "text/html")
    assert not echoes_request_media_type(SimpleNamespace(media_type=None), "application/json")
