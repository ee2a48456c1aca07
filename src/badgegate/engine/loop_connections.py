"""PostgreSQL connections for one-statement calls awaited on the event loop.

A single upsert or a page is one statement in autocommit mode. Run in a worker thread it
costs two thread hand-offs besides the round trip itself, and on a busy machine each hand-off
waits for the scheduler; awaited on the event loop, the round trip is one more socket the
loop watches, as a client's is. Transactions of many statements (batches, rollbacks) keep
running in worker threads on the SQLAlchemy pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from badgegate.engine.schema import POSTGRES_OPTIONS


class LoopConnections:
    """A small pool of asynchronous psycopg connections in autocommit mode.

    At most ``size`` statements run at once; a connection that fails mid-statement (or whose
    statement is cancelled) is closed rather than reused.
    """

    def __init__(self, url: URL, size: int) -> None:
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._size = size
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def fetch(self, sql: str, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run one statement and return its rows (an empty list when it returns none)."""
        async with self._slots_of(asyncio.get_running_loop()):
            connection = self._idle.pop() if self._idle else await self._connect()
            try:
                cursor = await connection.execute(sql, parameters)
                rows = await cursor.fetchall() if cursor.description is not None else []
            except BaseException:
                await connection.close()
                raise
            self._idle.append(connection)
            return rows

    def _slots_of(self, loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
        """The pool's slots on ``loop``; connections opened on another loop are dropped."""
        if self._slots is None or loop is not self._loop:
            self._idle.clear()
            self._slots, self._loop = asyncio.Semaphore(self._size), loop
        return self._slots

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, options=POSTGRES_OPTIONS
        )

    async def close(self) -> None:
        """Close every idle connection."""
        while self._idle:
            await self._idle.pop().close()
