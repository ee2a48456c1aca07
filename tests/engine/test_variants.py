"""Every legitimate variant really behaves as it says, the default engine does not, and the rest
of OB 3.0 stays as it is on each.

Each variant has a demonstration here; adding a variant to ``badgegate.engine.variants``
without one fails ``test_every_variant_has_a_demonstration``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests

from badgegate.cli import main
from badgegate.engine import variants
from badgegate.engine.faults import catalogue as faults
from badgegate.engine.server import EngineServer
from badgegate.samples import sample_achievement, sample_credential
from tests.engine.conftest import (
    ADMIN_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    STATE_PATH,
    EngineFactory,
    assert_imsx,
)

OB3_PATHS = {"/credentials", "/profile", "/discovery"}


class Host:
    """An engine called over HTTP with the static admin token (or none)."""

    def __init__(self, server: EngineServer) -> None:
        self.server = server

    def call(self, method: str, path: str, token: str | None = ADMIN_TOKEN, **kw: Any) -> Any:
        """Call ``path`` of the API (or an absolute URL) with ``token``."""
        headers = dict(kw.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = path if path.startswith("http") else self.server.api_url + path
        return requests.request(method, url, headers=headers, timeout=30, **kw)

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


DEMONSTRATIONS: dict[str, Callable[[Host], None]] = {
    variants.PLAIN: plain,
}


# ---- what stays: OB 3.0 as the default engine serves it ----------------------------------------


def ob3_stays(host: Host) -> None:
    """Upsert, list, profile, discovery, OAuth and the error answers work as OB 3.0 says."""
    credential = new_credential()
    created = host.call("POST", "/credentials", json=credential)
    assert created.status_code == 201 and created.json() == credential
    page = host.call("GET", "/credentials", params={"limit": 1000})
    assert page.status_code == 200 and credential in page.json()["credential"]
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


def test_plain_keeps_the_documented_methods_of_ob3_paths(engine_as: EngineFactory) -> None:
    answer = Host(engine_as(variants.PLAIN)).call("PATCH", "/profile")
    assert_imsx(answer, 405)
    assert {method.strip() for method in answer.headers["Allow"].split(",")} == {"GET", "PUT"}


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
