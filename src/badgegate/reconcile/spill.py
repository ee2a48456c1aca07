"""The spill file: a SQLite database holding the engine side and the run's progress.

Reconciliation never holds both sides in memory: the engine side is reduced to keys and digests
here, the legacy side streams past it in key order, and whatever needs a second look (candidates)
or goes into the report (discrepancies, legacy findings) is written here too. The file lives in
the state folder, so an interrupted run resumes from its last committed chunk.

Writes are appends wherever they can be: served records arrive in the engine's order and are
appended to a heap, then sorted into the keyed table in one pass (an insert at a random key for
each record would rewrite most of the table's pages at every commit); records a legacy badge
accounts for are appended to ``matched`` and subtracted at the end. The file runs in WAL mode
with ``synchronous=NORMAL``: commits are not flushed one by one (only checkpoints are), so a
machine crash may lose the last chunks, but never leaves the file inconsistent; ``--resume``
then goes on from the last chunk that reached the disk.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from badgegate.reconcile.records import SpilledRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS arriving (
    rkey TEXT NOT NULL, kind TEXT NOT NULL, digest BLOB NOT NULL, trace TEXT, link TEXT);
CREATE TABLE IF NOT EXISTS served (
    rkey TEXT NOT NULL, kind TEXT NOT NULL, digest BLOB NOT NULL, trace TEXT, link TEXT,
    PRIMARY KEY (rkey, kind)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS matched (rkey TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS candidates (legacy_id TEXT PRIMARY KEY, payload BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS discrepancies (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS legacy_findings (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
LOOKUP_CHUNK = 900
#: SQLite's page cache, which also bounds its sorter's memory: the spill's share of the run's
#: memory, whatever the data set's size (the OS caches the file as well).
CACHE_KIB = 16384


class Spill:
    """One reconciliation's spill file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the file."""
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together (a chunk and its checkpoint), or not at all."""
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- meta ------------------------------------------------------------------------------

    def get(self, name: str, default: Any = None) -> Any:
        """A JSON value kept under ``name``."""
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else default

    def put(self, name: str, value: Any) -> None:
        """Keep a JSON value under ``name``."""
        self.db.execute(
            "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, json.dumps(value))
        )

    # -- the engine side -------------------------------------------------------------------

    def clear_served(self) -> None:
        """Forget the engine side (before reading it again)."""
        self.db.execute("DROP INDEX IF EXISTS matched_key")
        for table in ("arriving", "served", "matched"):
            self.db.execute(f"DELETE FROM {table}")

    def add_served(self, records: Iterable[SpilledRecord]) -> None:
        """Append served records as they arrive (:meth:`key_served` sorts them in)."""
        self.db.executemany(
            "INSERT INTO arriving (rkey, kind, digest, trace, link) VALUES (?, ?, ?, ?, ?)", records
        )

    def key_served(self) -> dict[str, int]:
        """Sort the arrived records into the keyed table; return, per kind, how many were
        served more than once (the first one served is kept)."""
        arrived = self._counts("arriving")
        self.db.execute(
            "INSERT OR IGNORE INTO served (rkey, kind, digest, trace, link) "
            "SELECT rkey, kind, digest, trace, link FROM arriving ORDER BY rkey, kind, rowid"
        )
        self.db.execute("DELETE FROM arriving")
        kept = self._counts("served")
        return {kind: count - kept.get(kind, 0) for kind, count in arrived.items()}

    def _counts(self, table: str) -> dict[str, int]:
        rows = self.db.execute(f"SELECT kind, count(*) FROM {table} GROUP BY kind")
        return {kind: count for kind, count in rows}

    def digests(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
        """The digests of served ``(kind, key)`` pairs that exist."""
        wanted = list(keys)
        found: dict[tuple[str, str], bytes] = {}
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT kind, rkey, digest FROM served WHERE rkey IN ({marks})"
            for kind, rkey, value in self.db.execute(query, [key for _, key in chunk]):
                found[(kind, rkey)] = value
        return {pair: found[pair] for pair in wanted if pair in found}

    def mark_matched(self, keys: Iterable[tuple[str, str]]) -> None:
        """Note served ``(kind, key)`` records as accounted for by a legacy badge."""
        self.db.executemany(
            "INSERT INTO matched (rkey, kind) VALUES (?, ?)", [(key, kind) for kind, key in keys]
        )

    def unmatched(self) -> Iterator[tuple[str, str, str | None, str | None]]:
        """Served records no legacy badge accounts for: ``(kind, key, trace, link)``."""
        self.db.execute("CREATE INDEX IF NOT EXISTS matched_key ON matched (rkey, kind)")
        query = (
            "SELECT kind, rkey, trace, link FROM served s WHERE NOT EXISTS (SELECT 1 FROM "
            "matched m WHERE m.rkey = s.rkey AND m.kind = s.kind) ORDER BY kind, rkey"
        )
        yield from self.db.execute(query)

    def trace_of(self, achievement_key: str) -> str | None:
        """The legacy id carried by the served achievement with ``achievement_key``."""
        row = self.db.execute(
            "SELECT trace FROM served WHERE rkey = ? AND kind = 'achievement'", (achievement_key,)
        ).fetchone()
        return row[0] if row else None

    def orphan_credentials(self) -> Iterator[tuple[str, str | None, str | None]]:
        """Credentials whose embedded achievement is not served: ``(key, trace, link)``."""
        query = (
            "SELECT c.rkey, c.trace, c.link FROM served c WHERE c.kind = 'credential' AND NOT "
            "EXISTS (SELECT 1 FROM served a WHERE a.kind = 'achievement' AND a.rkey = c.link)"
        )
        yield from self.db.execute(query)

    def served_counts(self) -> dict[str, int]:
        """How many records of each kind the engine served."""
        return self._counts("served")

    # -- candidates, discrepancies, findings -----------------------------------------------

    def add_candidate(self, legacy_id: str, payload: Any) -> None:
        """Keep a badge that needs a second look after re-fetching."""
        blob = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        self.db.execute(
            "INSERT OR REPLACE INTO candidates (legacy_id, payload) VALUES (?, ?)",
            (legacy_id, blob),
        )

    def candidate_count(self) -> int:
        """How many badges wait for a second look."""
        return int(self.db.execute("SELECT count(*) FROM candidates").fetchone()[0])

    def candidates(self, size: int) -> Iterator[list[Any]]:
        """The candidates in chunks of ``size``, in legacy key order."""
        cursor = self.db.execute("SELECT payload FROM candidates ORDER BY legacy_id")
        while rows := cursor.fetchmany(size):
            yield [pickle.loads(blob) for (blob,) in rows]

    def add_discrepancies(self, items: Iterable[dict[str, Any]]) -> None:
        """Store report entries of discrepancies."""
        self.db.executemany(
            "INSERT INTO discrepancies (body) VALUES (?)",
            [(json.dumps(item, ensure_ascii=False),) for item in items],
        )

    def clear_discrepancies(self) -> None:
        """Forget the discrepancies (before the re-fetch phase runs again)."""
        self.db.execute("DELETE FROM discrepancies")

    def discrepancies(self) -> Iterator[dict[str, Any]]:
        """Every stored discrepancy, in the order found."""
        for (body,) in self.db.execute("SELECT body FROM discrepancies ORDER BY seq"):
            yield json.loads(body)

    def add_legacy_findings(self, items: Iterable[str]) -> None:
        """Store findings about the legacy data (report entries as JSON text)."""
        self.db.executemany(
            "INSERT INTO legacy_findings (body) VALUES (?)", [(item,) for item in items]
        )

    def legacy_findings(self) -> Iterator[dict[str, Any]]:
        """Every stored legacy finding."""
        for (body,) in self.db.execute("SELECT body FROM legacy_findings ORDER BY seq"):
            yield json.loads(body)
