"""The authorization code grant with PKCE (OB 3.0's OAuth2ACG), over real HTTP: a client
registers, is sent back with a code, redeems it once for a token; every refusal as RFC 6749
and OB 3.0 §7 say."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from badgegate.engine.auth.authorization import (
    CODES_PER_CLIENT,
    AuthorizationCodes,
    AuthorizationError,
    AuthorizationRequest,
    pkce_matches,
)
from badgegate.engine.server import EngineServer
from badgegate.scopes import CREDENTIAL_READONLY, CREDENTIAL_UPSERT, PROFILE_READONLY

if TYPE_CHECKING:
    from tests.engine.conftest import ImsxCheck

REDIRECT_URI = "https://wallet.example/callback"
SCOPES = f"{CREDENTIAL_READONLY} {CREDENTIAL_UPSERT}"


@dataclass
class Registered:
    """A client registered through ``/oauth/register``, with a PKCE verifier of its own."""

    api: str
    client_id: str
    client_secret: str
    verifier: str

    @property
    def challenge(self) -> str:
        """BASE64URL(SHA-256(verifier)), unpadded."""
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def query(self, **changes: str | None) -> dict[str, str]:
        """A valid authorization request's query, with ``changes`` (``None`` drops one)."""
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": CREDENTIAL_READONLY,
            "state": "af0ifjsldkj",
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
            **changes,
        }
        return {name: value for name, value in params.items() if value is not None}

    def authorize(self, **changes: str | None) -> requests.Response:
        """GET /oauth/authorize without following the redirect."""
        return requests.get(
            self.api + "/oauth/authorize",
            params=self.query(**changes),
            allow_redirects=False,
            timeout=30,
        )

    def code(self, **changes: str | None) -> str:
        """A fresh authorization code."""
        return redirected(self.authorize(**changes))["code"]

    def redeem(self, code: str, /, auth: Any = None, **changes: str | None) -> requests.Response:
        """POST the authorization_code grant for ``code`` to the token endpoint."""
        form: dict[str, str | None] = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": self.verifier,
            **changes,
        }
        return requests.post(
            self.api + "/oauth/token",
            auth=auth or (self.client_id, self.client_secret),
            data={name: value for name, value in form.items() if value is not None},
            timeout=30,
        )


def redirected(answer: requests.Response) -> dict[str, str]:
    """The query of a 302 back to the client's redirect URI."""
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), query
    return {name: values[0] for name, values in query.items()}


def register(engine: EngineServer, **metadata: Any) -> Registered:
    """Register a wallet client with :data:`REDIRECT_URI` and :data:`SCOPES`."""
    body = {
        "client_name": "wallet",
        "redirect_uris": [REDIRECT_URI, "https://wallet.example/other"],
        "scope": SCOPES,
        **metadata,
    }
    answer = requests.post(engine.api_url + "/oauth/register", json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    client = answer.json()
    verifier = secrets.token_urlsafe(48)
    return Registered(engine.api_url, client["client_id"], client["client_secret"], verifier)


@pytest.fixture
def wallet(engine: EngineServer) -> Registered:
    """A freshly registered client."""
    return register(engine)


def test_discovery_advertises_the_served_authorization_url(engine: EngineServer) -> None:
    description = requests.get(engine.api_url + "/discovery", timeout=30).json()
    flow = description["components"]["securitySchemes"]["OAuth2ACG"]["flows"]
    assert flow["authorizationCode"]["authorizationUrl"] == engine.api_url + "/oauth/authorize"


def test_code_flow_grants_a_token_for_the_requested_scopes(wallet: Registered) -> None:
    answer = redirected(wallet.authorize())
    assert answer["state"] == "af0ifjsldkj"
    assert answer["scope"] == CREDENTIAL_READONLY
    token = wallet.redeem(answer["code"])
    assert token.status_code == 200, token.text
    assert token.headers["Cache-Control"] == "no-store"
    body = token.json()
    assert body["token_type"] == "Bearer" and body["scope"] == CREDENTIAL_READONLY
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    listed = requests.get(wallet.api + "/credentials", headers=headers, timeout=30)
    assert listed.status_code == 200 and listed.json() == {"credential": []}
    write = requests.post(wallet.api + "/credentials", json={}, headers=headers, timeout=30)
    assert write.status_code == 403


def test_redirect_uri_keeps_its_own_query(engine: EngineServer) -> None:
    uri = "https://wallet.example/cb?app=1"
    client = register(engine, redirect_uris=[uri])
    answer = client.authorize(redirect_uri=uri)
    location = urlsplit(answer.headers["Location"])
    query = parse_qs(location.query)
    assert answer.status_code == 302 and query["app"] == ["1"] and "code" in query


def test_a_code_is_single_use_and_its_replay_revokes_the_token(wallet: Registered) -> None:
    code = wallet.code()
    token = wallet.redeem(code).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(wallet.api + "/credentials", headers=headers, timeout=30).ok
    replay = wallet.redeem(code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    refused = requests.get(wallet.api + "/credentials", headers=headers, timeout=30)
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code_verifier": secrets.token_urlsafe(48)}, "invalid_grant"),
        ({"code_verifier": None}, "invalid_request"),
        ({"code_verifier": "short"}, "invalid_request"),
        ({"redirect_uri": "https://wallet.example/other"}, "invalid_grant"),
        ({"redirect_uri": None}, "invalid_request"),
        ({"code": "not-a-code"}, "invalid_grant"),
        ({"code": None}, "invalid_request"),
        ({"scope": PROFILE_READONLY}, "invalid_scope"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": None}, "invalid_request"),
    ],
)
def test_token_request_refusals(
    wallet: Registered, changes: dict[str, str | None], error: str
) -> None:
    answer = wallet.redeem(wallet.code(), **changes)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == error


def test_a_code_is_bound_to_the_client_it_was_issued_to(
    engine: EngineServer, wallet: Registered
) -> None:
    other = register(engine)
    answer = wallet.redeem(wallet.code(), auth=(other.client_id, other.client_secret))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    unauthenticated = wallet.redeem(wallet.code(), auth=(wallet.client_id, "wrong"))
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"] == "invalid_client"


def test_another_clients_replay_neither_revokes_the_token_nor_uses_the_code(
    engine: EngineServer, wallet: Registered
) -> None:
    other = register(engine)
    stolen = wallet.code()
    answer = wallet.redeem(stolen, auth=(other.client_id, other.client_secret))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    token = wallet.redeem(stolen).json()["access_token"]
    replay = wallet.redeem(stolen, auth=(other.client_id, other.client_secret))
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(wallet.api + "/credentials", headers=headers, timeout=30).ok
    assert wallet.redeem(stolen).json()["error"] == "invalid_grant"
    revoked = requests.get(wallet.api + "/credentials", headers=headers, timeout=30)
    assert revoked.status_code == 401


def test_a_wrong_redirect_uri_leaves_the_code_usable(wallet: Registered) -> None:
    code = wallet.code()
    assert wallet.redeem(code, redirect_uri="https://wallet.example/other").status_code == 400
    assert wallet.redeem(code).status_code == 200


def test_a_failed_redemption_uses_the_code_up(wallet: Registered) -> None:
    code = wallet.code()
    assert wallet.redeem(code, code_verifier=secrets.token_urlsafe(48)).status_code == 400
    assert wallet.redeem(code).json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": None}, "invalid_request"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"scope": PROFILE_READONLY}, "invalid_scope"),
        ({"scope": f"{CREDENTIAL_READONLY} urn:unknown"}, "invalid_scope"),
        ({"scope": None}, "invalid_request"),
    ],
)
def test_authorization_errors_go_back_to_the_client_with_the_state(
    wallet: Registered, changes: dict[str, str | None], error: str
) -> None:
    answer = redirected(wallet.authorize(**changes))
    assert answer["error"] == error
    assert answer["state"] == "af0ifjsldkj"
    assert answer["error_description"]
    assert "code" not in answer


def test_a_missing_state_is_refused_without_one(wallet: Registered) -> None:
    answer = redirected(wallet.authorize(state=None))
    assert answer["error"] == "invalid_request" and "state" not in answer


def test_a_client_without_the_code_grant_is_unauthorized(engine: EngineServer) -> None:
    client = register(engine, grant_types=["client_credentials"])
    assert redirected(client.authorize())["error"] == "unauthorized_client"


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"client_id": "unknown-client"}, 404),
        ({"client_id": None}, 400),
        ({"redirect_uri": "https://attacker.example/callback"}, 400),
        ({"redirect_uri": REDIRECT_URI + "/"}, 400),
        ({"redirect_uri": None}, 400),
    ],
)
def test_unknown_clients_and_redirect_uris_are_never_redirected_to(
    wallet: Registered, changes: dict[str, str | None], status: int, imsx_error: ImsxCheck
) -> None:
    answer = wallet.authorize(**changes)
    assert "Location" not in answer.headers
    imsx_error(answer, status, "invalid_query_parameter" if status == 400 else None)


def test_a_repeated_parameter_is_refused(wallet: Registered, imsx_error: ImsxCheck) -> None:
    query = [*wallet.query().items(), ("scope", CREDENTIAL_UPSERT)]
    answer = requests.get(
        wallet.api + "/oauth/authorize", params=query, allow_redirects=False, timeout=30
    )
    imsx_error(answer, 400, "invalid_query_parameter")


def test_a_static_client_with_redirect_uris_can_use_the_code_flow(
    engine: EngineServer,
) -> None:
    from badgegate.engine.server import ClientSpec, TokenSpec

    spec = ClientSpec("static-wallet", "static-secret", redirect_uris=(REDIRECT_URI,))
    with EngineServer(clients=[spec], tokens=[TokenSpec("t")]) as server:
        client = Registered(server.api_url, "static-wallet", "static-secret", "v" * 43)
        assert client.redeem(client.code()).status_code == 200


def test_registered_redirect_uris_survive_a_restart(engine_db: str) -> None:
    from badgegate.engine.server import TokenSpec

    with EngineServer(tokens=[TokenSpec("t")], engine_db=engine_db) as server:
        client = register(server)
        server.restart()
        client.api = server.api_url
        assert client.redeem(client.code()).status_code == 200


def test_codes_expire() -> None:
    now = [1000.0]
    codes = AuthorizationCodes(ttl=60, clock=lambda: now[0])
    verifier = "v" * 43
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    request = AuthorizationRequest(
        "c", REDIRECT_URI, frozenset(), "s", challenge.rstrip(b"=").decode()
    )
    code = codes.issue(request)
    now[0] += 61
    with pytest.raises(AuthorizationError) as raised:
        codes.redeem(code, "c", REDIRECT_URI, verifier)
    assert raised.value.error == "invalid_grant"


def _codes_request(client: str, verifier: str = "v" * 43) -> AuthorizationRequest:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return AuthorizationRequest(
        client, REDIRECT_URI, frozenset(), "s", challenge.rstrip(b"=").decode()
    )


def test_a_client_holds_a_bounded_number_of_codes() -> None:
    codes = AuthorizationCodes()
    issued = [codes.issue(_codes_request("c")) for _ in range(CODES_PER_CLIENT + 3)]
    other = codes.issue(_codes_request("d"))
    for code in issued[:3]:
        with pytest.raises(AuthorizationError):
            codes.redeem(code, "c", REDIRECT_URI, "v" * 43)
    assert codes.redeem(issued[3], "c", REDIRECT_URI, "v" * 43).client_id == "c"
    assert codes.redeem(other, "d", REDIRECT_URI, "v" * 43).client_id == "d"


def test_expired_codes_are_forgotten() -> None:
    now = [1000.0]
    codes = AuthorizationCodes(ttl=60, clock=lambda: now[0])
    for _ in range(5):
        codes.issue(_codes_request("c"))
    now[0] += 61
    fresh = codes.issue(_codes_request("c"))
    assert list(codes._codes) == [fresh]


def test_pkce_s256_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    assert not pkce_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN")


def _token(wallet: Registered, form: dict[str, str], auth: Any = None) -> requests.Response:
    return requests.post(
        wallet.api + "/oauth/token",
        auth=auth or (wallet.client_id, wallet.client_secret),
        data=form,
        timeout=30,
    )


def _revoke(wallet: Registered, token: str, auth: Any = None) -> requests.Response:
    return requests.post(
        wallet.api + "/oauth/revoke",
        auth=auth or (wallet.client_id, wallet.client_secret),
        data={"token": token},
        timeout=30,
    )


def _refreshing(refresh_token: str) -> dict[str, str]:
    return {"grant_type": "refresh_token", "refresh_token": refresh_token}


def _served(wallet: Registered, access_token: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {access_token}"}
    return requests.get(wallet.api + "/credentials", headers=headers, timeout=30)


def test_refresh_tokens_rotate_and_a_replayed_one_revokes_its_family(wallet: Registered) -> None:
    first = wallet.redeem(wallet.code()).json()
    assert first["refresh_token"]
    second = _token(
        wallet, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert rotated["scope"] == first["scope"] and rotated["expires_in"] > 0
    assert _served(wallet, rotated["access_token"]).ok
    replay = _token(
        wallet, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    # The replay revoked everything issued through the stolen token.
    refused = _served(wallet, rotated["access_token"])
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    spent = _token(
        wallet, {"grant_type": "refresh_token", "refresh_token": rotated["refresh_token"]}
    )
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"


def test_a_refresh_token_is_bound_to_its_client(engine: EngineServer, wallet: Registered) -> None:
    issued = wallet.redeem(wallet.code()).json()
    other = register(engine)
    form = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    stolen = _token(wallet, form, auth=(other.client_id, other.client_secret))
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert _token(wallet, form).status_code == 200


def test_client_credentials_get_no_refresh_token(wallet: Registered) -> None:
    answer = _token(wallet, {"grant_type": "client_credentials", "scope": CREDENTIAL_READONLY})
    assert answer.status_code == 200 and "refresh_token" not in answer.json()


def test_revocation_revokes_the_clients_own_tokens_only(
    engine: EngineServer, wallet: Registered
) -> None:
    issued = wallet.redeem(wallet.code()).json()
    other = register(engine)
    foreign = _revoke(wallet, issued["access_token"], auth=(other.client_id, other.client_secret))
    assert foreign.status_code == 200 and _served(wallet, issued["access_token"]).ok
    assert _revoke(wallet, "not-a-token").status_code == 200
    assert _revoke(wallet, issued["access_token"]).status_code == 200
    assert _served(wallet, issued["access_token"]).status_code == 401
    form = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    refreshed = _token(wallet, form).json()
    assert _revoke(wallet, refreshed["refresh_token"]).status_code == 200
    assert _served(wallet, refreshed["access_token"]).status_code == 401
    assert _token(wallet, {**form, "refresh_token": refreshed["refresh_token"]}).status_code == 400
    unauthenticated = _revoke(wallet, "x", auth=(wallet.client_id, "wrong"))
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"] == "invalid_client"
    empty = requests.post(
        wallet.api + "/oauth/revoke", auth=(wallet.client_id, wallet.client_secret), timeout=30
    )
    assert empty.status_code == 400 and empty.json()["error"] == "invalid_request"
