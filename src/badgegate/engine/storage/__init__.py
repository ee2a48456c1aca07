"""Durable storage (SQLAlchemy Core on SQLite or PostgreSQL): records, history, profiles, clients.

:mod:`.store` is the one interface the rest of the engine uses (:class:`~.store.Store`, one
transaction per call). Beneath it: :mod:`.schema` (tables, database engines),
:mod:`.record_counts` (per-tenant counts kept by triggers), :mod:`.statements` (the SQL),
:mod:`.bulk_writes` (upsert batches), :mod:`.rollback` (undoing a run), :mod:`.positions`
(where pages ended), :mod:`.loop_connections` (one-statement calls on the event loop) and
:mod:`.client_rows` (registered clients as rows).
"""
