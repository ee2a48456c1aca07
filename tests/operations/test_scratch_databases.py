"""Scratch databases are never left behind, and never made on a server nobody named."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from badgegate.testing.scratch_db import SCRATCH_PREFIX, lock_key, scratch_database, server_url

from .conftest import REPO_ROOT, CountingServer, badgegate_env, run_badgegate

HOLDER = textwrap.dedent(
    """
    import sys, time
    from badgegate.testing.scratch_db import scratch_database
    try:
        with scratch_database(sys.argv[1], server=sys.argv[2]) as url:
            print(url.rsplit("/", 1)[1], flush=True)
            time.sleep(600)
    except KeyboardInterrupt:
        sys.exit(130)
    """
)


@pytest.fixture
def server(pg_url: str) -> str:
    """The PostgreSQL server of the test session (``pg_url`` skips the test without one)."""
    return server_url()


def _databases(server: str) -> set[str]:
    engine = sa.create_engine(server)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"),
                {"p": SCRATCH_PREFIX},
            )
            return set(rows.scalars())
    finally:
        engine.dispose()


def _wait_until_unlocked(server: str, name: str) -> None:
    """Wait (at most 10 s) until the server has noticed the killed session and freed its lock."""
    key = lock_key(name)
    engine = sa.create_engine(server)
    try:
        with engine.connect() as connection:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                held = connection.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND objsubid = 1 AND classid::text::bigint = :high "
                        "AND objid::text::bigint = :low"
                    ),
                    {"high": (key >> 32) & 0xFFFFFFFF, "low": key & 0xFFFFFFFF},
                ).scalar()
                connection.rollback()
                if not held:
                    return
                time.sleep(0.05)
    finally:
        engine.dispose()
    raise AssertionError(f"the lock of {name} outlived its session")


class Holder:
    """A child process holding one scratch database until it is signalled."""

    def __init__(self, purpose: str, server: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, purpose, server],
            env=badgegate_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.name = self.process.stdout.readline().strip()
        assert self.name.startswith(SCRATCH_PREFIX + purpose + "_"), self.name

    def stop(self, signum: int) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=60)


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    """Holders started by a test; any still running at its end are stopped."""
    started: list[Holder] = []
    yield started
    for holder in started:
        if holder.process.poll() is None:
            holder.stop(signal.SIGKILL)


def test_a_killed_runs_databases_are_dropped_and_a_live_runs_kept(
    server: str, holders: list[Holder]
) -> None:
    live = Holder("live", server)
    holders.append(live)
    killed = Holder("killed", server)
    holders.append(killed)
    assert killed.stop(signal.SIGKILL) == -signal.SIGKILL
    assert {killed.name, live.name} <= _databases(server)
    _wait_until_unlocked(server, killed.name)
    with scratch_database("later", server=server) as url:
        now = _databases(server)
        assert killed.name not in now, "the stale database of the killed run was kept"
        assert live.name in now, "the database of a live run was dropped"
        assert url.rsplit("/", 1)[1] in now
    assert live.process.poll() is None
    assert live.stop(signal.SIGTERM) == 130
    assert live.name not in _databases(server)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_drops_its_database(
    server: str, holders: list[Holder], signum: int
) -> None:
    holder = Holder("stopped", server)
    holders.append(holder)
    assert holder.name in _databases(server)
    assert holder.stop(signum) == 130
    assert holder.name not in _databases(server)


def test_the_name_has_the_prefix_and_the_database_is_dropped_on_exit(server: str) -> None:
    with scratch_database("plain", server=server) as url:
        name = url.rsplit("/", 1)[1]
        assert name.startswith(SCRATCH_PREFIX + "plain_") and name in _databases(server)
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT current_database()")).scalar() == name
        engine.dispose()
    assert name not in _databases(server)


@pytest.mark.parametrize("named", [False, True], ids=["not-named", "scratch-db-url"])
def test_the_integrity_suite_makes_scratch_databases_only_on_a_named_server(
    server: str, counting_server: CountingServer, tmp_path: Path, named: bool
) -> None:
    before = _databases(server)
    args = ["run", "--suite", "integrity", "--engine-url", counting_server.url + "/ims/ob/v3p0"]
    args += ["--report-dir", str(tmp_path)]
    env = {"BADGEGATE_SCRATCH_DB_URL": server} if named else {}
    done = run_badgegate(
        [*args, "--", "-k", "test_mapping_live and postgresql", "-rs"],
        cwd=REPO_ROOT,
        env=env,
        timeout=300,
    )
    output = done.stdout + done.stderr
    if named:
        assert done.returncode == 0, output
        assert "1 passed" in output
    else:
        assert "no scratch_db_url is configured" in output, output
        assert "1 skipped" in output
    time.sleep(0.1)
    assert _databases(server) <= before, "the run left a scratch database behind"
