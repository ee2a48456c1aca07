"""The provider-state endpoint: each named state creates what it says; teardown resets."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import requests

from badgegate.engine.routes.provider_states import PROVIDER_STATES
from badgegate.engine.server import EngineServer
from badgegate.samples import sample_credential
from badgegate.scopes import CREDENTIAL_READONLY

if TYPE_CHECKING:
    from tests.engine.conftest import Caller, ImsxCheck

StateSetup = Callable[..., requests.Response]


def test_learner_with_credentials(caller: Caller, tenant: str, provider_state: StateSetup) -> None:
    answer = provider_state(
        "a learner with N awarded credentials",
        count=4,
        tenant=tenant,
        since="2024-02-01T00:00:00+00:00",
    )
    assert answer.status_code == 200
    assert len(answer.json()["result"]["ids"]) == 4
    page = caller.get("/credentials", params={"since": "2024-02-02T00:00:00Z"})
    assert page.headers["X-Total-Count"] == "3"
    assert [
        item["id"] for item in caller.get("/credentials").json()["credential"]
    ] == answer.json()["result"]["ids"]


def test_no_credentials(caller: Caller, tenant: str, provider_state: StateSetup) -> None:
    provider_state("a learner with N awarded credentials", count=2, tenant=tenant)
    assert provider_state("no credentials", tenant=tenant).status_code == 200
    assert caller.get("/credentials").json() == {"credential": []}


@pytest.mark.parametrize(
    ("state", "collection"),
    [
        ("an achievement with key K exists", "achievements"),
        ("a progress record with key K exists", "progress"),
    ],
)
def test_record_with_key_exists(
    caller: Caller, tenant: str, provider_state: StateSetup, state: str, collection: str
) -> None:
    key = str(uuid.uuid4())
    assert provider_state(state, key=key, tenant=tenant).json()["result"]["key"] == key
    fetched = caller.get(f"/ext/{collection}/{key}")
    assert fetched.status_code == 200
    assert fetched.json()["id"] == f"urn:uuid:{key}"


def test_client_holds_token(
    engine: EngineServer, provider_state: StateSetup, client_credentials: tuple[str, str]
) -> None:
    token = f"fixed-{uuid.uuid4().hex}"
    answer = provider_state(
        "client C holds token T with scopes S",
        client=client_credentials[0],
        token=token,
        scopes=[CREDENTIAL_READONLY],
    )
    assert answer.json()["result"]["tenant"] == "default"
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(engine.api_url + "/credentials", headers=headers, timeout=30).ok
    assert requests.get(engine.api_url + "/profile", headers=headers, timeout=30).status_code == 403


def test_migration_run_created_records(
    caller: Caller, tenant: str, provider_state: StateSetup
) -> None:
    provider_state("a migration run R created records", run="state-run-1", count=3, tenant=tenant)
    summary = caller.get("/ext/migration-runs/state-run-1").json()
    assert summary["created"] == {"credential": 0, "achievement": 3, "progress": 3}
    assert caller.delete("/ext/migration-runs/state-run-1").json()["deleted"]["progress"] == 3


def test_issuer_profile_exists(caller: Caller, tenant: str, provider_state: StateSetup) -> None:
    answer = provider_state("the issuer profile exists", tenant=tenant)
    assert caller.get("/profile").json()["id"] == answer.json()["result"]["id"]


@pytest.mark.parametrize("body", [{"state": "", "params": {}}, {"params": {}}, {"state": None}])
def test_empty_state_is_a_no_op(engine: EngineServer, caller: Caller, body: Any) -> None:
    caller.post("/credentials", json=sample_credential(str(uuid.uuid4())))
    url = engine.root_url + "/_badgegate/provider-states"
    answer = requests.post(url, json={**body, "action": "setup"}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"] == {}
    assert caller.get("/credentials").headers["X-Total-Count"] == "1"


def test_credential_with_id_exists(caller: Caller, tenant: str, provider_state: StateSetup) -> None:
    credential = sample_credential(str(uuid.uuid4()), "2024-03-01T09:30:00Z")
    credential["extensionNote"] = {"kept": True}
    answer = provider_state("a credential with id I exists", credential=credential, tenant=tenant)
    assert answer.json()["result"]["id"] == credential["id"]
    assert caller.get("/credentials").json()["credential"] == [credential]
    assert caller.post("/credentials", json=credential).status_code == 304


def test_credential_state_refuses_an_invalid_credential(
    provider_state: StateSetup, imsx_error: ImsxCheck, tenant: str
) -> None:
    answer = provider_state("a credential with id I exists", credential={"id": "x"}, tenant=tenant)
    imsx_error(answer, 400)


def test_client_registered_with_secret_and_scopes(
    engine: EngineServer, caller: Caller, tenant: str, provider_state: StateSetup
) -> None:
    client, secret = f"client-{uuid.uuid4().hex[:8]}", "state-secret"
    caller.post("/credentials", json=sample_credential(str(uuid.uuid4())))
    answer = provider_state(
        "client C is registered with secret X and scopes S",
        client=client,
        secret=secret,
        scopes=[CREDENTIAL_READONLY],
        tenant=tenant,
    )
    assert answer.status_code == 200, answer.text
    assert secret not in answer.text
    token_url = engine.api_url + "/oauth/token"
    form = {"grant_type": "client_credentials"}
    wrong = requests.post(token_url, data=form, auth=(client, "wrong"), timeout=30)
    assert wrong.status_code == 401
    issued = requests.post(token_url, data=form, auth=(client, secret), timeout=30)
    assert issued.json()["scope"] == CREDENTIAL_READONLY
    listed = caller.with_token(issued.json()["access_token"]).get("/credentials")
    assert listed.headers["X-Total-Count"] == "1"


def test_state_registered_client_is_forgotten_on_teardown(
    engine: EngineServer, provider_state: StateSetup
) -> None:
    client = f"client-{uuid.uuid4().hex[:8]}"
    provider_state(
        "client C is registered with secret X and scopes S", client=client, secret="s", scopes="all"
    )
    url = engine.root_url + "/_badgegate/provider-states"
    assert requests.post(url, json={"action": "teardown"}, timeout=30).ok
    token_url = engine.api_url + "/oauth/token"
    form = {"grant_type": "client_credentials"}
    assert requests.post(token_url, data=form, auth=(client, "s"), timeout=30).status_code == 401


def test_issuer_profile_with_id_exists(
    caller: Caller, tenant: str, provider_state: StateSetup
) -> None:
    profile_id = f"urn:uuid:{uuid.uuid4()}"
    provider_state("the issuer profile with id I exists", id=profile_id, tenant=tenant)
    profile = caller.get("/profile").json()
    assert profile["id"] == profile_id
    assert caller.put("/profile", json={**profile, "name": "Renamed"}).status_code == 200


def test_unknown_state_is_400_naming_the_known_ones(
    provider_state: StateSetup, imsx_error: ImsxCheck
) -> None:
    answer = provider_state("a unicorn exists")
    imsx_error(answer, 400)
    for name in PROVIDER_STATES:
        assert name in answer.json()["imsx_description"]


@pytest.mark.parametrize(
    "body",
    [
        {"state": "no credentials", "action": "dance"},
        {"state": "no credentials", "params": [1]},
        [1],
    ],
)
def test_malformed_state_requests_are_400(
    engine: EngineServer, imsx_error: ImsxCheck, body: Any
) -> None:
    url = engine.root_url + "/_badgegate/provider-states"
    imsx_error(requests.post(url, json=body, timeout=30), 400)


def test_teardown_resets_the_store(
    engine: EngineServer, caller: Caller, tenant: str, provider_state: StateSetup
) -> None:
    provider_state("a learner with N awarded credentials", count=2, tenant=tenant)
    url = engine.root_url + "/_badgegate/provider-states"
    body = {"state": "a learner with N awarded credentials", "action": "teardown"}
    assert requests.post(url, json=body, timeout=30).status_code == 200
    assert (
        requests.get(
            engine.api_url + "/credentials",
            headers={"Authorization": f"Bearer {caller.token}"},
            timeout=30,
        ).status_code
        == 401
    )
    reset_tokens_survive = requests.get(
        engine.api_url + "/credentials",
        headers={"Authorization": "Bearer engine-tests-admin"},
        timeout=30,
    )
    assert reset_tokens_survive.json() == {"credential": []}


def test_state_endpoint_exists_only_with_test_endpoints(engine_db: str) -> None:
    with EngineServer(engine_db=engine_db) as server:
        url = server.root_url + "/_badgegate/provider-states"
        answer = requests.post(url, json={"state": "no credentials"}, timeout=30)
        assert answer.status_code == 404
        inside = requests.post(server.api_url + "/_badgegate/provider-states", json={}, timeout=30)
        assert inside.status_code == 404
