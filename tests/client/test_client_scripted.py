"""The client's error mapping, auth and paging against scripted loopback servers that misbehave."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest

from badgegate.client import (
    BadgeEngineClient,
    BatchOperation,
    EngineHTTPError,
    EngineUnreachable,
    Forbidden,
    InvalidRequest,
    NotFound,
    ProtocolError,
    ServerError,
    Unauthorized,
)
from badgegate.errors import ConfigError, ExitCode, TargetUnreachable
from badgegate.scopes import CREDENTIAL_READONLY
from badgegate.transport import Transport

from .conftest import RecordedSleep, ScriptedServer

API = "/ims/ob/v3p0"


def imsx(minor: str, description: str) -> dict[str, Any]:
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }


def client_for(server: ScriptedServer, transport: Transport, **kwargs: Any) -> BadgeEngineClient:
    kwargs.setdefault("token", "static-token-" + uuid.uuid4().hex)
    return BadgeEngineClient(server.url + API, transport=transport, **kwargs)


def test_refused_connection_names_the_engine_and_how_to_fix_it(refused_url: str) -> None:
    client = BadgeEngineClient(refused_url, token="t0ken-value-1234", retries=0)
    with client, pytest.raises(EngineUnreachable) as caught:
        client.get_profile()
    assert str(caught.value) == (
        f"engine at {refused_url} refused the connection (GET /profile); "
        "start it with `badgegate engine serve` or set BADGEGATE_ENGINE_URL"
    )
    assert isinstance(caught.value, TargetUnreachable)
    assert caught.value.exit_code == ExitCode.UNREACHABLE
    assert caught.value.reproduction is not None
    assert "t0ken-value-1234" not in caught.value.reproduction


def test_read_timeout_is_unreachable_with_a_hint(
    scripted: ScriptedServer, sleeps: RecordedSleep
) -> None:
    scripted.add("GET", API + "/profile", action="hang")
    client = BadgeEngineClient(scripted.url + API, token="x" * 16, timeout=0.2, retries=1)
    with client, pytest.raises(EngineUnreachable, match=r"did not answer in time \(GET /profile\)"):
        client.get_profile()
    assert len(scripted.hits("GET", API + "/profile")) == 2  # retried once


@pytest.mark.parametrize(
    ("status", "minor", "error_class"),
    [
        (400, "invalid_query_parameter", InvalidRequest),
        (401, "unauthorizedrequest", Unauthorized),
        (403, "forbidden", Forbidden),
        (404, "not_found", NotFound),
        (405, "not_allowed", EngineHTTPError),
        (500, "internal_server_error", ServerError),
    ],
)
def test_imsx_errors_become_typed_errors(
    scripted: ScriptedServer,
    fast_transport: Transport,
    status: int,
    minor: str,
    error_class: type[EngineHTTPError],
) -> None:
    scripted.add("GET", API + "/credentials", status=status, body=imsx(minor, "described"))
    with pytest.raises(error_class) as caught:
        client_for(scripted, fast_transport, retries=0).list_credentials(limit=5)
    error = caught.value
    assert type(error) is error_class
    assert (error.status, error.code_major, error.code_minor) == (status, "failure", minor)
    assert error.description == "described" and error.method == "GET"
    assert error.url == scripted.url + API + "/credentials?limit=5"
    assert str(error).startswith(f"engine answered {status} {minor} to GET /credentials?limit=5: ")
    assert error.is_imsx and error.status_info == imsx(minor, "described")


def test_forbidden_names_the_scope_the_call_needs(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    scripted.add("GET", API + "/credentials", status=403, body=imsx("forbidden", "missing scope"))
    with pytest.raises(Forbidden, match=f"the token was not granted {CREDENTIAL_READONLY}"):
        client_for(scripted, fast_transport).list_credentials()


def test_a_non_imsx_error_body_keeps_its_status_type_and_says_so(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    scripted.add("GET", API + "/ext/progress/" + str(uuid.UUID(int=1)), status=404, body="Nope")
    with pytest.raises(NotFound) as caught:
        client_for(scripted, fast_transport).get_progress(uuid.UUID(int=1))
    assert not caught.value.is_imsx
    assert "the body is not an Imsx_StatusInfo (text/plain, 4 bytes)" in str(caught.value)
    assert caught.value.excerpt == "Nope"


def test_a_non_json_success_body_is_a_protocol_error(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    html = "<html>" + "x" * 1228 + "</html>"
    scripted.add(
        "GET",
        API + "/credentials",
        status=200,
        body=html.encode(),
        headers={"Content-Type": "text/html"},
    )
    with pytest.raises(ProtocolError) as caught:
        client_for(scripted, fast_transport).list_credentials()
    assert str(caught.value) == (
        "engine answered 200 with a non-JSON body (text/html, 1,241 bytes) to GET /credentials; "
        "expected application/json"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([1, 2], "a JSON list"),
        ({"credential": {"id": "x"}}, "'credential' to be an array of objects"),
        ({"compactJwsString": [1]}, "'compactJwsString' to be an array of strings"),
    ],
)
def test_a_list_answer_of_the_wrong_shape_is_a_protocol_error(
    scripted: ScriptedServer, fast_transport: Transport, body: object, expected: str
) -> None:
    scripted.add("GET", API + "/credentials", status=200, body=body)
    with pytest.raises(ProtocolError, match=expected):
        client_for(scripted, fast_transport).list_credentials()


def test_a_redirect_is_not_followed(scripted: ScriptedServer, fast_transport: Transport) -> None:
    scripted.add("GET", API + "/profile", status=302, headers={"Location": "http://elsewhere/"})
    with pytest.raises(ProtocolError, match=r"302 .* expected no redirect; Location: http://else"):
        client_for(scripted, fast_transport).get_profile()
    assert len(scripted.received) == 1


def test_paging_over_http_follows_links_and_reads_jws(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    base = scripted.url + API + "/credentials"
    scripted.add(
        "GET",
        API + "/credentials",
        body={"credential": [{"id": "a"}], "compactJwsString": ["h.p.s"]},
        headers={"X-Total-Count": "3", "Link": f'<{base}?limit=2&offset=2>; rel="next"'},
    )
    scripted.add(
        "GET",
        API + "/credentials",
        body={"credential": [{"id": "c"}]},
        headers={"X-Total-Count": "3"},
    )
    client = client_for(scripted, fast_transport)
    assert list(client.iter_credentials(page_size=2)) == [{"id": "a"}, "h.p.s", {"id": "c"}]
    paths = [hit.path for hit in scripted.hits("GET", API + "/credentials")]
    assert paths == [API + "/credentials?limit=2", API + "/credentials?limit=2&offset=2"]


def test_client_credentials_fetch_once_then_refresh_once_on_401(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    secret = "client-secret-" + uuid.uuid4().hex
    for number in (1, 2):
        scripted.add(
            "POST",
            API + "/oauth/token",
            status=200,
            body={
                "access_token": f"token-{number}-{uuid.uuid4().hex}",
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": CREDENTIAL_READONLY,
            },
        )
    scripted.add("GET", API + "/profile", status=200, body={"id": "p"})
    scripted.add("GET", API + "/profile", status=401, body=imsx("unauthorizedrequest", "expired"))
    scripted.add("GET", API + "/profile", status=200, body={"id": "p"})
    client = BadgeEngineClient(
        scripted.url + API,
        client_id="client-a",
        client_secret=secret,
        scopes=[CREDENTIAL_READONLY],
        transport=fast_transport,
    )
    assert client.get_profile() == {"id": "p"}
    assert client.get_profile() == {"id": "p"}  # 401, new token, retried
    token_calls = scripted.hits("POST", API + "/oauth/token")
    assert len(token_calls) == 2
    assert token_calls[0].body == b"grant_type=client_credentials&scope=" + (
        CREDENTIAL_READONLY.replace(":", "%3A").replace("/", "%2F").encode()
    )
    assert token_calls[0].headers["Authorization"].startswith("Basic ")
    bearers = [hit.headers["Authorization"] for hit in scripted.hits("GET", API + "/profile")]
    assert bearers[0] == bearers[1] != bearers[2]
    assert bearers[2].startswith("Bearer token-2-")


def test_a_refused_client_gets_an_unauthorized_error_without_its_secret(
    scripted: ScriptedServer, fast_transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "client-secret-" + uuid.uuid4().hex
    scripted.add(
        "POST",
        API + "/oauth/token",
        status=401,
        body={"error": "invalid_client", "error_description": f"bad secret {secret}"},
    )
    caplog.set_level(logging.DEBUG)
    client = BadgeEngineClient(
        scripted.url + API, client_id="client-a", client_secret=secret, transport=fast_transport
    )
    with pytest.raises(Unauthorized) as caught:
        client.get_profile()
    message = str(caught.value)
    assert message.startswith(f"token endpoint {scripted.url}{API}/oauth/token refused client")
    assert "invalid_client" in message and "BADGEGATE_CLIENT_SECRET" in message
    assert caught.value.exit_code == ExitCode.USAGE
    for text in (
        message,
        repr(caught.value),
        caught.value.excerpt,
        caught.value.reproduction or "",
        caplog.text,
        repr(client),
    ):
        assert secret not in text
    assert scripted.hits("GET", API + "/profile") == []


def test_a_static_token_is_not_refreshed_after_401(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    scripted.add("GET", API + "/profile", status=401, body=imsx("unauthorizedrequest", "bad"))
    with pytest.raises(Unauthorized, match="check BADGEGATE_ENGINE_TOKEN"):
        client_for(scripted, fast_transport).get_profile()
    assert len(scripted.hits("GET", API + "/profile")) == 1


def test_upsert_many_falls_back_to_single_calls_when_batch_is_missing(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    keys = [uuid.UUID(int=n) for n in (1, 2)]
    scripted.add("POST", API + "/ext/batch", status=404, body=imsx("not_found", "no batch"))
    scripted.add("PUT", f"{API}/ext/achievements/{keys[0]}", status=201, body={"id": "a"})
    scripted.add("PUT", f"{API}/ext/progress/{keys[1]}", status=400, body=imsx("invalid_data", "x"))
    scripted.add("POST", API + "/credentials", status=304)
    client = client_for(scripted, fast_transport)
    operations = [
        BatchOperation("achievement", {"id": f"urn:uuid:{keys[0]}"}, keys[0]),
        {"kind": "progress", "key": str(keys[1]), "record": {"id": f"urn:uuid:{keys[1]}"}},
        BatchOperation("credential", {"id": "urn:uuid:c"}),
    ]
    results = client.upsert_many(operations, run_id="run-1", batch_size=2)
    assert [(r.index, r.kind, r.status) for r in results] == [
        (0, "achievement", 201),
        (1, "progress", 400),
        (2, "credential", 304),
    ]
    assert results[1].failed and results[1].error == imsx("invalid_data", "x")
    assert len(scripted.hits("POST", API + "/ext/batch")) == 1  # probed once only
    assert all(hit.headers["X-Badgegate-Run"] == "run-1" for hit in scripted.received)


def test_invalid_run_ids_and_keys_are_refused_before_sending(
    scripted: ScriptedServer, fast_transport: Transport
) -> None:
    client = client_for(scripted, fast_transport)
    with pytest.raises(ConfigError, match="run id 'run 1' is not valid"):
        client.rollback_run("run 1")
    with pytest.raises(ValueError, match="is not a UUID"):
        client.get_achievement("https://evil.example/x")
    assert scripted.received == []


def test_from_config_reads_the_config_by_name(scripted: ScriptedServer) -> None:
    from badgegate.config import HarnessConfig

    with pytest.raises(ConfigError, match="no engine_url is configured"):
        BadgeEngineClient.from_config(HarnessConfig())
    config = HarnessConfig(
        engine_url=scripted.url + API,
        engine_token="cfg-token-123456",
        rate_limit=50.0,
        verify_tls=False,
    )
    scripted.add("GET", API + "/profile", body={"id": "p"})
    with BadgeEngineClient.from_config(config) as client:
        assert client.get_profile() == {"id": "p"}
        assert client.transport.rate_limiter is not None
        assert client.transport.rate_limiter.rate == 50.0
        assert client.transport.session.verify is False
        assert "cfg-token-123456" not in repr(client)
    assert scripted.received[0].headers["Authorization"] == "Bearer cfg-token-123456"
    assert scripted.received[0].headers["Accept"] == "application/json"
