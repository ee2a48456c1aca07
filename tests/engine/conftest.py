"""Fixtures for the reference engine's tests: one engine per storage backend, fresh tenants.

Every HTTP test runs against a real engine process on loopback, once on SQLite and once on
PostgreSQL (``pg_url``). Each test gets a tenant of its own, so tests never see each other's
records although they share the test run's engine. ``engine_as`` starts engines that behave as
legitimate OB 3.0 variants (and faults), called with static tokens.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from sqlalchemy import text

from badgegate.engine.model.records import StoredRecord, credential_record
from badgegate.engine.server import ClientSpec, EngineServer, TokenSpec
from badgegate.engine.storage.store import Store
from badgegate.samples import sample_credential
from badgegate.scopes import ALL_SCOPES

CLIENT_ID = "engine-tests"
CLIENT_SECRET = "engine-tests-secret"
ADMIN_TOKEN = "engine-tests-admin"
STATE_PATH = "/_badgegate/provider-states"


@dataclass
class Caller:
    """Calls the engine's API with one bearer token (or none)."""

    server: EngineServer
    token: str | None
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def api(self) -> str:
        """The OB 3.0 API base URL."""
        return self.server.api_url

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send ``method`` to ``api + path`` with this caller's token."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        url = path if path.startswith("http") else self.api + path
        return self.session.request(method, url, headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET ``path``."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """POST to ``path``."""
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        """PUT to ``path``."""
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        """DELETE ``path``."""
        return self.request("DELETE", path, **kwargs)

    def with_token(self, token: str | None) -> Caller:
        """The same engine, called with another token."""
        return Caller(self.server, token, self.session)


def set_up_state(server: EngineServer, state: str, **params: Any) -> requests.Response:
    """POST a provider-state setup to ``server``."""
    body = {"state": state, "params": params, "action": "setup"}
    return requests.post(server.root_url + STATE_PATH, json=body, timeout=30)


def tenant_token(server: EngineServer, tenant: str, scopes: Any = "all") -> str:
    """Register a fresh bearer token for ``tenant`` with ``scopes``; return it."""
    token = f"token-{uuid.uuid4().hex}"
    answer = set_up_state(
        server,
        "client C holds token T with scopes S",
        client="nobody",
        token=token,
        scopes=scopes,
        tenant=tenant,
    )
    assert answer.status_code == 200, answer.text
    return token


def unsigned(served: Any) -> Any:
    """Served credentials (one, a list, or a list body) without the proofs the engine signs
    them with: what was sent, for comparison."""
    if isinstance(served, list):
        return [unsigned(item) for item in served]
    if isinstance(served, dict) and "credential" in served and "@context" not in served:
        return {**served, "credential": unsigned(served["credential"])}
    if isinstance(served, dict):
        return {name: value for name, value in served.items() if name != "proof"}
    return served


def assert_imsx(response: requests.Response, status: int, minor: str | None = None) -> None:
    """Assert ``response`` has ``status`` and an Imsx_StatusInfo body with the right minor code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) <= {"imsx_codeMajor", "imsx_severity", "imsx_description", "imsx_codeMinor"}
    assert body["imsx_codeMajor"] == "failure"
    assert body["imsx_severity"] == "error"
    field = body["imsx_codeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldName"] == "TargetEndSystem"
    expected = (
        minor
        or {
            400: "invalid_data",
            401: "unauthorizedrequest",
            403: "forbidden",
            404: "not_found",
            405: "not_allowed",
            406: "not_acceptable",
            413: "invalid_data",
            415: "invalid_data",
            500: "internal_server_error",
            503: "server_busy",
        }[status]
    )
    assert field["imsx_codeMinorFieldValue"] == expected


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The storage of the test run's engine: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path_factory.mktemp("engine") / "engine.sqlite3")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(engine_db: str) -> Iterator[Store]:
    """A store on the test run's engine database (each test writes to a tenant of its own)."""
    opened = Store(engine_db)
    yield opened
    asyncio.run(opened.aclose())


@pytest.fixture(scope="session")
def engine(engine_db: str) -> Iterator[EngineServer]:
    """The test run's engine process (test endpoints on) for the current backend."""
    client = ClientSpec(CLIENT_ID, CLIENT_SECRET, ALL_SCOPES, "default")
    with EngineServer(
        clients=[client], tokens=[TokenSpec(ADMIN_TOKEN)], engine_db=engine_db, test_endpoints=True
    ) as server:
        yield server


class EngineFactory:
    """Engines (on SQLite) that behave as variants (and faults), each started once, with the
    OAuth client of :func:`client_credentials` and the static token ``ADMIN_TOKEN`` (every
    scope, tenant ``default``)."""

    def __init__(self) -> None:
        self.started: dict[tuple[frozenset[str], frozenset[str]], EngineServer] = {}

    def __call__(self, *variants: str, faults: tuple[str, ...] = ()) -> EngineServer:
        """The engine behaving as ``variants`` with ``faults`` (test endpoints on)."""
        self.start_all([(variants, faults)])
        return self.started[(frozenset(variants), frozenset(faults))]

    def start_all(self, wanted: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        """Start the engines of ``(variants, faults)`` pairs not yet running, side by side."""
        new = {
            (frozenset(variants), frozenset(faults)): EngineServer(
                clients=[ClientSpec(CLIENT_ID, CLIENT_SECRET, ALL_SCOPES, "default")],
                tokens=[TokenSpec(ADMIN_TOKEN)],
                variants=variants,
                faults=faults,
                test_endpoints=True,
            )
            for variants, faults in wanted
            if (frozenset(variants), frozenset(faults)) not in self.started
        }
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(EngineServer.__enter__, new.values()))
        self.started.update(new)

    def stop_all(self) -> None:
        """Stop every engine started."""
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda server: server.__exit__(None, None, None), self.started.values()))


@pytest.fixture(scope="session")
def engine_as() -> Iterator[EngineFactory]:
    """``engine_as(*variants, faults=())``: an engine that behaves as legitimate OB 3.0
    ``variants`` (``badgegate engine variants``), see :class:`EngineFactory`; every one is
    stopped at the end of the session."""
    factory = EngineFactory()
    yield factory
    factory.stop_all()


@pytest.fixture
def tenant() -> str:
    """A tenant name no other test uses."""
    return f"tenant-{uuid.uuid4().hex[:12]}"


def credentials(count: int, valid_from: str = "2024-05-01T12:00:00Z") -> list[StoredRecord]:
    """``count`` new sample credentials, ready to store."""
    return [
        credential_record(sample_credential(str(uuid.uuid4()), valid_from)) for _ in range(count)
    ]


def kept_changes(store: Store, tenant: str) -> int:
    """The change counter the store keeps for ``tenant``'s credentials."""
    query = text("SELECT changes FROM bg_record_counts WHERE tenant = :t AND kind = 'credential'")
    with store.engine.connect() as connection:
        return int(connection.execute(query, {"t": tenant}).scalar_one())


def reopened_without_counting(store: Store, engine_db: str, undo: str) -> Store:
    """``store`` closed and opened again, as if made before its counting triggers: they are
    dropped and ``undo`` (SQL on ``bg_record_counts``) runs first."""
    on_table = " ON bg_records" if store.engine.dialect.name == "postgresql" else ""
    with store.engine.begin() as connection:
        for trigger in ("bg_records_count_inserted", "bg_records_count_deleted"):
            connection.execute(text(f"DROP TRIGGER {trigger}{on_table}"))
        connection.execute(text(undo))
    store.close()
    return Store(engine_db)


def postgres_only(engine_db: str, why: str) -> None:
    """Skip the test on SQLite, saying why it does not apply there."""
    if not engine_db.startswith("postgresql"):
        pytest.skip(f"not applicable: {why}")


@pytest.fixture
def caller(engine: EngineServer, tenant: str) -> Caller:
    """A caller holding every scope in a fresh tenant."""
    return Caller(engine, tenant_token(engine, tenant))


@pytest.fixture
def anonymous(engine: EngineServer) -> Caller:
    """A caller without a token."""
    return Caller(engine, None)


ImsxCheck = Callable[..., None]


@pytest.fixture
def imsx_error() -> ImsxCheck:
    """``imsx_error(response, status, minor=None)`` asserts an Imsx_StatusInfo error answer."""
    return assert_imsx


@pytest.fixture
def provider_state(engine: EngineServer) -> Callable[..., requests.Response]:
    """``provider_state(name, **params)`` sets up a provider state on the test run's engine."""

    def setup(state: str, **params: Any) -> requests.Response:
        return set_up_state(engine, state, **params)

    return setup


@pytest.fixture
def client_credentials() -> tuple[str, str]:
    """The id and secret of the test run's engine's OAuth client (all scopes, default tenant)."""
    return CLIENT_ID, CLIENT_SECRET


@pytest.fixture
def new_tenant_caller(engine: EngineServer) -> Callable[[], Caller]:
    """``new_tenant_caller()``: a caller with every scope in yet another fresh tenant."""

    def make() -> Caller:
        return Caller(engine, tenant_token(engine, f"tenant-{uuid.uuid4().hex[:12]}"))

    return make
