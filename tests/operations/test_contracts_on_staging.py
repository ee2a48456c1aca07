"""`contracts verify` replays nothing that writes on staging, and replays under the given base.

The Pact verifier sends its requests itself, past badgegate's guarded transport, so these tests
count what reaches a real reference engine through a counting proxy on loopback.
"""

from __future__ import annotations

import collections
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from badgegate.contracts import committed_pacts_dir
from badgegate.engine.server import EngineServer
from badgegate.stack import STATE_PATH

from .conftest import REPO_ROOT, run_badgegate

API = "/ims/ob/v3p0"


def _committed_interactions() -> int:
    """How many interactions the committed pacts hold."""
    pacts = sorted(committed_pacts_dir().glob("*.json"))
    return sum(len(json.loads(path.read_text())["interactions"]) for path in pacts)


PREFIX = "/other/prefix"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "content-encoding", "host"}


class CountingProxy:
    """Forwards every request to ``upstream`` (``PREFIX`` mapped to the API base) and counts it."""

    def __init__(self, upstream: str) -> None:
        self.requests: list[tuple[str, str]] = []
        seen, lock = self.requests, threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def _forward(self) -> None:
                with lock:
                    seen.append((self.command, self.path))
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path
                if path.startswith(PREFIX):
                    path = API + path[len(PREFIX) :]
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                answer = requests.request(
                    self.command,
                    upstream + path,
                    headers=headers,
                    data=body,
                    allow_redirects=False,
                    timeout=30,
                )
                self.send_response(answer.status_code)
                for name, value in answer.headers.items():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def methods(self) -> collections.Counter[str]:
        return collections.Counter(method for method, _path in self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineServer]:
    """The reference engine with its provider-state endpoint."""
    with EngineServer(test_endpoints=True) as server:
        yield server


@pytest.fixture
def proxy(engine: EngineServer) -> Iterator[CountingProxy]:
    """A counting proxy in front of the engine."""
    counting = CountingProxy(engine.root_url)
    yield counting
    counting.close()


def _verify(proxy: CountingProxy, tmp_path: Path, *args: str) -> tuple[int, str]:
    done = run_badgegate(
        ["contracts", "verify", "--report-dir", str(tmp_path), *args],
        cwd=REPO_ROOT,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout + done.stderr


def _states_per_interaction() -> list[tuple[str, str]]:
    pairs = []
    for path in sorted(committed_pacts_dir().glob("*.json")):
        for interaction in json.loads(path.read_text(encoding="utf-8"))["interactions"]:
            for state in interaction.get("providerStates") or ():
                pairs.append((interaction["description"], state["name"]))
    return pairs


def test_staging_refuses_write_interactions_and_state_calls_before_replaying(
    proxy: CountingProxy, tmp_path: Path
) -> None:
    code, output = _verify(
        proxy,
        tmp_path,
        "--profile=staging",
        f"--engine-url={proxy.url}{API}",
        f"--state-url={proxy.url}{STATE_PATH}",
    )
    assert code == 2, output
    assert "would send DELETE /ims/ob/v3p0/ext/migration-runs/contract-run-rollback" in output
    # Five record writes, and the logged-in reader's refresh and revocation.
    assert output.count(" would send PUT ") == 4 and output.count(" would send POST ") == 7
    assert f"provider-state calls would POST to {proxy.url}{STATE_PATH}" in output
    assert "--allow-writes --write-allowlist 127.0.0.1" in output and "--only-state-free" in output
    assert not WRITES & set(proxy.methods()), proxy.requests


def test_without_a_state_url_each_needed_state_is_named_and_nothing_is_replayed(
    proxy: CountingProxy, tmp_path: Path
) -> None:
    code, output = _verify(proxy, tmp_path, "--profile=staging", f"--engine-url={proxy.url}{API}")
    assert code == 2, output
    lines = [line for line in output.splitlines() if "needs provider state" in line]
    expected = _states_per_interaction()
    assert len(lines) == len(expected) > 20
    assert (
        "interaction 'a put of a new progress record' (badge-migrator) needs provider state "
        "'an achievement with key K exists': pass --state-url or --only-state-free"
    ) in lines
    assert not WRITES & set(proxy.methods()), proxy.requests
    assert all(path.endswith("/discovery") for _method, path in proxy.requests)


def test_only_state_free_replays_the_state_free_reads_and_writes_nothing(
    proxy: CountingProxy, tmp_path: Path
) -> None:
    code, output = _verify(
        proxy,
        tmp_path,
        "--profile=staging",
        "--only-state-free",
        f"--engine-url={proxy.url}{API}",
        f"--state-url={proxy.url}{STATE_PATH}",
    )
    assert code == 0, output
    assert "1 interaction(s) of badge-engine verified" in output and "1 passed" in output
    assert set(proxy.methods()) == {"GET"}, proxy.requests
    assert (tmp_path / "contracts" / "verification.json").is_file()


def test_staging_with_writes_allowed_for_the_host_replays_everything(
    proxy: CountingProxy, tmp_path: Path
) -> None:
    code, output = _verify(
        proxy,
        tmp_path,
        "--profile=staging",
        "--allow-writes",
        "--write-allowlist=127.0.0.1",
        f"--engine-url={proxy.url}{API}",
        f"--state-url={proxy.url}{STATE_PATH}",
    )
    assert code == 0, output
    count = _committed_interactions()
    assert f"{count} interaction(s)" in output and f"{count} passed" in output
    methods = proxy.methods()
    assert methods["DELETE"] == 1 and methods["PUT"] == 4


def test_the_pacts_are_replayed_under_the_path_of_the_engine_url(
    proxy: CountingProxy, engine: EngineServer, tmp_path: Path
) -> None:
    code, output = _verify(
        proxy,
        tmp_path,
        f"--engine-url={proxy.url}{PREFIX}/",
        f"--state-url={engine.root_url}{STATE_PATH}",
    )
    assert code == 0, output
    count = _committed_interactions()
    assert f"{count} interaction(s)" in output and f"{count} passed" in output
    paths = [path for _method, path in proxy.requests]
    assert paths and all(path.startswith(PREFIX + "/") for path in paths), paths
    assert any(path.startswith(PREFIX + "/ext/batch") for path in paths)
