"""The project's migration mapping, loaded once, and the legacy databases of tests/legacy."""

from __future__ import annotations

import pytest

from badgegate.mapping import MigrationMapping, load_mapping

from ..legacy.db_fixtures import legacy_url, postgres_url, sqlite_url

__all__ = ["ISSUER", "legacy_url", "mapping", "postgres_url", "sqlite_url"]

ISSUER = "https://issuer.example/ims/ob/v3p0/profile"


@pytest.fixture(scope="session")
def mapping() -> MigrationMapping:
    return load_mapping(recipient_email="learner@example.org")
