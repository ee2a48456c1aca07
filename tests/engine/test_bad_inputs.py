"""Hostile and malformed requests get a 4xx with an Imsx body, never a 5xx."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from badgegate.engine.wire.inbound import BATCH_BODY_CAP, BODY_CAP
from badgegate.samples import sample_achievement

if TYPE_CHECKING:
    from tests.engine.conftest import Caller, ImsxCheck

JSON = {"Content-Type": "application/json"}
KEY = str(uuid.uuid4())
WRITES = [
    "/credentials",
    f"/ext/achievements/{KEY}",
    f"/ext/progress/{KEY}",
    "/ext/batch",
    "/profile",
]
METHOD = {"/credentials": "POST", "/ext/batch": "POST", "/profile": "PUT"}


def write(caller: Caller, path: str, body: bytes, headers: dict[str, str] | None = None) -> object:
    """Send ``body`` to the write operation at ``path``."""
    return caller.request(METHOD.get(path, "PUT"), path, data=body, headers=headers or JSON)


BAD_BODIES = {
    "truncated JSON": b'{"id": ',
    "not JSON": b"hello",
    "empty": b"",
    "invalid UTF-8": b'{"name": "\xff\xfe"}',
    "UTF-16": '{"name": "x"}'.encode("utf-16"),
    "byte order mark": b'\xef\xbb\xbf{"name": "x"}',
    "NaN": b'{"value": NaN}',
    "Infinity": b'{"value": Infinity}',
    "huge float": b'{"value": 1e999}',
    "huge integer": b'{"value": ' + b"9" * 5000 + b"}",
    "NUL escape": b'{"name": "a\\u0000b"}',
    "raw NUL": b'{"name": "a\x00b"}',
    "lone surrogate": b'{"name": "\\ud800"}',
    "deep nesting": b"[" * 100000 + b"]" * 100000,
    "deep objects": b'{"a":' * 50000 + b"1" + b"}" * 50000,
    "array": b"[]",
    "string": b'"text"',
    "null": b"null",
}


@pytest.mark.parametrize("path", WRITES)
@pytest.mark.parametrize("name", BAD_BODIES)
def test_malformed_bodies_are_4xx_imsx(
    caller: Caller, imsx_error: ImsxCheck, path: str, name: str
) -> None:
    response = write(caller, path, BAD_BODIES[name])
    imsx_error(response, 400)


@pytest.mark.parametrize("path", WRITES)
@pytest.mark.parametrize(
    "content_type", ["text/html", "application/xml", "", "application/json; charset=latin-1"]
)
def test_wrong_content_type_is_415(
    caller: Caller, imsx_error: ImsxCheck, path: str, content_type: str
) -> None:
    body = b'{"id": "x"}'
    headers = {"Content-Type": content_type} if content_type else {}
    response = caller.request(METHOD.get(path, "PUT"), path, data=body, headers=headers)
    imsx_error(response, 415)


@pytest.mark.parametrize(
    ("path", "cap"), [("/credentials", BODY_CAP), ("/ext/batch", BATCH_BODY_CAP)]
)
def test_oversized_body_is_413(caller: Caller, imsx_error: ImsxCheck, path: str, cap: int) -> None:
    body = b'{"pad": "' + b"x" * cap + b'"}'
    imsx_error(write(caller, path, body), 413)

    def chunks() -> object:
        for _ in range(cap // 65536 + 2):
            yield b"x" * 65536

    streamed = caller.request(METHOD[path], path, data=chunks(), headers=JSON)
    imsx_error(streamed, 413)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/credentials"),
        ("GET", "/profile"),
        ("GET", f"/ext/achievements/{KEY}"),
        ("GET", "/ext/progress"),
        ("GET", "/discovery"),
        ("PUT", f"/ext/achievements/{KEY}"),
    ],
)
def test_accept_without_json_is_406(
    caller: Caller, imsx_error: ImsxCheck, method: str, path: str
) -> None:
    body = sample_achievement(KEY) if method == "PUT" else None
    response = caller.request(method, path, json=body, headers={"Accept": "text/html"})
    imsx_error(response, 406)
    ok = caller.request(
        method, path, json=body, headers={"Accept": "text/html, application/*;q=0.5"}
    )
    assert ok.status_code != 406


ALLOW = {
    "/credentials": "GET, POST",
    "/profile": "GET, PUT",
    "/discovery": "GET",
    "/oauth/token": "POST",
    "/oauth/register": "POST",
    "/ext/achievements": "GET",
    f"/ext/achievements/{KEY}": "GET, PUT",
    "/ext/progress": "GET",
    f"/ext/progress/{KEY}": "GET, PUT",
    "/ext/batch": "POST",
    "/ext/migration-runs/run-1": "DELETE, GET",
}


@pytest.mark.parametrize("path", ALLOW)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_undocumented_methods_are_405_with_exact_allow(
    caller: Caller, imsx_error: ImsxCheck, path: str, method: str
) -> None:
    allowed = ALLOW[path].split(", ")
    if method in allowed:
        return
    response = caller.request(method, path)
    assert response.status_code == 405
    assert response.headers["Allow"] == ALLOW[path]
    if method != "HEAD":
        imsx_error(response, 405)


@pytest.mark.parametrize(
    "path", ["/nothing", "/credentials/extra", "/ext", "/ext/achievements/a/b", "/../etc/passwd"]
)
def test_unknown_paths_are_404_imsx(caller: Caller, imsx_error: ImsxCheck, path: str) -> None:
    imsx_error(caller.get(path), 404)


def test_unknown_path_outside_the_api_is_404_imsx(caller: Caller, imsx_error: ImsxCheck) -> None:
    imsx_error(caller.get(caller.server.root_url + "/"), 404)
    imsx_error(caller.get(caller.server.root_url + "/docs"), 404)
    imsx_error(caller.get(caller.server.root_url + "/openapi.json"), 404)
