"""The engine's PostgreSQL connections outlive the server dropping them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from badgegate.engine.storage.loop_connections import LoopConnections
from badgegate.samples import sample_credential
from tests.engine.conftest import Caller, postgres_only, unsigned


def _drop_engine_connections(engine_db: str) -> int:
    """Terminate every other backend of the database, as a server restart would."""
    conninfo = make_url(engine_db).set(drivername="postgresql")
    with psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True) as db:
        rows = db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def test_pages_and_creations_survive_dropped_connections(engine_db: str, caller: Caller) -> None:
    postgres_only(engine_db, "the connections dropped are PostgreSQL's")
    first = sample_credential(str(uuid.uuid4()))
    assert caller.post("/credentials", json=first).status_code == 201
    assert unsigned(caller.get("/credentials").json()) == {"credential": [first]}
    assert _drop_engine_connections(engine_db) > 0
    listed = caller.get("/credentials")
    assert listed.status_code == 200, listed.text
    assert unsigned(listed.json()) == {"credential": [first]}
    assert _drop_engine_connections(engine_db) > 0
    second = sample_credential(str(uuid.uuid4()))
    created = caller.post("/credentials", json=second)
    assert created.status_code == 201, created.text
    assert unsigned(caller.get("/credentials").json()) == {"credential": [first, second]}


def test_loop_connections_are_closed_with_the_pool_and_their_loop(engine_db: str) -> None:
    postgres_only(engine_db, "loop connections are PostgreSQL's")
    pool = LoopConnections(make_url(engine_db), 2)

    async def idle_after(*calls: Awaitable[Any]) -> list[psycopg.AsyncConnection[Any]]:
        await asyncio.gather(*calls)
        return list(pool._idle)

    (first,) = asyncio.run(idle_after(pool.fetch("SELECT 1", {})))
    assert asyncio.run(idle_after(pool.fetch("SELECT 1", {}))) != [first]
    assert first.closed  # opened on the earlier event loop
    in_use = asyncio.run(idle_after(pool.fetch("SELECT pg_sleep(0.1)", {}), pool.close()))
    assert in_use == []  # in use when the pool closed: closed when its statement ended
    asyncio.run(pool.close())


def test_single_reads_survive_dropped_connections(engine_db: str, caller: Caller) -> None:
    postgres_only(engine_db, "the connections dropped are PostgreSQL's")
    profile = caller.get("/profile")
    assert profile.status_code == 200, profile.text
    assert _drop_engine_connections(engine_db) > 0
    again = caller.get("/profile")
    assert again.status_code == 200, again.text
    assert again.json() == profile.json()
