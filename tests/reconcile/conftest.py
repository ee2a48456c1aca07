"""A reference engine with one tenant per test, a seeded legacy database, and records loaded."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from badgegate.client import BadgeEngineClient, BatchResult
from badgegate.compare import iter_operations
from badgegate.compare.served import Rewrite
from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.legacy import generate_dataset, seed
from badgegate.legacy.dataset import LegacyDataset
from badgegate.mapping import MigrationMapping, load_mapping
from badgegate.streaming.planner import issuer_from_profile

TENANTS = 40
SEEDED = 60
_numbers = itertools.count()


@pytest.fixture(scope="session")
def mapping() -> MigrationMapping:
    """The project's migration mapping."""
    return load_mapping()


@pytest.fixture(scope="session")
def tenant_specs() -> list[ClientSpec]:
    """Client credentials of the engine's tenants (each test takes a fresh one)."""
    return [
        ClientSpec(f"reconcile-{n}", secrets.token_urlsafe(18), tenant=f"tenant-{n}")
        for n in range(TENANTS)
    ]


@pytest.fixture(scope="session")
def engine(tenant_specs: list[ClientSpec]) -> Iterator[EngineServer]:
    """One reference engine for the reconcile tests."""
    with EngineServer(clients=tenant_specs) as server:
        yield server


@pytest.fixture
def tenant_spec(tenant_specs: list[ClientSpec]) -> ClientSpec:
    """A tenant no other test uses (so every test starts from an empty engine)."""
    return tenant_specs[next(_numbers)]


@pytest.fixture
def client(engine: EngineServer, tenant_spec: ClientSpec) -> Iterator[BadgeEngineClient]:
    """A client of the test's own tenant."""
    with BadgeEngineClient(
        engine.api_url, client_id=tenant_spec.client_id, client_secret=tenant_spec.client_secret
    ) as tenant_client:
        yield tenant_client


@pytest.fixture(scope="session")
def seeded_dataset() -> LegacyDataset:
    """The seeded legacy data set of the reconcile tests."""
    return generate_dataset(SEEDED, seed=11)


@pytest.fixture(scope="session")
def legacy_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A legacy SQLite database holding :func:`seeded_dataset` (never written by the tests)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('legacy') / 'legacy.sqlite3'}"
    seed(url, badges=SEEDED, seed=11)
    return url


Loader = Callable[..., list[BatchResult]]


@pytest.fixture
def load_engine(mapping: MigrationMapping) -> Loader:
    """Write a data set's records into a tenant the way a (possibly lossy) migration would."""

    def load(
        client: BadgeEngineClient, dataset: LegacyDataset, rewrite: Rewrite | None = None
    ) -> list[BatchResult]:
        issuer = issuer_from_profile(client.get_profile())
        operations = list(iter_operations(dataset, mapping=mapping, issuer=issuer, rewrite=rewrite))
        results = client.upsert_many(operations)
        assert not [result for result in results if result.failed]
        return results

    return load


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """A state folder for the run."""
    return tmp_path / "state"
