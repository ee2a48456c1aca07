"""The engine side: pages parsed in the forwarding processes, and pages that are not pages."""

from __future__ import annotations

import http.server
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from badgegate.client import BadgeEngineClient, ProtocolError
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping
from badgegate.reconcile.engine_side import spill_engine
from badgegate.reconcile.forwarder import Forwarder
from badgegate.reconcile.records import spilled, spilled_page
from badgegate.reconcile.spill import Spill
from badgegate.streaming.planner import issuer_from_profile

if TYPE_CHECKING:
    from tests.conftest import ServeOnLoopback

PROFILE = {"id": "https://issuer.example/profile", "type": ["Profile"], "name": "Example"}


def served_rows(spill: Spill) -> list[tuple[Any, ...]]:
    return list(
        spill.db.execute("SELECT rkey, kind, digest, trace, link FROM served ORDER BY 1, 2")
    )


def test_a_page_parsed_in_the_processes_spills_what_parsing_here_spills() -> None:
    credential = {"id": "urn:uuid:0B0E6A4E-1C5A-4B43-9B9E-2E9A1F4C6D7E", "name": "é 😀"}
    body = {"credential": [credential], "compactJwsString": ["a.b.c"]}
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    assert spilled_page("credential", content) == [
        spilled("credential", credential),
        spilled("credential", "a.b.c"),
    ]
    assert spilled_page("achievement", b'{"achievement": []}') == []


@pytest.mark.parametrize(
    "member",
    [
        b"18446744073709551617",  # 2**64 + 1: orjson would read a float, 2**64
        b"-9223372036854775809",
        b"1e400",
        b"NaN",
        b'"\\ud800"',  # an unpaired surrogate escape
        b'"1e+5 and 2**64"',  # looks like a float's exponent, inside a string
    ],
)
def test_a_page_spills_what_the_standard_reading_of_it_spills(member: bytes) -> None:
    content = b'{"achievement": [{"id": "urn:uuid:1", "odd": ' + member + b', "n": 1}]}'
    assert spilled_page("achievement", content) == [
        spilled("achievement", item) for item in json.loads(content)["achievement"]
    ]


def test_integers_beyond_64_bits_that_differ_give_different_digests() -> None:
    pages = [b'{"progress": [{"id": "p", "n": %d}]}' % (2**64 + step) for step in (0, 1)]
    first, second = (spilled_page("progress", page) for page in pages)
    assert first is not None and second is not None
    assert first[0].digest != second[0].digest


@pytest.mark.parametrize(
    "content",
    [
        b"<html>busy</html>",
        b'["not", "an", "object"]',
        b'{"achievement": {"id": "x"}}',
        b'{"achievement": ["x"]}',
        b"\xff\xfe",
    ],
)
def test_a_body_that_is_not_a_page_is_left_to_the_client(content: bytes) -> None:
    assert spilled_page("achievement", content) is None


def test_the_credential_list_may_not_hold_other_than_strings_as_jws() -> None:
    assert spilled_page("credential", b'{"credential": [], "compactJwsString": [{}]}') is None


def test_the_processes_spill_the_engine_side_as_this_process_does(
    client: BadgeEngineClient,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    mapping: MigrationMapping,
    tmp_path: Path,
) -> None:
    load_engine(client, seeded_dataset)
    here, there = Spill(tmp_path / "here.sqlite3"), Spill(tmp_path / "there.sqlite3")
    read_here = spill_engine(client, here, page_size=7, workers=2)
    issuer = issuer_from_profile(client.get_profile())
    with Forwarder(mapping, issuer, processes=2) as forwarder:
        assert forwarder.pool is not None
        read_there = spill_engine(client, there, page_size=7, workers=2, forwarder=forwarder)
    assert read_there == read_here and not read_here.notes
    assert served_rows(there) == served_rows(here)
    assert len(served_rows(here)) == sum(read_here.totals.values()) > 0


class _BusyEngine(http.server.BaseHTTPRequestHandler):
    """Serves a Profile, then answers every list with an HTML page."""

    def do_GET(self) -> None:
        if self.path.endswith("/profile"):
            body, kind = json.dumps(PROFILE).encode(), "application/json"
        else:
            body, kind = b"<html><body>maintenance</body></html>", "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Total-Count", "1")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_list_page_that_is_not_json_stops_the_read_with_what_came(
    serve_on_loopback: ServeOnLoopback, mapping: MigrationMapping, tmp_path: Path
) -> None:
    spill = Spill(tmp_path / "spill.sqlite3")
    engine_url = serve_on_loopback(_BusyEngine) + "/ims/ob/v3p0"
    with (
        BadgeEngineClient(engine_url, token="static-token") as client,
        Forwarder(mapping, PROFILE, processes=2) as forwarder,
        pytest.raises(ProtocolError) as raised,
    ):
        spill_engine(client, spill, forwarder=forwarder)
    message = str(raised.value)
    assert "non-JSON body (text/html, 37 bytes)" in message, message
    assert "GET /ext/achievements?limit=1000&offset=0" in message, message
