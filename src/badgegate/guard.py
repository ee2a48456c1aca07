"""Staging safety, enforced in code: the write guard, the default rate cap, read-only legacy reads.

On the ``staging`` profile no POST/PUT/PATCH/DELETE leaves the process unless ``allow_writes`` is
set and the request's host is on ``write_allowlist``; the OAuth 2.0 token endpoint is exempt,
since fetching a token changes nothing on the target. :meth:`badgegate.transport.Transport.
from_config` installs the guard and the rate cap, so the API client, the fuzz suite and every
probe that sends through the shared session are covered alike. Legacy databases are read through
:func:`read_only_legacy_engine`: read-only sessions with a statement timeout.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from badgegate.transport import WriteGuard, WriteRefused, redact

if TYPE_CHECKING:
    import sqlalchemy as sa

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Requests per second on staging when the config sets no ``rate_limit``.
STAGING_RATE_LIMIT = 10.0
#: Statement timeout of read-only legacy sessions, in milliseconds.
LEGACY_STATEMENT_TIMEOUT_MS = 30_000
# SQLite calls the progress handler every this many virtual-machine instructions.
_SQLITE_PROGRESS_STEPS = 10_000
_DEADLINE = "badgegate_statement_deadline"


def is_staging(config: object) -> bool:
    """True when ``config`` runs the ``staging`` profile."""
    return getattr(config, "profile", "ci") == "staging"


def writes_allowed(config: object, host: str | None) -> bool:
    """Whether writes may go to ``host``: always off staging; on staging only when allowed."""
    if not is_staging(config):
        return True
    allowlist = tuple(getattr(config, "write_allowlist", ()) or ())
    return bool(getattr(config, "allow_writes", False)) and host is not None and host in allowlist


def token_url_of(config: object) -> str | None:
    """The token endpoint of ``config``: ``token_url``, else ``<engine_url>/oauth/token``."""
    token_url = getattr(config, "token_url", None)
    if token_url:
        return str(token_url)
    engine_url = getattr(config, "engine_url", None)
    return str(engine_url).rstrip("/") + "/oauth/token" if engine_url else None


def _without_query(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0].rstrip("/")


def staging_write_guard(config: object, *, exempt_urls: Iterable[str] = ()) -> WriteGuard | None:
    """A guard refusing writes on a staging run, or ``None`` off staging.

    ``exempt_urls`` (the token endpoint) may always be posted to. The guard raises
    :class:`~badgegate.transport.WriteRefused` naming the request and how to allow it.
    """
    if not is_staging(config):
        return None
    exempt = {_without_query(url) for url in exempt_urls}

    def guard(method: str, url: str) -> None:
        if method.upper() not in WRITE_METHODS or _without_query(url) in exempt:
            return
        if writes_allowed(config, urlsplit(url).hostname):
            return
        raise WriteRefused(
            f"refused {method.upper()} {redact(url)}: the staging profile is read-only; set "
            "BADGEGATE_ALLOW_WRITES=true and add the host to BADGEGATE_WRITE_ALLOWLIST to allow it"
        )

    return guard


def guard_for(config: object) -> WriteGuard | None:
    """The staging guard of ``config`` with its token endpoint exempt (``None`` off staging)."""
    token_url = token_url_of(config)
    return staging_write_guard(config, exempt_urls=[token_url] if token_url else [])


def effective_rate_limit(config: object) -> float | None:
    """The rate cap of ``config``: ``rate_limit``, else :data:`STAGING_RATE_LIMIT` on staging."""
    rate = getattr(config, "rate_limit", None)
    if rate:
        return float(rate)
    return STAGING_RATE_LIMIT if is_staging(config) else None


def read_only_legacy_engine(
    url: str, *, statement_timeout_ms: int = LEGACY_STATEMENT_TIMEOUT_MS
) -> sa.Engine:
    """An engine on the legacy database whose sessions cannot write and time out.

    Built on :func:`badgegate.legacy.legacy_engine` with ``read_only=True``. PostgreSQL sessions
    get ``default_transaction_read_only`` and ``statement_timeout`` (a write fails with
    ``ReadOnlySqlTransaction``, a slow statement with ``QueryCanceled``); SQLite files are opened
    read-only with ``PRAGMA query_only`` and a statement running past the timeout is interrupted
    (``OperationalError: interrupted``).
    """
    from badgegate.legacy import legacy_engine

    if statement_timeout_ms <= 0:
        raise ValueError(f"statement_timeout_ms must be positive, got {statement_timeout_ms}")
    engine = legacy_engine(url, read_only=True)
    if engine.dialect.name == "postgresql":
        _limit_postgresql(engine, statement_timeout_ms)
    elif engine.dialect.name == "sqlite":
        _limit_sqlite(engine, statement_timeout_ms)
    return engine


def _limit_postgresql(engine: sa.Engine, statement_timeout_ms: int) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute("SET SESSION default_transaction_read_only = on")
        cursor.execute(f"SET SESSION statement_timeout = {int(statement_timeout_ms)}")
        cursor.close()
        dbapi_connection.autocommit = autocommit


def _limit_sqlite(engine: sa.Engine, statement_timeout_ms: int) -> None:
    from sqlalchemy import event

    timeout = statement_timeout_ms / 1000

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        deadline = [math.inf]
        record.info[_DEADLINE] = deadline
        dbapi_connection.set_progress_handler(
            lambda: int(time.monotonic() > deadline[0]), _SQLITE_PROGRESS_STEPS
        )

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection: Any, *_args: Any) -> None:
        deadline = connection.info.get(_DEADLINE)
        if deadline is not None:
            deadline[0] = time.monotonic() + timeout
