"""Fixtures of the operations tests: a request-counting loopback server and `badgegate` runs."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


class CountingServer:
    """A loopback HTTP server that answers every request with ``200 {}`` and counts them."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        lock = threading.Lock()
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with lock:
                    seen.append((self.command, self.path))
                body = b'{"access_token": "counting-server-token-0a1b2c", "token_type": "Bearer"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer
            do_TRACE = do_OPTIONS = do_HEAD = _answer

            def log_message(self, format: str, *args: object) -> None:
                return

        # badgegate's unknown-method probe token, answered like any other method.
        setattr(Handler, "do_BADGEGATE-PROBE", Handler._answer)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> CountingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


@pytest.fixture
def counting_server() -> Iterator[CountingServer]:
    """A running :class:`CountingServer`."""
    with CountingServer() as server:
        yield server


def badgegate_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``badgegate`` child: no inherited BADGEGATE_* settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("BADGEGATE_") and name != "HYPOTHESIS_PROFILE"
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def run_badgegate(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m badgegate ARGS`` in ``cwd`` and return what it did."""
    return subprocess.run(
        [sys.executable, "-m", "badgegate", *args],
        cwd=cwd,
        env=badgegate_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
