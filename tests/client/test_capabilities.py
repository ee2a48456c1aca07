"""What a target offers is learned from probes, not assumed, and not taken from discovery alone."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from badgegate.allure_results import write_run_files
from badgegate.capabilities import (
    CLIENT_CREDENTIALS,
    EXTENSION_API,
    OAUTH_REGISTRATION,
    OAUTH_REVOCATION,
    OAUTH_TOKEN,
    PROVIDER_STATES,
    Capabilities,
    learn,
    not_applicable,
)
from badgegate.client import BadgeEngineClient
from badgegate.config import HarnessConfig
from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.ob3 import API_BASE_PATH
from badgegate.scopes import ALL_SCOPES

from .conftest import ScriptedServer

SECRET = "capabilities-" + uuid.uuid4().hex
JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"


def _plain_host(scripted: ScriptedServer, *, described: dict[str, object] | None = None) -> str:
    """A Host with only what OB 3.0 defines: OAuth elsewhere, a page size of its own (3 of
    120, one JSON credential and two compact JWS), nothing under /ext and no state endpoint."""
    base = scripted.url + API_BASE_PATH
    scheme = {
        "type": "oauth2",
        "x-imssf-registrationUrl": "https://auth.example.org/register",
        "flows": {
            "authorizationCode": {
                "authorizationUrl": "https://auth.example.org/authorize",
                "tokenUrl": "https://auth.example.org/token",
                "refreshUrl": "https://auth.example.org/token",
                "scopes": {},
            }
        },
    }
    discovery = {
        "openapi": "3.0.1",
        "info": {"title": "plain", "version": "1"},
        "paths": described or {"/credentials": {"get": {}, "post": {}}, "/profile": {"get": {}}},
        "components": {"securitySchemes": {"OAuth2ACG": scheme}},
    }
    scripted.add("GET", API_BASE_PATH + "/discovery", body=discovery)
    scripted.add(
        "GET",
        API_BASE_PATH + "/credentials",
        body={"credential": [{"id": "urn:uuid:1"}], "compactJwsString": [JWS, JWS]},
        headers={"X-Total-Count": "120"},
    )
    return base


def test_a_plain_host_offers_what_it_serves(scripted: ScriptedServer) -> None:
    base = _plain_host(scripted)
    with BadgeEngineClient(base, token="plain-host-token", retries=0) as client:
        found = learn(
            client,
            HarnessConfig(engine_url=base),
            state_url=scripted.url + "/_badgegate/provider-states",
            writable=False,
        )
    assert not found.offers(EXTENSION_API)
    assert not found.offers(PROVIDER_STATES)
    assert not found.offers(OAUTH_TOKEN) and not found.offers(OAUTH_REGISTRATION)
    # A page's items are credential[] and compactJwsString[] together: 3 of 120.
    assert found.default_page_size == 3
    assert found.jws
    assert found.grants == ("authorization_code", "refresh_token")
    assert found.operation_reason("/ext/achievements") == not_applicable(EXTENSION_API)
    assert found.operation_reason("/oauth/register") == not_applicable(OAUTH_REGISTRATION)
    assert found.operation_reason("/credentials") is None
    assert found.disagreements == ()
    # Read-only: nothing but GETs was sent (revocation is not probed where writes are off).
    assert {r.method for r in scripted.received} == {"GET"}
    assert scripted.hits("GET", API_BASE_PATH + "/ext/achievements")


def test_discovery_describing_what_is_not_served_is_a_disagreement(
    scripted: ScriptedServer,
) -> None:
    base = _plain_host(
        scripted,
        described={"/credentials": {"get": {}}, "/ext/achievements": {"get": {}, "put": {}}},
    )
    with BadgeEngineClient(base, token="plain-host-token", retries=0) as client:
        found = learn(client, HarnessConfig(engine_url=base), state_url=None, writable=False)
    # The probe decides: the extension API stays off, and the document's claim is reported.
    assert not found.offers(EXTENSION_API)
    assert len(found.disagreements) == 1
    assert "GET /ext/achievements" in found.disagreements[0]
    assert found.environment()["discovery disagrees"] == found.disagreements[0]


@pytest.fixture(scope="module")
def reference_engine() -> EngineServer:
    client = ClientSpec("capabilities", SECRET, ALL_SCOPES, "learners")
    with EngineServer(clients=[client], test_endpoints=True) as server:
        yield server


def test_the_reference_engine_offers_everything(reference_engine: EngineServer) -> None:
    config = HarnessConfig(
        engine_url=reference_engine.api_url, client_id="capabilities", client_secret=SECRET
    )
    with BadgeEngineClient.from_config(config) as client:
        found = learn(
            client,
            config,
            state_url=reference_engine.root_url + "/_badgegate/provider-states",
            writable=True,
        )
    for capability in (EXTENSION_API, PROVIDER_STATES, OAUTH_TOKEN, OAUTH_REGISTRATION):
        assert found.offers(capability), capability
    # Revocation is not advertised by OB 3.0 discovery: a refused empty request shows it.
    assert found.offers(OAUTH_REVOCATION)
    assert found.offers(CLIENT_CREDENTIALS)
    assert found.missing(EXTENSION_API, PROVIDER_STATES) is None
    assert "client_credentials" in " ".join(found.grants)
    assert found.default_page_size is None  # an empty store fits one page


def test_capabilities_join_the_report_environment(tmp_path: Path) -> None:
    found = Capabilities(
        base_url="https://host.example/ims/ob/v3p0",
        offered=frozenset({PROVIDER_STATES}),
        default_page_size=50,
    )
    write_run_files(tmp_path, HarnessConfig(), tmp_path, capabilities=found.environment())
    lines = (tmp_path / "environment.properties").read_text(encoding="utf-8").splitlines()
    assert "target.extension.api=no" in lines
    assert "target.provider.states=yes" in lines
    assert "target.page.size.without.limit=50" in lines
    assert "target.base.url=https://host.example/ims/ob/v3p0" in lines
