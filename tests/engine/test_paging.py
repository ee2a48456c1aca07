"""Paging of lists: limit/offset/since, X-Total-Count and Link, strict query parsing."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from badgegate.samples import sample_achievement, sample_credential
from tests.engine.conftest import unsigned

if TYPE_CHECKING:
    from tests.engine.conftest import Caller, ImsxCheck

_LINK = re.compile(r'<([^>]+)>; rel="([a-z]+)"')


def links(header: str) -> dict[str, str]:
    """The Link header as {rel: url}."""
    return {rel: url for url, rel in _LINK.findall(header)}


def store_credentials(caller: Caller, count: int) -> list[dict[str, Any]]:
    """Store ``count`` credentials a minute apart in one batch; return them in order."""
    credentials = [
        sample_credential(str(uuid.uuid4()), f"2024-05-01T10:{minute:02d}:00Z")
        for minute in range(count)
    ]
    operations = [{"kind": "credential", "record": credential} for credential in credentials]
    response = caller.post("/ext/batch", json={"operations": operations})
    assert response.status_code == 200
    assert [result["status"] for result in response.json()["results"]] == [201] * count
    return credentials


def test_pages_cover_every_record_once_in_insertion_order(caller: Caller) -> None:
    credentials = store_credentials(caller, 7)
    seen: list[Any] = []
    url: str | None = caller.api + "/credentials?limit=3"
    pages = 0
    while url:
        response = caller.get(url)
        assert response.status_code == 200
        assert response.headers["X-Total-Count"] == "7"
        seen += response.json()["credential"]
        url = links(response.headers["Link"]).get("next")
        pages += 1
    assert pages == 3
    assert unsigned(seen) == credentials


def test_link_header_has_first_last_and_next_prev_only_when_due(caller: Caller) -> None:
    store_credentials(caller, 5)
    first = links(caller.get("/credentials", params={"limit": 2}).headers["Link"])
    assert set(first) == {"first", "last", "next"}
    assert first["first"] == caller.api + "/credentials?limit=2&offset=0"
    assert first["last"] == caller.api + "/credentials?limit=2&offset=4"
    assert first["next"] == caller.api + "/credentials?limit=2&offset=2"
    middle = links(caller.get("/credentials", params={"limit": 2, "offset": 2}).headers["Link"])
    assert set(middle) == {"first", "last", "next", "prev"}
    assert middle["prev"].endswith("offset=0")
    last = links(caller.get("/credentials", params={"limit": 2, "offset": 4}).headers["Link"])
    assert set(last) == {"first", "last", "prev"}
    beyond = caller.get("/credentials", params={"limit": 2, "offset": 10})
    assert beyond.json() == {"credential": []}
    assert beyond.headers["X-Total-Count"] == "5"


def test_empty_list_still_has_headers(caller: Caller) -> None:
    response = caller.get("/credentials")
    assert response.json() == {"credential": []}
    assert response.headers["X-Total-Count"] == "0"
    assert set(links(response.headers["Link"])) == {"first", "last"}


def test_since_is_strictly_after_and_kept_in_links(caller: Caller) -> None:
    credentials = store_credentials(caller, 4)
    since = credentials[1]["validFrom"]
    response = caller.get("/credentials", params={"since": since, "limit": 1})
    assert unsigned(response.json()["credential"]) == [credentials[2]]
    assert response.headers["X-Total-Count"] == "2"
    assert "since=2024-05-01T10%3A01%3A00Z" in links(response.headers["Link"])["next"]
    same_instant = caller.get("/credentials", params={"since": "2024-05-01T12:01:00+02:00"})
    assert unsigned(same_instant.json()["credential"]) == credentials[2:]
    fraction = caller.get("/credentials", params={"since": "2024-05-01T10:00:59.999999999Z"})
    assert unsigned(fraction.json()["credential"]) == credentials[1:]


def test_limit_bounds(caller: Caller, imsx_error: ImsxCheck) -> None:
    store_credentials(caller, 2)
    assert caller.get("/credentials", params={"limit": 1000}).status_code == 200
    assert len(caller.get("/credentials", params={"limit": 1}).json()["credential"]) == 1
    imsx_error(caller.get("/credentials", params={"limit": 1001}), 400, "invalid_query_parameter")
    imsx_error(caller.get("/credentials", params={"limit": 0}), 400, "invalid_query_parameter")


@pytest.mark.parametrize(
    "query",
    [
        "limit=0.5",
        "limit=1.5",
        "limit=1e2",
        "limit=-1",
        "limit=+5",
        "limit=",
        "limit=abc",
        "limit=99999999999999999999",
        "offset=0.0",
        "offset=-1",
        "offset=2147483648",
        "limit=1&limit=2",
        "offset=0&offset=0",
        "since=2024",
        "since=0.5",
        "since=2024-05-01",
        "since=2024-05-01T10:00:00",
        "since=2024-05-01t10:00:00z",
        "since=2024-13-01T10:00:00Z",
        "since=2024-05-01T10:00:00%2B24:00",
        "since=",
        "since=2024-05-01T10:00:00Z&since=2024-05-01T10:00:00Z",
        "limit=%FF",
    ],
)
def test_malformed_query_is_400_invalid_query_parameter(
    caller: Caller, imsx_error: ImsxCheck, query: str
) -> None:
    response = caller.get(caller.api + "/credentials?" + query)
    imsx_error(response, 400, "invalid_query_parameter")


@pytest.mark.parametrize("path", ["/ext/achievements", "/ext/progress"])
def test_extension_lists_page_the_same_way(
    caller: Caller, imsx_error: ImsxCheck, path: str
) -> None:
    kind = path.rsplit("/", 1)[1]
    if kind == "achievements":
        keys = [str(uuid.uuid4()) for _ in range(3)]
        for key in keys:
            assert caller.put(f"{path}/{key}", json=sample_achievement(key)).status_code == 201
        first = caller.get(path, params={"limit": 2})
        assert [item["id"] for item in first.json()["achievement"]] == [
            f"urn:uuid:{key}" for key in keys[:2]
        ]
        assert first.headers["X-Total-Count"] == "3"
        assert "next" in links(first.headers["Link"])
    else:
        empty = caller.get(path)
        assert empty.json() == {"progress": []}
        assert empty.headers["X-Total-Count"] == "0"
    imsx_error(caller.get(path, params={"limit": "1.5"}), 400, "invalid_query_parameter")
