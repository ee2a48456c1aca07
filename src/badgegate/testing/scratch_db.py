"""Throwaway PostgreSQL databases on a named server, for suites and tests that need one.

Every scratch database is called ``badgegate_scratch_<purpose>_<12 hex>`` and is held, for as
long as it exists, by a session-level PostgreSQL advisory lock keyed by a hash of its name, on
a connection kept open by the process that created it. The lock is taken before the database
is created and goes away with that connection, so:

* a database is dropped when its context ends, on Ctrl-C, on SIGTERM (turned into
  :class:`KeyboardInterrupt` while a scratch database exists, unless another handler is set)
  and at interpreter exit;
* after a ``kill -9`` the lock is gone with the connection, and the next scratch database made
  on that server drops the stale ones first — only those whose lock it can take, so the
  databases of a run that is still alive, here or on another machine, are never touched.

Where scratch databases may be made is the caller's decision: the integrity suite uses the
embedded stack's local server or the ``scratch_db_url`` the user configured, badgegate's own
tests and the benchmarks the server of ``BADGEGATE_TEST_PG_URL``.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import re
import signal
import threading
import uuid
from collections.abc import Iterator
from types import FrameType
from typing import Any

from badgegate.errors import TargetUnreachable

logger = logging.getLogger("badgegate.scratch_db")

SERVER_URL_ENV = "BADGEGATE_TEST_PG_URL"
DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
#: Every scratch database's name starts with this.
SCRATCH_PREFIX = "badgegate_scratch_"
_PURPOSE = re.compile(r"[a-z0-9]{1,24}")


def server_url() -> str:
    """The maintenance database URL of the server badgegate's own tests and benchmarks use."""
    return os.environ.get(SERVER_URL_ENV, DEFAULT_SERVER_URL)


def lock_key(name: str) -> int:
    """The advisory lock key of scratch database ``name`` (a signed 64-bit hash of it)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class _Held:
    """One live scratch database: the connection holding its lock (and used to drop it)."""

    def __init__(self, name: str, admin: Any, holder: Any) -> None:
        self.name = name
        self.admin = admin
        self.holder = holder


_live: dict[str, _Held] = {}
_live_lock = threading.Lock()
_sigterm_installed = False


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _install_sigterm() -> None:
    """While scratch databases exist, SIGTERM unwinds like Ctrl-C (so they are dropped)."""
    global _sigterm_installed
    if threading.current_thread() is not threading.main_thread() or _sigterm_installed:
        return
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)
        _sigterm_installed = True


def _restore_sigterm() -> None:
    global _sigterm_installed
    if _live or not _sigterm_installed:
        return
    if threading.current_thread() is threading.main_thread():
        if signal.getsignal(signal.SIGTERM) is _on_sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _sigterm_installed = False


def _drop(held: _Held) -> None:
    from sqlalchemy import text

    try:
        held.holder.execute(text(f'DROP DATABASE IF EXISTS "{held.name}" WITH (FORCE)'))
    except Exception as error:  # dropping must not mask what ended the run
        logger.warning("could not drop scratch database %s: %s", held.name, error)
    finally:
        with contextlib.suppress(Exception):
            held.holder.close()
        held.admin.dispose()


def _drop_all_at_exit() -> None:
    with _live_lock:
        remaining = list(_live.values())
        _live.clear()
    for held in remaining:
        _drop(held)


atexit.register(_drop_all_at_exit)


def drop_stale(connection: Any) -> list[str]:
    """Drop the scratch databases on ``connection``'s server that no live run holds.

    A database counts as held while some session holds its advisory lock; one this session
    can lock is stale. Returns the names dropped.
    """
    from sqlalchemy import text

    names = connection.execute(
        text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
        {"prefix": SCRATCH_PREFIX},
    ).scalars()
    dropped = []
    for name in list(names):
        if name in _live:
            continue
        key = lock_key(name)
        if not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            continue
        try:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            dropped.append(name)
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    if dropped:
        logger.info("dropped stale scratch databases: %s", ", ".join(dropped))
    return dropped


@contextlib.contextmanager
def scratch_database(purpose: str = "scratch", *, server: str | None = None) -> Iterator[str]:
    """Create a fresh database on ``server`` (default :func:`server_url`), yield its URL, drop it.

    ``purpose`` (1 to 24 of ``[a-z0-9]``) goes into the name. Stale scratch databases on the
    server are dropped first. Raises :class:`TargetUnreachable` when there is no server there.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    if not _PURPOSE.fullmatch(purpose):
        raise ValueError(f"scratch database purpose {purpose!r} must be 1-24 of [a-z0-9]")
    url = server or server_url()
    name = f"{SCRATCH_PREFIX}{purpose}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
    try:
        holder = admin.connect()
    except OperationalError as error:
        admin.dispose()
        raise TargetUnreachable(
            f"no PostgreSQL server at {_without_password(url)} ({type(error.orig).__name__}); "
            f"start one or point scratch_db_url / {SERVER_URL_ENV} at one"
        ) from None
    held = _Held(name, admin, holder)
    try:
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key(name)})
        drop_stale(holder)
        holder.execute(text(f'CREATE DATABASE "{name}"'))
    except BaseException:
        _drop(held)
        raise
    with _live_lock:
        _live[name] = held
        _install_sigterm()
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with _live_lock:
            mine = _live.pop(name, None)
            _restore_sigterm()
        if mine is not None:
            _drop(mine)


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
