"""Every legitimate variant really behaves as it says, the default engine does not, and the rest
of OB 3.0 stays as it is on each.

Each variant has a demonstration here; adding a variant to ``badgegate.engine.variants``
without one fails ``test_every_variant_has_a_demonstration``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests

from badgegate.cli import main
from badgegate.engine import variants
from badgegate.engine.faults import catalogue as faults
from badgegate.engine.server import EngineServer
from badgegate.samples import sample_achievement, sample_compact_jws, sample_credential
from tests.engine.conftest import (
    ADMIN_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    STATE_PATH,
    EngineFactory,
    assert_imsx,
)
from tests.engine.test_authorization import SCOPES, redirected, register

OB3_PATHS = {"/credentials", "/profile", "/discovery"}
VC_JSON = "application/vc+ld+json"
PLAIN_TEXT = {"Content-Type": "text/plain"}


class Host:
    """An engine called over HTTP with one bearer token (default: the static admin token)."""

    def __init__(self, server: EngineServer, token: str | None = ADMIN_TOKEN) -> None:
        self.server = server
        self.bearer = token

    def call(self, method: str, path: str, token: str | None = "", **kw: Any) -> Any:
        """Call ``path`` of the API (or an absolute URL) with this host's token (or ``token``;
        ``None``: without one)."""
        headers = dict(kw.pop("headers", {}) or {})
        token = self.bearer if token == "" else token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = path if path.startswith("http") else self.server.api_url + path
        return requests.request(method, url, headers=headers, timeout=30, **kw)

    def fresh(self) -> Host:
        """The same engine, called by a newly registered client in a tenant of its own: it
        logs in with the authorization code grant, which every variant offers."""
        client = register(self.server)
        code = redirected(client.authorize(scope=SCOPES))["code"]
        answer = client.redeem(code)
        assert answer.status_code == 200, answer.text
        return Host(self.server, answer.json()["access_token"])

    def token(self, grant_type: str = "client_credentials", **form: str) -> requests.Response:
        """Ask the token endpoint for a token with the test client's HTTP Basic credentials."""
        return requests.post(
            self.server.api_url + "/oauth/token",
            data={"grant_type": grant_type, **form},
            auth=(CLIENT_ID, CLIENT_SECRET),
            timeout=30,
        )


def new_credential(valid_from: str = "2024-06-01T08:00:00Z") -> dict[str, Any]:
    """A valid credential no other test stores."""
    return sample_credential(str(uuid.uuid4()), valid_from)


# ---- what each variant switches on -------------------------------------------------------------


def plain(host: Host) -> None:
    host = Host(host.server)
    key = str(uuid.uuid4())
    unknown = host.call("GET", "/no-such-resource")
    for method, path, body in (
        ("GET", "/ext/achievements", None),
        ("PUT", f"/ext/achievements/{key}", sample_achievement(key)),
        ("GET", f"/ext/achievements/{key}", None),
        ("GET", "/ext/progress", None),
        ("POST", "/ext/batch", {"operations": []}),
        ("DELETE", "/ext/migration-runs/some-run", None),
    ):
        answer = host.call(method, path, json=body)
        assert_imsx(answer, 404)
        assert answer.headers["Content-Type"] == unknown.headers["Content-Type"]
    state = requests.post(host.server.root_url + STATE_PATH, json={"action": "reset"}, timeout=30)
    assert_imsx(state, 404)
    assert host.server.state_url is None
    document = host.call("GET", "/discovery", None).json()
    assert set(document["paths"]) == OB3_PATHS
    assert "/ext" not in str(document) and STATE_PATH not in str(document)


def page_size_50(host: Host) -> None:
    host = host.fresh()
    for minute in range(55):
        created = host.call(
            "POST", "/credentials", json=new_credential(f"2024-06-01T08:{minute:02d}:00Z")
        )
        assert created.status_code == 201
    page = host.call("GET", "/credentials")
    assert len(page.json()["credential"]) == 50
    assert page.headers["X-Total-Count"] == "55"
    assert 'limit=50&offset=50>; rel="next"' in page.headers["Link"]
    assert 'limit=50&offset=50>; rel="last"' in page.headers["Link"]
    second = host.call("GET", "/credentials", params={"offset": 50})
    assert len(second.json()["credential"]) == 5 and 'rel="next"' not in second.headers["Link"]
    assert len(host.call("GET", "/credentials", params={"limit": 55}).json()["credential"]) == 55


def data(credentials: list[Any]) -> list[Any]:
    """Served JSON credentials without the proofs the engine signs them with."""
    return [{k: v for k, v in c.items() if k != "proof"} for c in credentials]


def jws_list(host: Host) -> None:
    host = host.fresh()
    assert host.call("GET", "/credentials").json() == {}
    jws = [sample_compact_jws(str(uuid.uuid4()), f"2024-0{month}-01T00:00:00Z") for month in (1, 2)]
    for text in jws:
        created = host.call("POST", "/credentials", data=text, headers=PLAIN_TEXT)
        assert created.status_code == 201 and created.text == text
    page = host.call("GET", "/credentials")
    assert page.json() == {"compactJwsString": jws}
    assert page.headers["X-Total-Count"] == "2"
    credential = new_credential("2024-03-01T00:00:00Z")
    host.call("POST", "/credentials", json=credential)
    page = host.call("GET", "/credentials", params={"limit": 1, "offset": 2}).json()
    assert list(page) == ["credential"] and data(page["credential"]) == [credential]
    assert host.call("GET", "/credentials", params={"limit": 2}).json() == {"compactJwsString": jws}


def replace_200(host: Host) -> None:
    host = host.fresh()
    credential = new_credential("2024-06-01T08:00:00Z")
    assert host.call("POST", "/credentials", json=credential).status_code == 201
    again = host.call("POST", "/credentials", json=credential)
    assert again.status_code == 200 and again.json() == credential
    older = {**credential, "validFrom": "2024-05-01T08:00:00Z", "name": "older"}
    answer = host.call("POST", "/credentials", json=older)
    assert answer.status_code == 200 and answer.json() == older
    assert data(host.call("GET", "/credentials").json()["credential"]) == [credential]
    newer = {**credential, "validFrom": "2024-07-01T08:00:00Z", "name": "newer"}
    assert host.call("POST", "/credentials", json=newer).status_code == 200
    assert data(host.call("GET", "/credentials").json()["credential"]) == [newer]
    jws = sample_compact_jws(str(uuid.uuid4()))
    assert host.call("POST", "/credentials", data=jws, headers=PLAIN_TEXT).status_code == 201
    again = host.call("POST", "/credentials", data=jws, headers=PLAIN_TEXT)
    assert again.status_code == 200 and again.text == jws
    assert again.headers["Content-Type"].startswith("text/plain")


def content_type_echo(host: Host) -> None:
    credential = new_credential()
    body = json.dumps(credential)
    created = host.call("POST", "/credentials", data=body, headers={"Content-Type": VC_JSON})
    assert created.status_code == 201 and data([created.json()]) == [credential]
    assert created.headers["Content-Type"].startswith(VC_JSON)
    newer = json.dumps({**credential, "validFrom": "2024-07-01T08:00:00Z"})
    replaced = host.call(
        "POST",
        "/credentials",
        data=newer,
        headers={"Content-Type": f"{VC_JSON}; charset=utf-8", "Accept": f"{VC_JSON}, */*;q=0.1"},
    )
    assert replaced.status_code == 200 and replaced.headers["Content-Type"].startswith(VC_JSON)
    headers = {"Content-Type": VC_JSON, "Accept": "application/json"}
    second = json.dumps(new_credential())
    answered = host.call("POST", "/credentials", data=second, headers=headers)
    assert answered.headers["Content-Type"].startswith("application/json")
    as_json = host.call("POST", "/credentials", json=new_credential())
    assert as_json.headers["Content-Type"].startswith("application/json")
    refused = host.call("POST", "/credentials", data="{}", headers={"Content-Type": VC_JSON})
    assert_imsx(refused, 400)
    assert refused.headers["Content-Type"].startswith("application/json")


def authorization_code_only(host: Host) -> None:
    refused = Host(host.server).token()
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "unsupported_grant_type"
    assert "client_credentials" not in refused.json()["error_description"]
    document = host.call("GET", "/discovery", None).json()
    flows = document["components"]["securitySchemes"]["OAuth2ACG"]["flows"]
    assert set(flows) == {"authorizationCode"}
    client = register(host.server)
    code = redirected(client.authorize(scope=SCOPES))["code"]
    granted = client.redeem(code).json()
    refreshed = requests.post(
        host.server.api_url + "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": granted["refresh_token"]},
        auth=(client.client_id, client.client_secret),
        timeout=30,
    )
    assert refreshed.status_code == 200, refreshed.text
    token = refreshed.json()["access_token"]
    assert Host(host.server, token).call("GET", "/credentials").status_code == 200
    assert Host(host.server).call("GET", "/credentials").status_code == 200


DEMONSTRATIONS: dict[str, Callable[[Host], None]] = {
    variants.PLAIN: plain,
    variants.PAGE_SIZE_50: page_size_50,
    variants.JWS_LIST: jws_list,
    variants.REPLACE_200: replace_200,
    variants.CONTENT_TYPE_ECHO: content_type_echo,
    variants.AUTHORIZATION_CODE_ONLY: authorization_code_only,
}


# ---- what stays: OB 3.0 as the default engine serves it ----------------------------------------


def ob3_stays(host: Host) -> None:
    """Upsert, list, profile, discovery, OAuth and the error answers work as OB 3.0 says."""
    credential = new_credential()
    created = host.call("POST", "/credentials", json=credential)
    assert created.status_code == 201 and data([created.json()]) == [credential]
    page = host.call("GET", "/credentials", params={"limit": 1000})
    assert page.status_code == 200 and credential in data(page.json()["credential"])
    assert int(page.headers["X-Total-Count"]) >= 1 and 'rel="first"' in page.headers["Link"]
    profile = host.call("GET", "/profile")
    assert profile.status_code == 200
    assert host.call("PUT", "/profile", json=profile.json()).status_code == 200
    document = host.call("GET", "/discovery", None).json()
    assert set(document["paths"]) >= OB3_PATHS
    assert "authorizationCode" in document["components"]["securitySchemes"]["OAuth2ACG"]["flows"]
    assert_imsx(host.call("GET", "/credentials", None), 401)
    assert_imsx(host.call("DELETE", "/credentials"), 405)
    assert_imsx(
        host.call("GET", "/credentials", params={"limit": "0"}), 400, "invalid_query_parameter"
    )
    registered = host.call(
        "POST",
        "/oauth/register",
        None,
        json={
            "client_name": "variant wallet",
            "client_uri": "https://wallet.example",
            "logo_uri": "https://wallet.example/logo.png",
            "tos_uri": "https://wallet.example/tos",
            "policy_uri": "https://wallet.example/policy",
            "software_id": "variant-wallet",
            "software_version": "1.0",
            "redirect_uris": ["https://wallet.example/callback"],
            "scope": "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly",
        },
    )
    assert registered.status_code == 201, registered.text


# ---- the tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _engines(engine_as: EngineFactory) -> None:
    """Start this module's engines side by side: the default one, one per variant, all of them
    together, and plain with a fault."""
    engine_as.start_all(
        [
            ((), ()),
            *(((name,), ()) for name in variants.VARIANT_NAMES),
            (variants.VARIANT_NAMES, ()),
            ((variants.PLAIN,), (faults.WRONG_TOTAL,)),
        ]
    )


def test_every_variant_has_a_demonstration() -> None:
    assert set(DEMONSTRATIONS) == set(variants.VARIANT_NAMES)
    for variant in variants.CATALOGUE:
        assert variant.description and "§" in variant.allowed_by, variant.name


@pytest.mark.parametrize("name", variants.VARIANT_NAMES)
def test_variant_shows_its_behaviour(engine_as: EngineFactory, name: str) -> None:
    DEMONSTRATIONS[name](Host(engine_as(name)))


@pytest.mark.parametrize("name", variants.VARIANT_NAMES)
def test_default_engine_does_not_show_the_variant(engine_as: EngineFactory, name: str) -> None:
    with pytest.raises(AssertionError):
        DEMONSTRATIONS[name](Host(engine_as()))


@pytest.mark.parametrize("name", [None, *variants.VARIANT_NAMES])
def test_ob3_stays_on_every_variant(engine_as: EngineFactory, name: str | None) -> None:
    ob3_stays(Host(engine_as(*([name] if name else []))))


def test_plain_serves_no_provider_states_even_with_test_endpoints() -> None:
    with EngineServer(variants=[variants.PLAIN], extra_args=["--test-endpoints"]) as server:
        answer = requests.post(server.root_url + STATE_PATH, json={"action": "reset"}, timeout=30)
        assert_imsx(answer, 404)
        assert "--test-endpoints has no effect" in server.stderr()
    with EngineServer(variants=[variants.PLAIN], test_endpoints=True) as server:
        assert server.state_url is None and "--test-endpoints" not in server.stderr()


def test_plain_keeps_the_documented_methods_of_ob3_paths(engine_as: EngineFactory) -> None:
    answer = Host(engine_as(variants.PLAIN)).call("PATCH", "/profile")
    assert_imsx(answer, 405)
    assert {method.strip() for method in answer.headers["Allow"].split(",")} == {"GET", "PUT"}


def test_variants_combine_with_each_other(engine_as: EngineFactory) -> None:
    host = Host(engine_as(*variants.VARIANT_NAMES))
    for demonstration in DEMONSTRATIONS.values():
        demonstration(host)
    ob3_stays(host)


def test_variants_combine_with_a_fault(engine_as: EngineFactory) -> None:
    host = Host(engine_as(variants.PLAIN, faults=(faults.WRONG_TOTAL,)))
    plain(host)
    host.call("POST", "/credentials", json=new_credential())
    page = host.call("GET", "/credentials", params={"limit": 1000})
    assert int(page.headers["X-Total-Count"]) == len(page.json()["credential"]) + 1


def test_unknown_variant_is_refused_with_the_catalogue(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ValueError, match="known variants: plain"):
        variants.active_variants(["plain", "no-such-variant"])
    assert main(["engine", "serve", "--port", "0", "--variant", "no-such-variant"]) == 2
    error = capsys.readouterr().err
    assert "unknown variant(s) no-such-variant" in error
    assert all(name in error for name in variants.VARIANT_NAMES)


def test_engine_variants_prints_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["engine", "variants"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 * len(variants.CATALOGUE)
    for variant, (line, allowed) in zip(
        variants.CATALOGUE, zip(lines[::2], lines[1::2], strict=True), strict=True
    ):
        assert line.startswith(variant.name) and variant.description in line
        assert allowed.split("allowed by: ", 1)[1] == variant.allowed_by
