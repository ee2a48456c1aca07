"""Legacy databases for the legacy tests (shared with tests/mapping)."""

from __future__ import annotations

from .db_fixtures import legacy_url, postgres_url, sqlite_url

__all__ = ["legacy_url", "postgres_url", "sqlite_url"]
