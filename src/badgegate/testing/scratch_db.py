"""Throwaway PostgreSQL databases on a running server, for suites and tests that need one."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

from badgegate.errors import TargetUnreachable

SERVER_URL_ENV = "BADGEGATE_TEST_PG_URL"
DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    """The maintenance database URL of the server to create scratch databases on."""
    return os.environ.get(SERVER_URL_ENV, DEFAULT_SERVER_URL)


@contextlib.contextmanager
def scratch_database(prefix: str = "badgegate_scratch") -> Iterator[str]:
    """Create a fresh database, yield its SQLAlchemy URL, and drop it afterwards.

    Raises :class:`TargetUnreachable` when there is no server at :func:`server_url`.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    url = server_url()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        raise TargetUnreachable(
            f"no PostgreSQL server at {url} ({type(error.orig).__name__}); start one or set "
            f"{SERVER_URL_ENV} to run the PostgreSQL checks"
        ) from None
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
