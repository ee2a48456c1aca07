"""Connections to a legacy database: engines, read-only snapshots, and the tables' lifecycle.

Every reader opens one read-only transaction (``REPEATABLE READ`` on PostgreSQL, a deferred
``BEGIN`` plus ``PRAGMA query_only`` on SQLite), so a whole pass sees one snapshot and can never
write. SQLite connections enforce foreign keys, so ``ON DELETE CASCADE`` behaves as on PostgreSQL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL

from badgegate.errors import ConfigError, TargetUnreachable
from badgegate.legacy.tables import metadata


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


def legacy_engine(url: str | URL, *, read_only: bool = False) -> sa.Engine:
    """Return an engine for the legacy database at ``url``.

    ``read_only`` opens SQLite files with ``mode=ro`` (a missing file is an error, never created)
    and ``PRAGMA query_only``. Raises :class:`ConfigError` for a malformed URL or unknown dialect.
    """
    parsed = parse_legacy_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, read_only=read_only)
    try:
        return sa.create_engine(parsed)
    except (sa.exc.ArgumentError, ImportError) as error:
        raise ConfigError(
            f"cannot use legacy database URL {describe_url(parsed)}: {error}; "
            "supported are sqlite:/// and postgresql+psycopg:// URLs"
        ) from error


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
def read_snapshot(url: str | URL) -> Iterator[sa.Connection]:
    """Yield a connection inside one read-only transaction on the legacy database at ``url``.

    PostgreSQL: ``REPEATABLE READ, READ ONLY`` (server-side cursors work inside it). SQLite: the
    file opened read-only, one deferred transaction.
    """
    engine = legacy_engine(url, read_only=True)
    try:
        with connect(engine) as connection:
            if is_postgresql(connection):
                connection = connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            with connection.begin():
                yield connection
    finally:
        engine.dispose()


def create_tables(engine: sa.Engine, *, replace: bool = False) -> None:
    """Create the legacy tables (``replace`` drops existing ones first, with their rows)."""
    with connect(engine) as connection, connection.begin():
        if replace:
            metadata.drop_all(connection)
        metadata.create_all(connection)


def _first_line(error: BaseException | None) -> str:
    text = str(error).strip() if error is not None else "unknown error"
    return text.splitlines()[0] if text else type(error).__name__
