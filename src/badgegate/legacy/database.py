"""Connections to a legacy database: engines, read-only snapshots, and the tables' lifecycle.

Every read of a legacy database — migrate, reconcile, ``mapping check`` — goes through
:func:`legacy_engine` with ``read_only=True``: sessions that cannot write, and a statement
timeout (:data:`badgegate.config.LEGACY_STATEMENT_TIMEOUT` unless the caller passes the config's
``legacy_statement_timeout``). The timeout bounds each statement, and each fetch of a streaming
cursor is one, so a long streaming run is never cut off while each step stays bounded. There is
no idle-in-transaction timeout: migrate keeps its reading transaction open while it waits on
the engine.

Every reader opens one read-only transaction (``REPEATABLE READ`` on PostgreSQL, a deferred
``BEGIN`` plus ``PRAGMA query_only`` on SQLite), so a whole pass sees one snapshot and can never
write. SQLite connections enforce foreign keys, so ``ON DELETE CASCADE`` behaves as on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL

from badgegate.config import LEGACY_STATEMENT_TIMEOUT
from badgegate.errors import ConfigError, TargetUnreachable
from badgegate.legacy.tables import metadata

# SQLite calls the progress handler every this many virtual-machine instructions.
_SQLITE_PROGRESS_STEPS = 10_000
_DEADLINE = "badgegate_statement_deadline"


def parse_legacy_url(url: str | URL) -> URL:
    """Return ``url`` as a SQLAlchemy URL, or raise :class:`ConfigError` saying what is wrong."""
    if isinstance(url, URL):
        return url
    try:
        return sa.make_url(url)
    except sa.exc.ArgumentError as error:
        raise ConfigError(
            f"legacy database URL {url!r} is not a SQLAlchemy URL ({error}); "
            "use e.g. sqlite:///legacy.sqlite3 or postgresql+psycopg://user@host/db"
        ) from error


def describe_url(url: str | URL) -> str:
    """Return ``url`` for messages, with any password hidden (as the user wrote it)."""
    parsed = parse_legacy_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and parsed.query.get("uri") == "true":
        plain = {k: v for k, v in parsed.query.items() if k not in ("uri", "mode")}
        parsed = parsed.set(database=database.removeprefix("file:"), query=plain)
    return parsed.render_as_string(hide_password=True)


def is_postgresql(bind: sa.Engine | sa.Connection) -> bool:
    """True when ``bind`` talks to PostgreSQL."""
    return bind.dialect.name == "postgresql"


def legacy_engine(
    url: str | URL, *, read_only: bool = False, statement_timeout: float | None = None
) -> sa.Engine:
    """Return an engine for the legacy database at ``url``.

    ``read_only`` opens SQLite files with ``mode=ro`` (a missing file is an error, never created)
    and ``PRAGMA query_only``, PostgreSQL sessions with ``default_transaction_read_only``; a
    write then fails. Read-only sessions also get a statement timeout of ``statement_timeout``
    seconds (default: the config key's, ``LEGACY_STATEMENT_TIMEOUT``): PostgreSQL cancels a
    slower statement (``QueryCanceled``), SQLite interrupts it (``OperationalError:
    interrupted``). Raises :class:`ConfigError` for a malformed URL, an unknown dialect or a
    timeout that is not positive.
    """
    timeout = LEGACY_STATEMENT_TIMEOUT if statement_timeout is None else statement_timeout
    if not timeout > 0:
        raise ConfigError(
            f"legacy_statement_timeout must be a positive number of seconds, got {timeout}"
        )
    parsed = parse_legacy_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, read_only=read_only)
        if read_only:
            _limit_sqlite(engine, timeout)
        return engine
    try:
        engine = sa.create_engine(parsed)
    except (sa.exc.ArgumentError, ImportError) as error:
        raise ConfigError(
            f"cannot use legacy database URL {describe_url(parsed)}: {error}; "
            "supported are sqlite:/// and postgresql+psycopg:// URLs"
        ) from error
    if read_only and engine.dialect.name == "postgresql":
        _limit_postgresql(engine, timeout)
    return engine


def _limit_postgresql(engine: sa.Engine, timeout: float) -> None:
    milliseconds = max(1, round(timeout * 1000))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute("SET SESSION default_transaction_read_only = on")
        cursor.execute(f"SET SESSION statement_timeout = {milliseconds}")
        cursor.close()
        dbapi_connection.autocommit = autocommit


def _limit_sqlite(engine: sa.Engine, timeout: float) -> None:
    """Interrupt a statement step that runs ``timeout`` seconds: the statement up to its first
    rows, then each fetch that :func:`restart_statement_clock` announces."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # [deadline, timeout]
        state = [math.inf, timeout]
        record.info[_DEADLINE] = state
        dbapi_connection.set_progress_handler(
            lambda: int(time.monotonic() > state[0]), _SQLITE_PROGRESS_STEPS
        )

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection: Any, *_args: Any) -> None:
        restart_statement_clock(connection)


def restart_statement_clock(connection: sa.Connection) -> None:
    """A streaming read is about to fetch its next rows: give that fetch the whole statement
    timeout (PostgreSQL does so for each fetch of a server-side cursor by itself)."""
    state = connection.info.get(_DEADLINE)
    if state is not None:
        state[0] = time.monotonic() + state[1]


def _sqlite_engine(url: URL, *, read_only: bool) -> sa.Engine:
    database = url.database or ""
    if read_only and database not in ("", ":memory:") and not database.startswith("file:"):
        url = url.set(database=f"file:{database}", query={**url.query, "mode": "ro", "uri": "true"})
    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, ImportError) as error:
        raise ConfigError(f"cannot use legacy database URL {describe_url(url)}: {error}") from error

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's BEGIN below govern transactions, not pysqlite's implicit ones.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if read_only:
            cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


@contextlib.contextmanager
def connect(engine: sa.Engine) -> Iterator[sa.Connection]:
    """Open a connection, turning a connection failure into :class:`TargetUnreachable`."""
    try:
        connection = engine.connect()
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
        raise TargetUnreachable(
            f"cannot reach the legacy database {describe_url(engine.url)}: "
            f"{_first_line(error.orig)}; check --legacy-db / BADGEGATE_LEGACY_DB"
        ) from error
    with connection:
        yield connection


@contextlib.contextmanager
def read_snapshot(
    url: str | URL, *, statement_timeout: float | None = None
) -> Iterator[sa.Connection]:
    """Yield a connection inside one read-only transaction on the legacy database at ``url``.

    PostgreSQL: ``REPEATABLE READ, READ ONLY`` (server-side cursors work inside it). SQLite: the
    file opened read-only, one deferred transaction. Each statement (and each fetch of a
    streaming cursor) is bounded by ``statement_timeout`` seconds (see :func:`legacy_engine`).
    """
    engine = legacy_engine(url, read_only=True, statement_timeout=statement_timeout)
    try:
        with connect(engine) as connection:
            if is_postgresql(connection):
                connection = connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            with connection.begin():
                require_tables(connection)
                yield connection
    finally:
        engine.dispose()


def require_tables(connection: sa.Connection) -> None:
    """Raise :class:`ConfigError` (exit 2) naming the legacy tables ``connection`` lacks."""
    present = set(sa.inspect(connection).get_table_names())
    missing = [table.name for table in metadata.sorted_tables if table.name not in present]
    if missing:
        raise ConfigError(
            f"the legacy database {describe_url(connection.engine.url)} has no "
            f"{' and no '.join(missing)} table; check --legacy-db / BADGEGATE_LEGACY_DB "
            "(`badgegate legacy seed` creates the tables in a test database)"
        )


def create_tables(engine: sa.Engine, *, replace: bool = False) -> None:
    """Create the legacy tables (``replace`` drops existing ones first, with their rows)."""
    with connect(engine) as connection, connection.begin():
        if replace:
            metadata.drop_all(connection)
        metadata.create_all(connection)


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip() if error is not None else "unknown error"
    return text.splitlines()[0] if text else type(error).__name__
