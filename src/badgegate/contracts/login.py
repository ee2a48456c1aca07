"""What a logged-in reader needs from badge-engine's OAuth 2.0 endpoints: a refresh of its
access token (the refresh token rotates) and the revocation of its refresh token (RFC 7009).

The interactions are exercised with the code ``badgegate auth`` runs
(:mod:`badgegate.client.login`), against Pact's mock server.
"""

from __future__ import annotations

import base64
from typing import Any

from badgegate import scopes
from badgegate.client.login import Login, refresh, revoke_token
from badgegate.contracts import matchers as m
from badgegate.contracts import states
from badgegate.contracts.consumer import ContractInteraction
from badgegate.contracts.names import READER
from badgegate.ob3 import API_BASE_PATH
from badgegate.secret import Secret
from badgegate.transport import Transport

CLIENT = READER + "-login"
CLIENT_SECRET = "badge-reader-login-contract-secret"
REFRESH_TOKEN = "badge-reader-contract-refresh-token"
READ_SCOPES = scopes.READONLY_SCOPES
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def _client_with_refresh_token(interaction: Any) -> Any:
    basic = base64.b64encode(f"{CLIENT}:{CLIENT_SECRET}".encode()).decode("ascii")
    return (
        interaction.given(
            states.CLIENT_REGISTERED,
            {"client": CLIENT, "secret": CLIENT_SECRET, "scopes": list(READ_SCOPES)},
        )
        .given(
            states.CLIENT_HOLDS_REFRESH_TOKEN,
            {"client": CLIENT, "token": REFRESH_TOKEN, "scopes": list(READ_SCOPES)},
        )
        .with_header("Authorization", f"Basic {basic}")
    )


def _login(base_url: str) -> Login:
    return Login(
        base_url,
        CLIENT,
        Secret(CLIENT_SECRET),
        base_url + "/oauth/token",
        Secret("an-expired-access-token"),
        Secret(REFRESH_TOKEN),
        0.0,
        READ_SCOPES,
    )


def _refresh_define(interaction: Any) -> None:
    interaction.with_request("POST", API_BASE_PATH + "/oauth/token")
    _client_with_refresh_token(interaction).with_body(
        f"grant_type=refresh_token&refresh_token={REFRESH_TOKEN}", FORM
    ).will_respond_with(200).with_body(
        {
            "access_token": m.text("a-refreshed-access-token"),
            "token_type": "Bearer",
            "expires_in": m.integer(3600),
            "scope": m.text(" ".join(READ_SCOPES)),
            "refresh_token": m.text("the-next-refresh-token"),
        },
        JSON,
    )


def _refresh_exercise(base_url: str) -> None:
    with Transport() as transport:
        fresh = refresh(transport, _login(base_url))
    assert fresh.access_token.reveal() == "a-refreshed-access-token", (
        "the refresh grant gave another access token"
    )
    assert fresh.refresh_token is not None, "the refresh grant gave no new refresh token"
    assert fresh.refresh_token.reveal() == "the-next-refresh-token", (
        "the refresh grant gave another refresh token than the rotated one"
    )


def _revoke_define(interaction: Any) -> None:
    interaction.with_request("POST", API_BASE_PATH + "/oauth/revoke")
    _client_with_refresh_token(interaction).with_body(
        f"token={REFRESH_TOKEN}", FORM
    ).will_respond_with(200)


def _revoke_exercise(base_url: str) -> None:
    with Transport() as transport:
        client = (CLIENT, Secret(CLIENT_SECRET))
        revoked = revoke_token(transport, base_url + "/oauth/revoke", Secret(REFRESH_TOKEN), client)
    assert revoked, "POST /oauth/revoke did not answer 200 for the refresh token"


LOGIN_INTERACTIONS = (
    ContractInteraction("a refresh of an access token", _refresh_define, _refresh_exercise),
    ContractInteraction("a revocation of a refresh token", _revoke_define, _revoke_exercise),
)
