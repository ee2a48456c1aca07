"""Migration throughput and memory: seeded legacy badges into the embedded engine.

For each legacy backend (SQLite, PostgreSQL) and size, a legacy database is seeded once; each
mode (batch endpoint, single calls) then migrates it into a fresh reference engine
(``EngineServer``, SQLite storage) in a child process of its own, which reports badges/s and
its peak RSS (``ru_maxrss``), so memory per size is measured cleanly. The legacy checksum
passes are left out of the timing (they are two extra reads of the legacy tables).

Modes ``engine-batch`` and ``engine-single`` time the engine's own upsert rate: the first
``--floor-badges`` badges planned in advance, then written with the same writer and workers,
without reading or mapping; a migration is reported as a ratio to the engine's rate in the same
mode (``vs engine``). Mode ``batch-unsigned`` is ``batch`` into an engine that does not sign
(its ``unsigned`` fault): beside ``batch`` in the same run, the engine's extra CPU time divided
by the credentials issued is what signing costs per credential. ``CPU s`` splits the CPU time
spent between the migrating process and the engine's process with its signing workers (read
from ``/proc``), which says on which side the time goes.

Run: ``python benchmarks/migrate.py [--sizes 10000,30000,100000] [--backends sqlite,postgresql]
[--modes batch,batch-unsigned,single,engine-batch,engine-single] [--workers 4] [--batch-size 500]``.
PostgreSQL is the server of ``BADGEGATE_TEST_PG_URL`` (default: postgres@127.0.0.1:5432); a
fresh database is created per size and dropped after.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from badgegate.vocabulary import BATCH_LIMIT

TOKEN_ENV = "BADGEGATE_BENCH_TOKEN"


def engine_floor(args: argparse.Namespace) -> None:
    """The engine's own upsert rate: pre-planned records written with the same writer, timed
    without reading or mapping (``--mode engine-batch`` / ``engine-single``)."""
    from concurrent.futures import ThreadPoolExecutor

    from badgegate.client import BadgeEngineClient
    from badgegate.legacy import read_snapshot
    from badgegate.mapping import load_mapping
    from badgegate.migrate.writer import RecordWriter
    from badgegate.streaming.planner import batches, issuer_from_profile, plan_badges

    with BadgeEngineClient(args.engine_url, token=os.environ[TOKEN_ENV]) as client:
        issuer = issuer_from_profile(client.get_profile())
        with read_snapshot(args.legacy_db) as connection:
            planned = plan_badges(connection, mapping=load_mapping(), issuer=issuer)
            work = list(batches(itertools.islice(planned, args.floor_badges), args.batch_size))
        writer = RecordWriter(
            client, run_id="engine-floor", single_calls=args.mode == "engine-single"
        )
        started, cpu_started = time.perf_counter(), _own_cpu_seconds()
        with ThreadPoolExecutor(args.workers) as pool:
            records = sum(len(outcomes) for outcomes in pool.map(writer.write, work))
        seconds = time.perf_counter() - started
    badges = sum(len(batch) for batch in work)
    figures = {
        "badges": badges,
        "records": records,
        "seconds": round(seconds, 2),
        "badges_per_s": round(badges / seconds, 1),
        "records_per_s": round(records / seconds, 1),
        "peak_rss_mb": 0.0,
        "cpu_s": round(_own_cpu_seconds() - cpu_started, 2),
    }
    print(json.dumps(figures))


def child(args: argparse.Namespace) -> None:
    """Migrate once and print one JSON line with the figures (runs in its own process)."""
    from badgegate.client import BadgeEngineClient
    from badgegate.migrate import migrate

    if args.mode.startswith("engine-"):
        engine_floor(args)
        return
    with BadgeEngineClient(args.engine_url, token=os.environ[TOKEN_ENV]) as client:
        started, cpu_started = time.perf_counter(), _own_cpu_seconds()
        summary = migrate(
            args.legacy_db,
            client,
            state_dir=args.state_dir,
            batch_size=args.batch_size,
            workers=args.workers,
            single_calls=args.mode == "single",
            verify_legacy=False,
        )
        seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "badges": summary.badges,
        "credentials": sum(summary.counts["credential"].values()),
        "records": summary.records,
        "failed": summary.failed,
        "status": summary.status,
        "seconds": round(seconds, 2),
        "badges_per_s": round(summary.badges / seconds, 1),
        "records_per_s": round(summary.records / seconds, 1),
        "peak_rss_mb": round(peak_kib / 1024, 1),
        "cpu_s": round(_own_cpu_seconds() - cpu_started, 2),
    }
    print(json.dumps(figures))


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` and its live descendants (the engine's
    signing workers), None where ``/proc`` is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_process_cpu_seconds(child) or 0.0 for child in _children(pid))


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            children += [int(text) for text in (task / "children").read_text().split()]
    return children


@contextlib.contextmanager
def legacy_database(backend: str, folder: Path, size: int) -> Iterator[str]:
    """A seeded legacy database of ``size`` badges (a fresh PostgreSQL database, dropped after)."""
    from badgegate.legacy import seed

    if backend == "sqlite":
        url = f"sqlite:///{folder / f'legacy-{size}.sqlite3'}"
        report = seed(url, badges=size, seed=1)
        print(f"  seeded {size} badges into SQLite in {report.seconds:.1f} s", flush=True)
        yield url
        return
    from badgegate.testing.scratch_db import scratch_database

    with scratch_database("bench") as url:
        report = seed(url, badges=size, seed=1)
        print(f"  seeded {size} badges into PostgreSQL in {report.seconds:.1f} s", flush=True)
        yield url


def measure(args: argparse.Namespace, legacy_db: str, mode: str, folder: Path) -> dict[str, Any]:
    """Migrate ``legacy_db`` into a fresh engine in a child process; return its figures."""
    from badgegate.engine.server import EngineServer, TokenSpec

    token = f"bench-{uuid.uuid4().hex}"
    faults = ["unsigned"] if mode == "batch-unsigned" else []
    with EngineServer(tokens=[TokenSpec(token)], faults=faults) as engine:
        command = [
            sys.executable, __file__, "--child", "--legacy-db", legacy_db,
            "--engine-url", engine.api_url, "--mode", mode.removesuffix("-unsigned"),
            "--state-dir", str(folder / f"state-{uuid.uuid4().hex[:6]}"),
            "--workers", str(args.workers), "--batch-size", str(args.batch_size),
            "--floor-badges", str(args.floor_badges),
        ]  # fmt: skip
        assert engine.process is not None
        engine_before = _process_cpu_seconds(engine.process.pid)
        done = subprocess.run(
            command,
            env={**os.environ, TOKEN_ENV: token},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"the migrating child failed:\n{done.stderr[-3000:]}")
        engine_after = _process_cpu_seconds(engine.process.pid)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if engine_before is not None and engine_after is not None:
        figures["engine_cpu_s"] = round(engine_after - engine_before, 2)
    return figures


def main() -> None:
    """Seed, migrate, and print a table of badges/s and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--modes",
        default="batch,single,engine-batch,engine-single",
        help="batch and single migrate; engine-* time the same writes without reading/mapping",
    )
    parser.add_argument("--floor-badges", type=int, default=3000, help="badges for engine-*")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=BATCH_LIMIT)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--legacy-db", help=argparse.SUPPRESS)
    parser.add_argument("--engine-url", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="batch", help=argparse.SUPPRESS)
    parser.add_argument("--state-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="badgegate-bench-") as temporary:
        folder = Path(temporary)
        for backend in args.backends.split(","):
            for size in (int(text) for text in args.sizes.split(",")):
                with legacy_database(backend, folder, size) as legacy_db:
                    for mode in args.modes.split(","):
                        figures = measure(args, legacy_db, mode, folder)
                        rows.append({"backend": backend, "size": size, "mode": mode, **figures})
                        print(f"  {backend} {size} {mode}: {json.dumps(figures)}", flush=True)
    print_table(rows)
    print_signing_cost(rows)


def print_signing_cost(rows: list[dict[str, Any]]) -> None:
    """Engine CPU per credential, signing against not signing (same backend and size)."""
    unsigned = {
        (row["backend"], row["size"]): row for row in rows if row["mode"] == "batch-unsigned"
    }
    for row in rows:
        other = unsigned.get((row["backend"], row["size"]))
        if row["mode"] != "batch" or other is None or not row.get("credentials"):
            continue
        if row.get("engine_cpu_s") is None or other.get("engine_cpu_s") is None:
            continue
        extra = row["engine_cpu_s"] - other["engine_cpu_s"]
        print(
            f"signing, {row['backend']} {row['size']}: {row['credentials']} credentials, "
            "engine CPU "
            f"{other['engine_cpu_s']} s -> {row['engine_cpu_s']} s, "
            f"{extra / row['credentials'] * 1000:.2f} ms per credential; "
            f"{other['badges_per_s']:,.0f} -> {row['badges_per_s']:,.0f} badges/s"
        )


def print_table(rows: list[dict[str, Any]]) -> None:
    """One line per run; ``vs engine`` divides a migration's rate by the engine-only rate."""
    floors = {
        (row["backend"], row["size"], row["mode"]): row["badges_per_s"]
        for row in rows
        if row["mode"].startswith("engine-")
    }
    print(
        f"\n{'legacy':<11}{'badges':>8} {'mode':<14}{'badges/s':>10}{'records/s':>11}"
        f"{'seconds':>9}{'peak RSS MB':>13}{'vs engine':>11}{'CPU s migrator':>16}"
        f"{'CPU s engine':>14}"
    )
    for row in rows:
        floor = floors.get((row["backend"], row["size"], f"engine-{row['mode']}"))
        ratio = f"{row['badges_per_s'] / floor:.2f}" if floor else "-"
        engine_cpu = row.get("engine_cpu_s")
        print(
            f"{row['backend']:<11}{row['size']:>8} {row['mode']:<14}{row['badges_per_s']:>10,.0f}"
            f"{row['records_per_s']:>11,.0f}{row['seconds']:>9.1f}{row['peak_rss_mb']:>13.1f}"
            f"{ratio:>11}{row.get('cpu_s', 0.0):>16.1f}"
            f"{engine_cpu if engine_cpu is not None else '-':>14}"
        )


if __name__ == "__main__":
    main()
