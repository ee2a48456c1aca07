"""Reconciliation throughput and memory after a migration of N legacy badges (with requirements).

Run: ``python benchmarks/reconcile.py [--sizes 100000 300000 1000000] [--workdir DIR]``.

For each size: seed a legacy SQLite database, start the reference engine on a SQLite store and
write the records the migration would have written straight into its store (migrating over
HTTP is the migration benchmark's job), then measure, each in a fresh process:

* the raw floor: reading both sides without comparing (every legacy badge with its
  requirements from one snapshot; every engine page of the three lists, JSON parsed);
* ``reconcile``: the whole run, report written.

Each line shows seconds, legacy badges per second, the ratio to the floor, and the peak RSS of
the measuring process and of its largest child (the forwarding processes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TENANT = "benchmark"
CLIENT_ID = "benchmark-client"


def _peak_rss_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rssMb": round(own, 1), "childRssMb": round(children, 1)}


def _client() -> Any:
    from badgegate.client import BadgeEngineClient

    return BadgeEngineClient(
        os.environ["BENCH_ENGINE_URL"],
        client_id=CLIENT_ID,
        client_secret=os.environ["BENCH_CLIENT_SECRET"],
    )


def measure_floor(legacy_db: str) -> dict[str, Any]:
    """Read both sides completely, compare nothing."""
    from badgegate.legacy import iter_badges, read_snapshot
    from badgegate.reconcile.engine_side import EngineRead, iter_pages

    started = time.perf_counter()
    badges = 0
    with read_snapshot(legacy_db) as connection:
        for _ in iter_badges(connection):
            badges += 1
    legacy_seconds = time.perf_counter() - started
    records = 0
    with _client() as client:
        for kind in ("achievement", "credential", "progress"):
            for items in iter_pages(client, kind, page_size=1000, workers=4, read=EngineRead()):
                records += len(items)
    seconds = time.perf_counter() - started
    return {
        "badges": badges,
        "records": records,
        "seconds": seconds,
        "legacySeconds": legacy_seconds,
        **_peak_rss_mb(),
    }


def measure_reconcile(legacy_db: str, workdir: Path) -> dict[str, Any]:
    """One full reconciliation."""
    from badgegate.reconcile import reconcile

    started = time.perf_counter()
    with _client() as client:
        report = reconcile(
            legacy_db, client, out=workdir / "reconcile.json", state_dir=workdir / "state"
        )
    seconds = time.perf_counter() - started
    return {
        "badges": report.tally.badges,
        "seconds": seconds,
        "exitCode": int(report.exit_code),
        "discrepancies": report.losses,
        **_peak_rss_mb(),
    }


def _operations(size: int, issuer: dict[str, Any]) -> Iterator[Any]:
    from badgegate.compare import operations_for
    from badgegate.legacy import generate_badges
    from badgegate.mapping import load_mapping

    mapping = load_mapping()
    for badge, requirements in generate_badges(size, seed=1):
        yield from operations_for(badge, requirements, mapping=mapping, issuer=issuer)[0]


def set_up(size: int, workdir: Path, engine_url: str, engine_db: str) -> float:
    """Seed the legacy database and load the engine store; return the seconds it took."""
    from badgegate.legacy import seed
    from badgegate.migrate.planner import issuer_from_profile
    from badgegate.reconcile.preload import preload_engine

    started = time.perf_counter()
    seed(f"sqlite:///{workdir / 'legacy.sqlite3'}", badges=size, seed=1, replace=True)
    with _client() as client:
        issuer = issuer_from_profile(client.get_profile())
    preload_engine(engine_db, TENANT, _operations(size, issuer))
    return time.perf_counter() - started


def _child(mode: str, workdir: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, "--workdir", str(workdir)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run_size(size: int, root: Path) -> dict[str, Any]:
    """Set up and measure one size."""
    from badgegate.engine.server import ClientSpec, EngineServer

    workdir = root / f"size-{size}"
    workdir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(18)
    spec = ClientSpec(CLIENT_ID, secret, tenant=TENANT)
    engine_db = str(workdir / "engine.sqlite3")
    with EngineServer(clients=[spec], engine_db=engine_db) as server:
        os.environ["BENCH_ENGINE_URL"], os.environ["BENCH_CLIENT_SECRET"] = server.api_url, secret
        setup_seconds = set_up(size, workdir, server.api_url, engine_db)
        floor = _child("floor", workdir)
        measured = _child("reconcile", workdir)
    return {"size": size, "setupSeconds": setup_seconds, "floor": floor, "reconcile": measured}


def render(result: dict[str, Any]) -> str:
    """One line of the results table."""
    size, floor, run = result["size"], result["floor"], result["reconcile"]
    return (
        f"{size:>9,} badges  floor {floor['seconds']:7.1f} s {size / floor['seconds']:7,.0f}/s  "
        f"reconcile {run['seconds']:7.1f} s {size / run['seconds']:7,.0f}/s  "
        f"x{run['seconds'] / floor['seconds']:.2f} of floor  "
        f"peak RSS {run['rssMb']:.0f} MB (+ forwarders {run['childRssMb']:.0f} MB; "
        f"floor {floor['rssMb']:.0f} MB)  exit {run['exitCode']}"
    )


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--child", choices=("floor", "reconcile"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        legacy_db = f"sqlite:///{args.workdir / 'legacy.sqlite3'}"
        if args.child == "floor":
            print(json.dumps(measure_floor(legacy_db)))
        else:
            print(json.dumps(measure_reconcile(legacy_db, args.workdir)))
        return
    root = args.workdir or Path(tempfile.mkdtemp(prefix="badgegate-bench-reconcile-"))
    print(f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, work folder {root}", flush=True)
    for size in args.sizes:
        result = run_size(size, root)
        print(render(result), f"(setup {result['setupSeconds']:.0f} s)", flush=True)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
