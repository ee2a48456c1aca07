"""Small real HTTP servers on loopback that misbehave on cue, for the transport and client tests."""

from __future__ import annotations

import dataclasses
import json
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from badgegate.transport import RetryPolicy, Transport


@dataclasses.dataclass
class Reply:
    """What the scripted server does with one request: answer, reset the connection, or hang."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    action: str = "answer"  # "answer" | "reset" | "hang"

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if self.body is None:
            return b"", headers
        if isinstance(self.body, bytes):
            return self.body, headers
        if isinstance(self.body, str):
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            return self.body.encode(), headers
        headers.setdefault("Content-Type", "application/json")
        return json.dumps(self.body).encode(), headers


@dataclasses.dataclass(frozen=True)
class Received:
    """A request as the scripted server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer:
    """An HTTP/1.1 server on 127.0.0.1 (free port) answering from per-route reply queues.

    The last reply of a route repeats once its queue is down to one. ``hang`` blocks the
    handler until the server is closed, so a client timeout is the only way out.
    """

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.received: list[Received] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, method: str, path: str, **reply: Any) -> None:
        """Queue one reply for ``method path`` (keywords of :class:`Reply`)."""
        self.routes.setdefault((method, path), []).append(Reply(**reply))

    def hits(self, method: str, path: str) -> list[Received]:
        """The requests received for ``method path`` (query string ignored)."""
        return [r for r in self.received if r.method == method and r.path.split("?")[0] == path]

    def next_reply(self, method: str, path: str) -> Reply:
        with self._lock:
            queue = self.routes.get((method, path.split("?")[0]))
            if not queue:
                return Reply(404, {"error": "no route scripted"})
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def close(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            server.record(Received(self.command, self.path, dict(self.headers.items()), body))
            reply = server.next_reply(self.command, self.path)
            if reply.action == "reset":
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.close_connection = True
                return
            if reply.action == "hang":
                server.released.wait(30)
                self.close_connection = True
                return
            payload, headers = reply.encoded()
            self.send_response(reply.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    return Handler


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    """A scripted loopback server, closed after the test."""
    server = ScriptedServer()
    yield server
    server.close()


class RecordedSleep:
    """Stands in for ``time.sleep`` in a transport: records each wait instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> RecordedSleep:
    """The waits a transport asked for (see :func:`fast_transport`)."""
    return RecordedSleep()


@pytest.fixture
def fast_transport(sleeps: RecordedSleep) -> Iterator[Transport]:
    """A transport whose retry waits are recorded, not slept, with short timeouts."""
    transport = Transport(
        connect_timeout=2.0,
        read_timeout=2.0,
        retry=RetryPolicy(retries=3, backoff_base=0.1, retry_after_cap=5.0),
        sleep=sleeps,
    )
    yield transport
    transport.close()


@pytest.fixture
def refused_url() -> str:
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/ims/ob/v3p0"
