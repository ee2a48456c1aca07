"""Tokens, scopes per operation, OAuth endpoints and tenant isolation."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import requests

from badgegate.engine.server import EngineServer
from badgegate.samples import (
    sample_achievement,
    sample_credential,
    sample_key,
    sample_progress,
)
from badgegate.scopes import (
    ACHIEVEMENT_READONLY,
    ACHIEVEMENT_UPSERT,
    ALL_SCOPES,
    CREDENTIAL_READONLY,
    CREDENTIAL_UPSERT,
    MIGRATION_ADMIN,
    PROFILE_READONLY,
    PROFILE_UPDATE,
    PROGRESS_READONLY,
    PROGRESS_UPSERT,
    READONLY_SCOPES,
)

if TYPE_CHECKING:
    from tests.engine.conftest import Caller, ImsxCheck

KEY = sample_key("achievement", "auth")
PROGRESS_KEY = sample_key("progress", "auth")
CREDENTIAL = sample_credential(sample_key("credential", "auth"))

#: (method, path, json body, the scope the operation needs)
OPERATIONS: list[tuple[str, str, Any, str]] = [
    ("GET", "/credentials", None, CREDENTIAL_READONLY),
    (
        "POST",
        "/credentials",
        sample_credential(sample_key("credential", "auth")),
        CREDENTIAL_UPSERT,
    ),
    ("GET", "/profile", None, PROFILE_READONLY),
    ("PUT", "/profile", {"id": "urn:uuid:x", "type": ["Profile"]}, PROFILE_UPDATE),
    ("GET", "/ext/achievements", None, ACHIEVEMENT_READONLY),
    ("GET", f"/ext/achievements/{KEY}", None, ACHIEVEMENT_READONLY),
    ("PUT", f"/ext/achievements/{KEY}", sample_achievement(KEY), ACHIEVEMENT_UPSERT),
    ("GET", "/ext/progress", None, PROGRESS_READONLY),
    ("GET", f"/ext/progress/{PROGRESS_KEY}", None, PROGRESS_READONLY),
    ("PUT", f"/ext/progress/{PROGRESS_KEY}", sample_progress(PROGRESS_KEY), PROGRESS_UPSERT),
    ("GET", "/ext/migration-runs/run-1", None, MIGRATION_ADMIN),
    ("DELETE", "/ext/migration-runs/run-1", None, MIGRATION_ADMIN),
]
ISSUE_TOKEN = Callable[..., str]


@pytest.fixture
def token_for(engine: EngineServer, tenant: str, provider_state: Any) -> ISSUE_TOKEN:
    """``token_for(scopes)``: a fresh token of the test's tenant with ``scopes``."""

    def issue(scopes: Any) -> str:
        token = f"token-{uuid.uuid4().hex}"
        answer = provider_state(
            "client C holds token T with scopes S",
            client="nobody",
            token=token,
            scopes=list(scopes),
            tenant=tenant,
        )
        assert answer.status_code == 200
        return token

    return issue


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS)
def test_every_operation_needs_a_valid_token(
    anonymous: Caller, imsx_error: ImsxCheck, method: str, path: str, body: Any, scope: str
) -> None:
    missing = anonymous.request(method, path, json=body)
    imsx_error(missing, 401)
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = anonymous.request(method, path, json=body, headers={"Authorization": "Bearer nope"})
    imsx_error(wrong, 401)
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    basic = anonymous.request(method, path, json=body, headers={"Authorization": "Basic eDp5"})
    imsx_error(basic, 401)


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS)
def test_every_operation_needs_its_scope(
    caller: Caller,
    imsx_error: ImsxCheck,
    token_for: ISSUE_TOKEN,
    method: str,
    path: str,
    body: Any,
    scope: str,
) -> None:
    others = [other for other in ALL_SCOPES if other != scope]
    imsx_error(caller.with_token(token_for(others)).request(method, path, json=body), 403)
    allowed = caller.with_token(token_for([scope])).request(method, path, json=body)
    assert allowed.status_code not in (401, 403), allowed.text


def test_readonly_token_reads_but_cannot_write(
    caller: Caller, imsx_error: ImsxCheck, token_for: ISSUE_TOKEN
) -> None:
    reader = caller.with_token(token_for(READONLY_SCOPES))
    assert reader.get("/credentials").status_code == 200
    imsx_error(reader.post("/credentials", json=sample_credential(str(uuid.uuid4()))), 403)
    assert caller.get("/credentials").json() == {"credential": []}


def test_batch_items_need_the_scope_of_their_kind(caller: Caller, token_for: ISSUE_TOKEN) -> None:
    writer = caller.with_token(token_for([ACHIEVEMENT_UPSERT]))
    key = str(uuid.uuid4())
    operations = [
        {"kind": "achievement", "key": key, "record": sample_achievement(key)},
        {"kind": "credential", "record": sample_credential(str(uuid.uuid4()))},
    ]
    results = writer.post("/ext/batch", json={"operations": operations}).json()["results"]
    assert [result["status"] for result in results] == [201, 403]
    assert (
        results[1]["error"]["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
        == "forbidden"
    )
    assert caller.get("/credentials").json() == {"credential": []}


def test_client_credentials_token_grants_the_requested_scopes(
    engine: EngineServer, client_credentials: tuple[str, str]
) -> None:
    token_url = engine.api_url + "/oauth/token"
    answer = requests.post(
        token_url,
        auth=client_credentials,
        data={"grant_type": "client_credentials", "scope": CREDENTIAL_READONLY},
        timeout=30,
    )
    assert answer.status_code == 200
    grant = answer.json()
    assert grant["token_type"] == "Bearer"
    assert grant["scope"] == CREDENTIAL_READONLY
    assert grant["expires_in"] > 0
    headers = {"Authorization": f"Bearer {grant['access_token']}"}
    assert requests.get(engine.api_url + "/credentials", headers=headers, timeout=30).ok
    profile = requests.get(engine.api_url + "/profile", headers=headers, timeout=30)
    assert profile.status_code == 403


@pytest.mark.parametrize(
    ("auth", "data", "status", "error"),
    [
        (("engine-tests", "wrong"), {"grant_type": "client_credentials"}, 401, "invalid_client"),
        (("unknown", "x"), {"grant_type": "client_credentials"}, 401, "invalid_client"),
        (None, {"grant_type": "client_credentials"}, 401, "invalid_client"),
        (
            ("engine-tests", "engine-tests-secret"),
            {"grant_type": "password"},
            400,
            "unsupported_grant_type",
        ),
        (("engine-tests", "engine-tests-secret"), {}, 400, "invalid_request"),
        (
            ("engine-tests", "engine-tests-secret"),
            {"grant_type": "client_credentials", "scope": "urn:unknown"},
            400,
            "invalid_scope",
        ),
    ],
)
def test_token_endpoint_errors_follow_rfc_6749(
    engine: EngineServer, auth: Any, data: dict[str, str], status: int, error: str
) -> None:
    answer = requests.post(engine.api_url + "/oauth/token", auth=auth, data=data, timeout=30)
    assert answer.status_code == status
    assert answer.json()["error"] == error


def test_registration_creates_a_client_in_a_tenant_of_its_own(engine: EngineServer) -> None:
    metadata = {
        "client_name": "wallet",
        "redirect_uris": ["https://wallet.example/cb"],
        "scope": f"{CREDENTIAL_READONLY} {CREDENTIAL_UPSERT}",
    }
    answer = requests.post(engine.api_url + "/oauth/register", json=metadata, timeout=30)
    assert answer.status_code == 201
    client = answer.json()
    assert client["client_secret_expires_at"] == 0
    assert client["client_name"] == "wallet"
    assert {"client_id", "client_secret", "client_id_issued_at"} <= set(client)
    token = requests.post(
        engine.api_url + "/oauth/token",
        auth=(client["client_id"], client["client_secret"]),
        data={"grant_type": "client_credentials"},
        timeout=30,
    ).json()
    assert token["scope"] == f"{CREDENTIAL_READONLY} {CREDENTIAL_UPSERT}"
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    listed = requests.get(engine.api_url + "/credentials", headers=headers, timeout=30)
    assert listed.json() == {"credential": []}


_CLIENT = {
    "client_name": "x",
    "redirect_uris": ["https://a.example/cb"],
    "scope": CREDENTIAL_READONLY,
}


@pytest.mark.parametrize(
    "metadata",
    [
        [],
        {"redirect_uris": ["https://a.example/cb"], "scope": CREDENTIAL_READONLY},
        {"client_name": "x", "redirect_uris": ["https://a.example/cb"]},
        {**_CLIENT, "scope": "urn:nope"},
        {**_CLIENT, "scope": f"{CREDENTIAL_READONLY}  {CREDENTIAL_UPSERT}"},
        {**_CLIENT, "grant_types": False},
        {**_CLIENT, "grant_types": []},
        {**_CLIENT, "grant_types": ["password"]},
        {**_CLIENT, "response_types": ["token"]},
        {**_CLIENT, "response_types": "code"},
        {**_CLIENT, "token_endpoint_auth_method": "none"},
        {**_CLIENT, "token_endpoint_auth_method": {"method": "client_secret_basic"}},
        {**_CLIENT, "token_endpoint_auth_method": ["client_secret_basic"]},
        {**_CLIENT, "grant_types": [{"grant": "authorization_code"}]},
        {**_CLIENT, "scope": {"scope": "all"}},
        {**_CLIENT, "client_name": {"en": "wallet"}},
        {**_CLIENT, "contacts": "ops@a.example"},
        {**_CLIENT, "contacts": [1]},
        {**_CLIENT, "client_uri": "a.example"},
        {**_CLIENT, "logo_uri": "ftp://a.example/logo.png"},
        {**_CLIENT, "tos_uri": False},
        {**_CLIENT, "software_id": 7},
    ],
)
def test_registration_refuses_bad_metadata(engine: EngineServer, metadata: Any) -> None:
    answer = requests.post(engine.api_url + "/oauth/register", json=metadata, timeout=30)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_client_metadata"
    assert answer.json()["error_description"]


@pytest.mark.parametrize(
    "uris",
    [
        [],
        "https://a.example/cb",
        [False],
        ["https://hnbmxsyft.example*"],
        ["https://a.example/cb#done"],
        ["/cb"],
        ["ftp://a.example/cb"],
        ["https://user:pw@a.example/cb"],
        ["https://a.example/c b"],
        ["https://a.example/%zz"],
        ["https://a.example:99999/cb"],
        ["https://[::g]/cb"],
        ["https://a.example/cb", "https://"],
    ],
)
def test_registration_refuses_bad_redirect_uris(engine: EngineServer, uris: Any) -> None:
    metadata = {**_CLIENT, "redirect_uris": uris}
    answer = requests.post(engine.api_url + "/oauth/register", json=metadata, timeout=30)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_redirect_uri"


def test_registration_accepts_every_rfc_7591_member_it_knows(engine: EngineServer) -> None:
    metadata = {
        **_CLIENT,
        "redirect_uris": [
            "http://127.0.0.1:8080/cb",
            "https://[::1]/cb",
            "https://wallet.example/a*b/c?state=x%20y",
        ],
        "client_uri": "https://wallet.example/#about",
        "logo_uri": "https://wallet.example/logo.png",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        "contacts": ["ops@wallet.example"],
        "software_id": "wallet",
        "x-vendor": {"kept": True},
    }
    answer = requests.post(engine.api_url + "/oauth/register", json=metadata, timeout=30)
    assert answer.status_code == 201, answer.text
    assert answer.json()["x-vendor"] == {"kept": True}


def test_tenants_never_see_each_others_records(
    caller: Caller, new_tenant_caller: Callable[[], Caller], imsx_error: ImsxCheck
) -> None:
    other = new_tenant_caller()
    key = str(uuid.uuid4())
    credential = sample_credential(str(uuid.uuid4()))
    assert caller.post("/credentials", json=credential).status_code == 201
    assert caller.put(f"/ext/achievements/{key}", json=sample_achievement(key)).status_code == 201
    assert caller.put(f"/ext/progress/{key}", json=sample_progress(key)).status_code == 201
    assert other.get("/credentials").json() == {"credential": []}
    assert other.get("/credentials").headers["X-Total-Count"] == "0"
    assert other.get("/ext/achievements").json() == {"achievement": []}
    assert other.get("/ext/progress").json() == {"progress": []}
    imsx_error(other.get(f"/ext/achievements/{key}"), 404)
    imsx_error(other.get(f"/ext/progress/{key}"), 404)
    assert other.post("/credentials", json=credential).status_code == 201
    assert other.get("/profile").json()["id"] != caller.get("/profile").json()["id"]
