"""A fake Pact Broker on loopback implementing exactly the endpoints badgegate uses."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import http.server
import json
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

BROKER_TOKEN = "fake-broker-token"


@dataclasses.dataclass
class BrokerState:
    """What the fake broker was told, and what it answers."""

    pacts: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    pending: set[str] = dataclasses.field(default_factory=set)
    publications: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    verification_requests: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    results: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    branches: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)
    base_url: str = ""


class FakeBrokerHandler(http.server.BaseHTTPRequestHandler):
    """Answers the broker endpoints; anything else is a 404."""

    state: BrokerState

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def _reply(self, status: int, body: Any = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/hal+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"null")

    def _authorized(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {BROKER_TOKEN}":
            return True
        self._reply(401, {"error": "unauthorized"})
        return False

    def do_POST(self) -> None:
        """Publish contracts, list pacts for verification, record verification results."""
        if not self._authorized():
            return
        parts = self.path.strip("/").split("/")
        if parts == ["contracts", "publish"]:
            self._publish(self._body())
        elif parts[:2] == ["pacts", "provider"] and parts[-1] == "for-verification":
            self._for_verification(self._body())
        elif parts[0] == "verification-results":
            self.state.results.setdefault(parts[1], []).append(self._body())
            self._reply(201, {})
        else:
            self._reply(404, {"error": "no such endpoint"})

    def do_GET(self) -> None:
        """Serve a pact by its sha, or the can-i-deploy matrix."""
        if not self._authorized():
            return
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if parts[0] == "pact-versions" and parts[1] in self.state.pacts:
            pact = dict(self.state.pacts[parts[1]])
            pact["_links"] = {
                "pb:publish-verification-results": {
                    "href": f"{self.state.base_url}/verification-results/{parts[1]}"
                }
            }
            self._reply(200, pact)
        elif parts == ["can-i-deploy"]:
            self._can_i_deploy(urllib.parse.parse_qs(url.query))
        else:
            self._reply(404, {"error": "no such pact"})

    def do_PUT(self) -> None:
        """Record a pacticipant version's branch."""
        if not self._authorized():
            return
        parts = [urllib.parse.unquote(part) for part in self.path.strip("/").split("/")]
        if len(parts) == 6 and parts[0] == "pacticipants" and parts[2] == "branches":
            self.state.branches.append((parts[1], parts[3], parts[5]))
            self._reply(200, {})
        else:
            self._reply(404, {"error": "no such endpoint"})

    def _publish(self, body: dict[str, Any]) -> None:
        self.state.publications.append(body)
        for contract in body["contracts"]:
            content = base64.b64decode(contract["content"])
            sha = hashlib.sha1(content).hexdigest()
            self.state.pacts[sha] = json.loads(content)
        self._reply(200, {"logs": [{"level": "info", "message": "Pact published"}]})

    def _for_verification(self, body: dict[str, Any]) -> None:
        self.state.verification_requests.append(body)
        entries = [
            {
                "verificationProperties": {
                    "pending": sha in self.state.pending,
                    "notices": [{"when": "before_verification", "text": "selected"}],
                },
                "_links": {
                    "self": {
                        "href": f"{self.state.base_url}/pact-versions/{sha}",
                        "name": f"Pact between {pact['consumer']['name']} and badge-engine",
                    }
                },
            }
            for sha, pact in self.state.pacts.items()
        ]
        self._reply(200, {"_embedded": {"pacts": entries}})

    def _can_i_deploy(self, query: dict[str, list[str]]) -> None:
        version = query["version"][0]
        rows = [
            {
                "consumer": {"name": "badge-reader", "version": {"number": "c1"}},
                "provider": {"name": query["pacticipant"][0], "version": {"number": version}},
                "verificationResult": {"success": result["success"]},
            }
            for results in self.state.results.values()
            for result in results
            if result["providerApplicationVersion"] == version
        ]
        deployable = bool(rows) and all(row["verificationResult"]["success"] for row in rows)
        reason = "All required verification results are published and successful"
        if not deployable:
            reason = "There is no verified pact" if not rows else "One or more verifications failed"
        self._reply(200, {"summary": {"deployable": deployable, "reason": reason}, "matrix": rows})


@pytest.fixture
def fake_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[BrokerState]:
    """A fake broker on a free loopback port, with ``PACT_BROKER_*`` pointing at it."""
    state = BrokerState()
    handler = type("Handler", (FakeBrokerHandler,), {"state": state})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("PACT_BROKER_BASE_URL", state.base_url)
    monkeypatch.setenv("PACT_BROKER_TOKEN", BROKER_TOKEN)
    monkeypatch.delenv("PACT_BROKER_USERNAME", raising=False)
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
