"""Undoing a run: delete the records it created, restore the versions it replaced.

The run's history is undone newest first. Deletions are gathered and sent one statement per
kind (in kind order, so concurrent writers take the kept counters' locks in one order) until
a restore comes next; deletions of distinct records commute, so the outcome is that of
undoing each history row in turn.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from badgegate.engine.model.records import StoredRecord
from badgegate.engine.storage.schema import history, records
from badgegate.engine.storage.statements import DELETE_RECORDS, UPDATE_RECORD, stored_row
from badgegate.vocabulary import ENGINE_KIND_ORDER

#: Records deleted by one statement at most (SQLite caps the parameters of one statement).
_DELETE_CHUNK = 500

RollbackCounts = tuple[dict[str, int], dict[str, int]]


def undo_run(connection: Connection, tenant: str, run: str) -> RollbackCounts | None:
    """Undo ``run`` in the caller's transaction and forget its history.

    Returns ``(deleted, restored)`` counts per kind, or ``None`` when the run is unknown.
    """
    rows = connection.execute(
        select(history)
        .where(history.c.tenant == tenant, history.c.run_id == run)
        .order_by(history.c.hid.desc())
    ).all()
    if not rows:
        return None
    deleted: dict[str, int] = dict.fromkeys(ENGINE_KIND_ORDER, 0)
    restored: dict[str, int] = dict.fromkeys(ENGINE_KIND_ORDER, 0)
    doomed: dict[str, list[str]] = {}
    for row in rows:
        if row.action == "created":
            doomed.setdefault(row.kind, []).append(row.rkey)
            deleted[row.kind] += 1
        else:
            _delete(connection, tenant, doomed)
            _restore(connection, tenant, row)
            restored[row.kind] += 1
    _delete(connection, tenant, doomed)
    connection.execute(delete(history).where(history.c.tenant == tenant, history.c.run_id == run))
    return deleted, restored


def _delete(connection: Connection, tenant: str, doomed: dict[str, list[str]]) -> None:
    """Delete the gathered records, one statement per kind, and empty ``doomed``."""
    for kind in sorted(doomed):
        keys = doomed[kind]
        for start in range(0, len(keys), _DELETE_CHUNK):
            chunk = keys[start : start + _DELETE_CHUNK]
            connection.execute(
                DELETE_RECORDS, {"b_tenant": tenant, "b_kind": kind, "b_rkeys": chunk}
            )
    doomed.clear()


def _restore(connection: Connection, tenant: str, row: Any) -> None:
    prior = StoredRecord(
        row.kind,
        row.rkey,
        row.prior_record_id,
        row.prior_body,
        row.prior_media,
        row.prior_valid_from,
    )
    values = stored_row(tenant, prior)
    bound = {f"b_{name}": value for name, value in values.items()}
    if connection.execute(UPDATE_RECORD, bound).rowcount == 0:
        connection.execute(insert(records).values(**values))
