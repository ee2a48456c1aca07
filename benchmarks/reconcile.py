"""Reconciliation throughput and memory after a migration of N legacy badges (with requirements).

Run: ``python benchmarks/reconcile.py [--sizes 100000 300000 1000000] [--cache-dir DIR]
[--rebuild] [--repeat N]``.

For each size a data set is prepared once and cached under ``--cache-dir`` (default: the
system temp folder), keyed by size, seed and a digest of the seeder and the mapping file: the
legacy SQLite database seeded by the project's seeder, and the reference engine's SQLite store
holding what migrating it gives, written straight into the store (migrating over HTTP is the
migration benchmark's job): the legacy badges read in key order, forwarded on every core, and
upserted in the migration's order through the engine's own storage code. Reconciliation itself
proves a cached store current: exit code 0 means every record is what today's mapping code gives
(after a change to that code, a stale store shows as exit 1; ``--rebuild`` prepares it again).
Then, with the reference engine serving that store, it measures, each in a fresh process:

* the raw floor: reading both sides without comparing (every legacy badge with its
  requirements from one snapshot; every engine page of the three lists, JSON parsed);
* ``reconcile``: the whole run, report written.

Each result shows seconds, legacy badges per second, the ratio to the floor, the peak RSS of the
measuring process and of its largest child (the forwarding processes), and the CPU time per
badge of the measuring process, its children and the engine (steadier than seconds on a shared
machine).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TENANT = "benchmark"
CLIENT_ID = "benchmark-client"
SEED = 1
#: What decides the cached data set's legacy rows and the mapping its records follow.
SOURCES = ("legacy/seeder.py", "legacy/corpus.py", "legacy/tables.py")


def _usage() -> dict[str, float]:
    """Peak RSS and CPU seconds of this process and of its children (the forwarders)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return {
        "rssMb": round(own.ru_maxrss / 1024, 1),
        "childRssMb": round(children.ru_maxrss / 1024, 1),
        "cpuSeconds": round(own.ru_utime + own.ru_stime, 1),
        "childCpuSeconds": round(children.ru_utime + children.ru_stime, 1),
    }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a running process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    from badgegate.reconcile.engine_side import MAX_PAGE, EngineRead, iter_pages
    from badgegate.vocabulary import RECORD_KINDS

    started = time.perf_counter()
    badges = 0
    with read_snapshot(legacy_db) as connection:
        for _ in iter_badges(connection):
            badges += 1
    legacy_seconds = time.perf_counter() - started
    records = 0
    with _client() as client:
        for kind in RECORD_KINDS:
            pages = iter_pages(client, kind, page_size=MAX_PAGE, workers=4, read=EngineRead())
            for items in pages:
                records += len(items)
    seconds = time.perf_counter() - started
    return {
        "badges": badges,
        "records": records,
        "seconds": seconds,
        "legacySeconds": legacy_seconds,
        **_usage(),
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
        **_usage(),
    }


def _data_digest() -> str:
    """A digest of the seeder and the mapping file: a change to either makes a new data set.

    A cached engine store that no longer matches what the mapping code gives shows as
    discrepancies and exit code 1 on the results line (rerun with ``--rebuild``).
    """
    import badgegate
    from badgegate.mapping.model import default_mapping_path

    package = Path(badgegate.__file__).parent
    digest = hashlib.sha256()
    for path in [default_mapping_path(), *(package / name for name in SOURCES)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _engine(engine_db: str) -> Any:
    from badgegate.engine.server import ClientSpec, EngineServer

    secret = secrets.token_urlsafe(18)
    server = EngineServer(
        clients=[ClientSpec(CLIENT_ID, secret, tenant=TENANT)], engine_db=engine_db
    )
    os.environ["BENCH_CLIENT_SECRET"] = secret
    return server


def prepare(size: int, cache: Path, *, rebuild: bool) -> Path:
    """The cached data set of ``size`` badges (built first when absent or ``rebuild``)."""
    folder = cache / f"{size}-seed{SEED}-{_data_digest()}"
    if (folder / "dataset.json").exists() and not rebuild:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"  preparing {size:,} badges in {folder}", flush=True)
    described = build(size, folder)
    (folder / "dataset.json").write_text(json.dumps(described), encoding="utf-8")
    return folder


def build(size: int, folder: Path) -> dict[str, Any]:
    """Seed the legacy database and write what migrating it gives into a new engine store."""
    from badgegate.legacy import seed
    from badgegate.mapping import load_mapping
    from badgegate.streaming.planner import issuer_from_profile
    from badgegate.testing.preload import preload_migration

    legacy_db, engine_db = f"sqlite:///{folder / 'legacy.sqlite3'}", str(folder / "engine.sqlite3")
    started = time.perf_counter()
    seeded = seed(legacy_db, badges=size, seed=SEED, replace=True)
    seeded_at = time.perf_counter()
    with _engine(engine_db) as server:
        os.environ["BENCH_ENGINE_URL"] = server.api_url
        with _client() as client:
            issuer = issuer_from_profile(client.get_profile())
    records = preload_migration(legacy_db, engine_db, TENANT, mapping=load_mapping(), issuer=issuer)
    done = time.perf_counter()
    print(
        f"  seeded {seeded.badges:,} badges, {seeded.requirements:,} requirements in "
        f"{seeded_at - started:.0f} s; wrote {records:,} engine records in "
        f"{done - seeded_at:.0f} s",
        flush=True,
    )
    return {
        "badges": seeded.badges,
        "requirements": seeded.requirements,
        "engineRecords": records,
        "issuer": issuer,
        "seedSeconds": seeded_at - started,
        "preloadSeconds": done - seeded_at,
    }


def _child(mode: str, folder: Path, workdir: Path, engine_pid: int) -> dict[str, Any]:
    """Measure ``mode`` in a fresh process, with the CPU the engine spent serving it."""
    command = [sys.executable, __file__, "--child", mode, "--data", str(folder)]
    command += ["--workdir", str(workdir)]
    engine_cpu = _cpu_seconds(engine_pid)
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ)
    result = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    result["engineCpuSeconds"] = round(_cpu_seconds(engine_pid) - engine_cpu, 1)
    return result


def run_size(size: int, cache: Path, *, rebuild: bool, repeat: int) -> list[dict[str, Any]]:
    """Prepare and measure one size (floor and reconcile side by side, ``repeat`` times)."""
    folder = prepare(size, cache, rebuild=rebuild)
    described = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    results = []
    with _engine(str(folder / "engine.sqlite3")) as server:
        os.environ["BENCH_ENGINE_URL"] = server.api_url
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="badgegate-bench-reconcile-") as workdir:
                assert server.process is not None
                pid = server.process.pid
                floor = _child("floor", folder, Path(workdir), pid)
                measured = _child("reconcile", folder, Path(workdir), pid)
            results.append({"size": size, "data": described, "floor": floor, "reconcile": measured})
    return results


def render(result: dict[str, Any]) -> str:
    """Two lines of the results table: wall clock and memory, then CPU time per badge."""
    size, floor, run = result["size"], result["floor"], result["reconcile"]
    return (
        f"{size:>9,} badges  floor {floor['seconds']:7.1f} s {size / floor['seconds']:7,.0f}/s  "
        f"reconcile {run['seconds']:7.1f} s {size / run['seconds']:7,.0f}/s  "
        f"x{run['seconds'] / floor['seconds']:.2f} of floor  "
        f"peak RSS {run['rssMb']:.0f} MB (+ forwarders {run['childRssMb']:.0f} MB; "
        f"floor {floor['rssMb']:.0f} MB)  exit {run['exitCode']}\n"
        f"{'':>17}CPU per badge: floor {_cpu_line(floor, size)}; reconcile {_cpu_line(run, size)}"
    )


def _cpu_line(measured: dict[str, Any], size: int) -> str:
    own, children = measured["cpuSeconds"], measured["childCpuSeconds"]
    engine = measured["engineCpuSeconds"]
    return (
        f"{(own + children + engine) / size * 1e6:.0f} us (process {own / size * 1e6:.0f}, "
        f"forwarders {children / size * 1e6:.0f}, engine {engine / size * 1e6:.0f})"
    )


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    parser.add_argument(
        "--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "badgegate-bench-reconcile"
    )
    parser.add_argument("--rebuild", action="store_true", help="prepare the data sets again")
    parser.add_argument("--repeat", type=int, default=1, help="measurements per size")
    parser.add_argument("--child", choices=("floor", "reconcile"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        legacy_db = f"sqlite:///{args.data / 'legacy.sqlite3'}"
        if args.child == "floor":
            print(json.dumps(measure_floor(legacy_db)))
        else:
            print(json.dumps(measure_reconcile(legacy_db, args.workdir)))
        return
    print(f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}", flush=True)
    for size in args.sizes:
        for result in run_size(size, args.cache_dir, rebuild=args.rebuild, repeat=args.repeat):
            print(render(result), flush=True)
            if result["reconcile"]["exitCode"] != 0:
                print("  records differ: the cached data set is stale; rerun with --rebuild")
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
