"""The client against the real reference engine on loopback: every method, auth, errors, runs."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator

import pytest

from badgegate.client import (
    BadgeEngineClient,
    BatchOperation,
    ClientCredentials,
    Forbidden,
    InvalidRequest,
    NotFound,
    Unauthorized,
)
from badgegate.engine.server import ClientSpec, EngineServer, TokenSpec
from badgegate.samples import (
    sample_achievement,
    sample_compact_jws,
    sample_credential,
    sample_progress,
)
from badgegate.scopes import ALL_SCOPES, CREDENTIAL_UPSERT, READONLY_SCOPES
from badgegate.transport import Transport

SECRET = "main-client-secret-" + uuid.uuid4().hex
STATIC_TOKEN = "static-token-" + uuid.uuid4().hex
MAIN = ClientSpec("main", SECRET, ALL_SCOPES, "main")
READER = ClientSpec("reader", "reader-secret-" + uuid.uuid4().hex, READONLY_SCOPES, "main")
OTHER = ClientSpec("other", "other-secret-" + uuid.uuid4().hex, ALL_SCOPES, "other")
PAGING = ClientSpec("paging", "paging-secret-" + uuid.uuid4().hex, ALL_SCOPES, "paging")


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineServer]:
    """One clean reference engine for this module, with three tenants."""
    clients = [MAIN, READER, OTHER, PAGING]
    with EngineServer(clients=clients, tokens=[TokenSpec(STATIC_TOKEN, tenant="main")]) as server:
        yield server


def client_of(engine: EngineServer, spec: ClientSpec, **kwargs: object) -> BadgeEngineClient:
    return BadgeEngineClient(
        engine.api_url,
        client_id=spec.client_id,
        client_secret=spec.client_secret,
        scopes=spec.scopes,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def client(engine: EngineServer) -> Iterator[BadgeEngineClient]:
    with client_of(engine, MAIN) as main_client:
        yield main_client


def new_key() -> str:
    return str(uuid.uuid4())


def test_discovery_needs_no_credentials(engine: EngineServer) -> None:
    with BadgeEngineClient(engine.api_url) as anonymous:
        document = anonymous.discovery()
    assert document["openapi"].startswith("3.0")
    assert "OAuth2ACG" in document["components"]["securitySchemes"]


def test_profile_round_trip(client: BadgeEngineClient) -> None:
    profile = client.get_profile()
    changed = {**profile, "name": "Badge office", "email": "badges@example.org"}
    served = client.put_profile(changed)
    assert served is not None and served["name"] == "Badge office"
    assert client.get_profile() == changed


def test_credential_upsert_created_unchanged_replaced_and_listed(
    client: BadgeEngineClient,
) -> None:
    credential = sample_credential(new_key(), "2024-03-01T10:00:00Z")
    credential["x-unknown-extension"] = {"kept": [1, "two"]}
    created = client.upsert_credential(credential, run_id="cred-run")
    assert (created.created, created.body) == (True, credential)
    again = client.upsert_credential(credential)
    assert again.unchanged and again.body is None
    newer = {**credential, "validFrom": "2024-03-02T10:00:00Z", "name": "Renamed"}
    replaced = client.upsert_credential(newer)
    assert replaced.replaced and replaced.body == newer
    listed = [item for item in client.iter_credentials() if item["id"] == credential["id"]]
    assert listed == [newer]


def test_credential_list_page_reads_total_and_links(client: BadgeEngineClient) -> None:
    for _ in range(2):
        client.upsert_credential(sample_credential(new_key()))
    page = client.list_credentials(limit=1, offset=1)
    assert page.total is not None and page.total >= 2
    assert len(page.items) == 1
    assert set(page.links) >= {"first", "last", "prev"}
    assert page.links["first"].startswith(client.base_url + "/credentials?")


def test_compact_jws_credential_upsert_and_listing(client: BadgeEngineClient) -> None:
    compact = sample_compact_jws(new_key())
    result = client.upsert_credential_jws(compact)
    assert result.created and result.body == compact
    assert compact in list(client.iter_credentials())


def test_invalid_credential_is_an_invalid_request(client: BadgeEngineClient) -> None:
    credential = sample_credential(new_key())
    del credential["credentialSubject"]
    with pytest.raises(InvalidRequest) as caught:
        client.upsert_credential(credential)
    assert caught.value.code_minor == "invalid_data"
    assert "POST /credentials" in str(caught.value)


def test_achievement_put_get_and_unknown_key(client: BadgeEngineClient) -> None:
    key = new_key()
    achievement = sample_achievement(key)
    assert client.put_achievement(key, achievement).created
    assert client.put_achievement(f"urn:uuid:{key}", achievement).unchanged
    assert client.get_achievement(uuid.UUID(key)) == achievement
    with pytest.raises(NotFound) as caught:
        client.get_achievement(new_key())
    assert caught.value.code_minor == "not_found"


def test_progress_put_get_and_unknown_key(client: BadgeEngineClient) -> None:
    key = new_key()
    progress = sample_progress(key)
    assert client.put_progress(key, progress).created
    changed = {**progress, "progress": 80}
    assert client.put_progress(key, changed).replaced
    assert client.get_progress(key) == changed
    with pytest.raises(NotFound):
        client.get_progress(new_key())


def test_iterators_walk_every_page_in_order(engine: EngineServer) -> None:
    with client_of(engine, PAGING) as client:
        keys = [new_key() for _ in range(7)]
        for key in keys:
            client.upsert_credential(sample_credential(key))
            client.put_achievement(key, sample_achievement(key))
            client.put_progress(key, sample_progress(key))
        expected = [f"urn:uuid:{key}" for key in keys]
        assert [c["id"] for c in client.iter_credentials(page_size=3)] == expected  # type: ignore[index]
        assert [a["id"] for a in client.iter_achievements(page_size=2)] == expected
        assert [p["id"] for p in client.iter_progress(page_size=7)] == expected
        since = client.list_credentials(limit=1, since="2023-12-31T23:59:59Z")
        assert since.total == 7
        assert client.list_achievements(limit=3, offset=6).items[0]["id"] == expected[6]
        assert client.list_progress(limit=2).links["next"].endswith("limit=2&offset=2")


def test_batch_run_tagging_and_rollback(client: BadgeEngineClient) -> None:
    run_id = f"run-{new_key()}"
    existing = new_key()
    client.put_achievement(existing, sample_achievement(existing, "Before"))
    fresh = new_key()
    operations = [
        BatchOperation("achievement", sample_achievement(existing, "After"), existing),
        BatchOperation("achievement", sample_achievement(fresh), fresh),
        {"kind": "progress", "key": fresh, "record": sample_progress(fresh)},
        BatchOperation("credential", sample_credential(fresh)),
        BatchOperation("progress", {"id": "urn:uuid:" + new_key()}, new_key()),  # id != key
    ]
    results = client.batch(operations, run_id=run_id)
    assert [result.status for result in results] == [200, 201, 201, 201, 400]
    assert results[4].failed and results[4].error is not None
    summary = client.migration_run(run_id)
    assert summary["created"] == {"credential": 1, "achievement": 1, "progress": 1}
    assert summary["replaced"]["achievement"] == 1
    rollback = client.rollback_run(run_id)
    assert rollback.deleted == {"credential": 1, "achievement": 1, "progress": 1}
    assert rollback.restored["achievement"] == 1
    assert client.get_achievement(existing)["name"] == "Before"
    with pytest.raises(NotFound):
        client.get_achievement(fresh)
    with pytest.raises(NotFound):
        client.rollback_run(f"run-{new_key()}")


def test_upsert_many_uses_the_batch_endpoint_in_chunks(client: BadgeEngineClient) -> None:
    keys = [new_key() for _ in range(5)]
    operations = [BatchOperation("achievement", sample_achievement(k), k) for k in keys]
    results = client.upsert_many(operations, run_id="many-run", batch_size=2)
    assert [(r.index, r.status) for r in results] == [(i, 201) for i in range(5)]
    assert client.upsert_many(operations, batch_size=500)[0].unchanged


def test_missing_scope_is_forbidden_and_names_it(engine: EngineServer) -> None:
    with client_of(engine, READER) as reader:
        assert reader.get_profile()["type"] == ["Profile"]
        with pytest.raises(Forbidden, match=f"not granted {CREDENTIAL_UPSERT}"):
            reader.upsert_credential(sample_credential(new_key()))


def test_static_token_works_and_a_wrong_one_is_unauthorized(engine: EngineServer) -> None:
    with BadgeEngineClient(engine.api_url, token=STATIC_TOKEN) as client:
        assert client.get_profile()["type"] == ["Profile"]
    wrong = BadgeEngineClient(engine.api_url, token="wrong-" + STATIC_TOKEN)
    with wrong, pytest.raises(Unauthorized) as caught:
        wrong.get_profile()
    assert caught.value.code_minor == "unauthorizedrequest"
    assert STATIC_TOKEN not in str(caught.value)


def test_wrong_client_secret_is_refused_by_the_token_endpoint(engine: EngineServer) -> None:
    wrong = ClientSpec("main", "not-the-secret-" + uuid.uuid4().hex, ALL_SCOPES)
    with client_of(engine, wrong) as client, pytest.raises(Unauthorized) as caught:
        client.get_profile()
    assert "refused client 'main'" in str(caught.value)
    assert wrong.client_secret not in str(caught.value)


def test_tenants_do_not_see_each_others_records(engine: EngineServer) -> None:
    key = new_key()
    with client_of(engine, MAIN) as main, client_of(engine, OTHER) as other:
        main.put_achievement(key, sample_achievement(key))
        with pytest.raises(NotFound):
            other.get_achievement(key)


class FrozenClock:
    """A clock for the token cache that never moves: the client trusts its token."""

    def __call__(self) -> float:
        return 0.0


def test_expired_token_is_fetched_again_after_a_401(caplog: pytest.LogCaptureFixture) -> None:
    with EngineServer(clients=[MAIN], token_ttl=1) as server, Transport() as transport:
        tokens = ClientCredentials(
            transport,
            server.api_url + "/oauth/token",
            MAIN.client_id,
            SECRET,
            ALL_SCOPES,
            clock=FrozenClock(),
        )
        client = BadgeEngineClient(server.api_url, token_source=tokens, transport=transport)
        client.get_profile()
        first = tokens.token()
        time.sleep(1.1)  # the engine's token lifetime (1 s) elapses; the cache does not know
        caplog.set_level(logging.INFO, logger="badgegate.http")
        assert client.get_profile()["type"] == ["Profile"]
        assert "answered 401; fetching a new token" in caplog.text
        assert tokens.token() != first


def test_secrets_stay_out_of_logs_errors_and_reprs(
    engine: EngineServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with client_of(engine, MAIN) as client:
        client.get_profile()
        access_token = client.tokens.token() if client.tokens else ""
        for failing in (
            lambda: client.get_achievement(new_key()),
            lambda: client.upsert_credential({"id": SECRET}),
        ):
            with pytest.raises(Exception) as caught:
                failing()
            texts += [str(caught.value), repr(caught.value), caught.value.reproduction or ""]
        texts += [repr(client), repr(client.transport), caplog.text]
    assert access_token
    for text in texts:
        assert SECRET not in text
        assert access_token not in text
