"""The reference badge-engine's throughput beside a bare FastAPI + sqlite3 echo stub.

Three operations, all through ``badgegate.client.BadgeEngineClient``: single credential
upserts (``POST /credentials``, each a new credential), batch upserts (``POST /ext/batch`` of
500 new credentials, reported as records/s) and full pages (``GET /credentials?limit=100``).
The engine runs on SQLite and/or on a fresh PostgreSQL database (127.0.0.1:5432, dropped
after); the stub (no auth, no validation, sqlite3 with the engine's WAL settings) is measured
in the same run, the two taking turns in half-second slices so machine noise hits both.

Run: ``python benchmarks/engine.py [--seconds S] [--db sqlite|postgres|both]``
(``S``: measuring time per operation and server, default 6).
"""

from __future__ import annotations

import argparse
import json
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from badgegate.samples import sample_credential
from badgegate.testing.scratch_db import scratch_database
from badgegate.vocabulary import BATCH_LIMIT

API_BASE = "/ims/ob/v3p0"
STUB_READY = "stub listening on "
TOKEN = "benchmark-token"
BATCH = BATCH_LIMIT  # full batches
PAGE = 100
SLICE = 0.5
TARGETS = {"upsert": 0.60, "batch": 0.60, "page": 0.60}
BATCH_RECORDS_TARGET = 5_000


# --- the stub: a bare FastAPI + sqlite3 echo of the same three calls ---------------------


def stub_app(database: str) -> FastAPI:
    """The echo stub: stores bodies by id, lists them in insertion order; nothing checked."""
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE IF NOT EXISTS credentials "
        "(seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, body TEXT NOT NULL)"
    )
    upsert = (
        "INSERT INTO credentials (id, body) VALUES (?, ?) "
        "ON CONFLICT (id) DO UPDATE SET body = excluded.body"
    )
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post(API_BASE + "/credentials")
    async def post_credential(request: Request) -> Response:
        body = await request.body()
        connection.execute(upsert, (json.loads(body)["id"], body.decode("utf-8")))
        return Response(body, 201, media_type="application/json")

    @app.post(API_BASE + "/ext/batch")
    async def post_batch(request: Request) -> Response:
        operations = json.loads(await request.body())["operations"]
        rows = [(op["record"]["id"], json.dumps(op["record"])) for op in operations]
        connection.execute("BEGIN")
        connection.executemany(upsert, rows)
        connection.execute("COMMIT")
        results = [
            {"index": index, "kind": "credential", "id": record_id, "status": 201}
            for index, (record_id, _) in enumerate(rows)
        ]
        return Response(json.dumps({"results": results}), 200, media_type="application/json")

    @app.get(API_BASE + "/credentials")
    async def get_credentials(limit: int = 100, offset: int = 0) -> Response:
        (total,) = connection.execute("SELECT count(*) FROM credentials").fetchone()
        bodies = connection.execute(
            "SELECT body FROM credentials ORDER BY seq LIMIT ? OFFSET ?", (limit, offset)
        ).fetchall()
        text = '{"credential":[' + ",".join(body for (body,) in bodies) + "]}"
        headers = {"X-Total-Count": str(total)}
        return Response(text, 200, headers, media_type="application/json")

    return app


def serve_stub(database: str) -> None:
    """Serve the stub under uvicorn as the engine's launcher does; print the ready line."""
    import uvicorn

    class AnnouncingServer(uvicorn.Server):  # type: ignore[misc]
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            print(f"{STUB_READY}http://127.0.0.1:{port}{API_BASE}", flush=True)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(stub_app(database), access_log=False, log_level="warning")
    AnnouncingServer(config).run(sockets=[listener])


@contextmanager
def stub_server(folder: Path) -> Iterator[str]:
    """Run the stub in a child process; yield its API base URL."""
    command = [sys.executable, __file__, "--serve-stub", str(folder / "stub.sqlite3")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith(STUB_READY):
            raise RuntimeError(f"the stub did not start: {line!r}")
        yield line[len(STUB_READY) :].strip()
    finally:
        process.terminate()
        process.wait(10)


# --- the engine under test ----------------------------------------------------------------


@contextmanager
def engine_server(backend: str) -> Iterator[str]:
    """The reference engine on ``backend`` (a temporary SQLite file or fresh PostgreSQL)."""
    from badgegate.engine.server import EngineServer, TokenSpec

    if backend == "sqlite":
        with EngineServer(tokens=[TokenSpec(TOKEN)]) as server:
            yield server.api_url
        return
    with (
        scratch_database("bench") as url,
        EngineServer(tokens=[TokenSpec(TOKEN)], engine_db=url) as server,
    ):
        yield server.api_url


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Timings:
    """What one server did for one operation: call latencies and records per call."""

    latencies: list[float] = field(default_factory=list)
    records_per_call: int = 1

    @property
    def rate(self) -> float:
        """Calls per second of busy time."""
        return len(self.latencies) / sum(self.latencies) if self.latencies else 0.0

    def percentile(self, point: int) -> float:
        """The ``point``-th percentile latency in milliseconds."""
        if len(self.latencies) < 2:
            return 1000 * (self.latencies[0] if self.latencies else 0.0)
        return 1000 * statistics.quantiles(self.latencies, n=100)[point - 1]


class Workload:
    """The calls of one operation against one server, through the product's client.

    ``prepare_<operation>()`` builds the next call's payload outside the timed part;
    ``<operation>(payload)`` is the timed call.
    """

    def __init__(self, api_url: str) -> None:
        from badgegate.client import BadgeEngineClient

        self.client = BadgeEngineClient(api_url, token=TOKEN, retries=0, timeout=60)
        self.page_offset = 0

    def prepare_upsert(self) -> Any:
        """One new credential."""
        return new_credential()

    def upsert(self, credential: Any) -> None:
        """``POST /credentials`` of a new credential: 201."""
        result = self.client.upsert_credential(credential)
        assert result.status == 201, result

    def prepare_batch(self) -> Any:
        """:data:`BATCH` new credentials as batch operations."""
        return [{"kind": "credential", "record": new_credential()} for _ in range(BATCH)]

    def batch(self, operations: Any) -> None:
        """``POST /ext/batch`` of new credentials: every result 201."""
        results = self.client.batch(operations)
        assert all(item.status == 201 for item in results), results[:3]

    def prepare_page(self) -> Any:
        """The next offset, cycling over the first ten full pages."""
        self.page_offset = (self.page_offset + PAGE) % (10 * PAGE)
        return self.page_offset

    def page(self, offset: Any) -> None:
        """``GET /credentials?limit=100&offset=…``: a full page."""
        page = self.client.list_credentials(limit=PAGE, offset=offset)
        assert len(page.items) == PAGE, len(page.items)


def new_credential() -> dict[str, Any]:
    """A fresh sample credential (a new id each time, so every upsert creates)."""
    return sample_credential(str(uuid.uuid4()), "2024-05-01T12:00:00Z")


def measure(operation: str, workloads: dict[str, Workload], seconds: float) -> dict[str, Timings]:
    """Run ``operation`` on every server in turns of :data:`SLICE` s, ``seconds`` each."""
    records = BATCH if operation == "batch" else 1
    timings = {name: Timings(records_per_call=records) for name in workloads}
    for _ in range(max(1, round(seconds / SLICE))):
        for name, workload in workloads.items():
            prepare, call = getattr(workload, f"prepare_{operation}"), getattr(workload, operation)
            spent = 0.0
            while spent < SLICE:
                payload = prepare()
                started = time.perf_counter()
                call(payload)
                latency = time.perf_counter() - started
                timings[name].latencies.append(latency)
                spent += latency
    return timings


def run_backend(backend: str, seconds: float) -> list[dict[str, Any]]:
    """Measure the three operations on the engine (on ``backend``) and the stub."""
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="badgegate-bench-") as folder,
        stub_server(Path(folder)) as stub_url,
        engine_server(backend) as engine_url,
    ):
        workloads = {"engine": Workload(engine_url), "stub": Workload(stub_url)}
        for workload in workloads.values():
            for _ in range(2):  # enough stored for ten full pages before anything is timed
                workload.batch(workload.prepare_batch())
        for operation in ("upsert", "batch", "page"):
            timings = measure(operation, workloads, seconds)
            rows.append({"backend": backend, "operation": operation, **timings})
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    """The result table: rates, p50/p99, the engine/stub ratio and whether targets are met."""
    header = (
        f"{'backend':<10} {'operation':<9} {'engine/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'stub/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}  target"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        engine, stub = row["engine"], row["stub"]
        ratio = engine.rate / stub.rate if stub.rate else 0.0
        verdict = "ok" if ratio >= TARGETS[row["operation"]] else "MISSED"
        lines.append(
            f"{row['backend']:<10} {row['operation']:<9} {engine.rate:>10.1f} "
            f"{engine.percentile(50):>8.2f} {engine.percentile(99):>8.2f} {stub.rate:>10.1f} "
            f"{stub.percentile(50):>8.2f} {stub.percentile(99):>8.2f} {ratio:>6.0%}  "
            f">= {TARGETS[row['operation']]:.0%} {verdict}"
        )
    lines.append("")
    for row in rows:
        if row["operation"] == "batch":
            records = row["engine"].rate * BATCH
            verdict = "ok" if records >= BATCH_RECORDS_TARGET else "MISSED"
            stub_records = row["stub"].rate * BATCH
            lines.append(
                f"{row['backend']}: batch records/s engine {records:,.0f} (stub "
                f"{stub_records:,.0f}); target >= {BATCH_RECORDS_TARGET:,} {verdict}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the measurements, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per operation and server")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--serve-stub", metavar="SQLITE_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_stub:
        serve_stub(args.serve_stub)
        return 0
    backends = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    rows: list[dict[str, Any]] = []
    for backend in backends:
        rows += run_backend(backend, args.seconds)
    print(render(rows))
    print(
        f"\n{args.seconds:g} s per operation and server, in {SLICE} s turns; batches of "
        f"{BATCH}, pages of {PAGE}; one client thread; stub on sqlite3 in every row."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
