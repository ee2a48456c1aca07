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

from badgegate.engine.storage.schema import POSTGRES_OPTIONS


class ConnectionLost(psycopg.OperationalError):
    """The connection broke under a statement: the server went away or the socket dropped."""


class LoopConnections:
    """A small pool of asynchronous psycopg connections in autocommit mode.

    At most ``size`` statements run at once; a connection that fails mid-statement (or whose
    statement is cancelled) is closed rather than reused. A connection found broken (the
    server restarted, or an idle socket was dropped) means the idle ones are likely broken
    too: they are all closed, and the statement is sent once more on a fresh connection. Every
    statement sent here is safe to repeat: a read, or a creation that inserts nothing when
    its record exists (the caller then takes the transactional path).
    """

    def __init__(self, url: URL, size: int) -> None:
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._size = size
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Bumped by :meth:`close` and on a new event loop: connections lent out before are
        #: closed when they come back instead of joining the idle ones.
        self._generation = 0

    async def fetch(self, sql: str, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run one statement and return its rows (an empty list when it returns none)."""
        async with await self._slots_of(asyncio.get_running_loop()):
            generation = self._generation
            connection = self._idle.pop() if self._idle else await self._connect()
            try:
                return await self._execute(connection, generation, sql, parameters)
            except ConnectionLost:
                await self._close_idle()
            return await self._execute(await self._connect(), generation, sql, parameters)

    async def _execute(
        self,
        connection: psycopg.AsyncConnection[Any],
        generation: int,
        sql: str,
        parameters: Mapping[str, Any],
    ) -> list[tuple[Any, ...]]:
        """Run one statement on ``connection``, then give it back (or close it when the pool
        was closed since ``generation``)."""
        try:
            cursor = await connection.execute(sql, parameters)
            rows = await cursor.fetchall() if cursor.description is not None else []
        except BaseException as error:
            lost = isinstance(error, psycopg.OperationalError) and connection.broken
            await connection.close()
            if lost:
                raise ConnectionLost(str(error)) from error
            raise
        if generation == self._generation:
            self._idle.append(connection)
        else:
            await connection.close()
        return rows

    async def _slots_of(self, loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
        """The pool's slots on ``loop``; connections opened on another loop are closed."""
        if self._slots is None or loop is not self._loop:
            await self.close()
            self._slots, self._loop = asyncio.Semaphore(self._size), loop
        return self._slots

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, options=POSTGRES_OPTIONS
        )

    async def _close_idle(self) -> None:
        while self._idle:
            await self._idle.pop().close()

    async def close(self) -> None:
        """Close every idle connection, and each one in use as soon as its statement ends."""
        self._generation += 1
        await self._close_idle()
