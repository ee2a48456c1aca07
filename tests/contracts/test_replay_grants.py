"""A token request is an operation of its grant: on a Host without the client-credentials grant
(authorization code only) the pacts' client-credentials request is left out, the refresh kept."""

from __future__ import annotations

from badgegate.capabilities import (
    CLIENT_CREDENTIALS,
    OAUTH_REVOCATION,
    OAUTH_TOKEN,
    Capabilities,
    not_applicable,
)
from badgegate.contracts import committed_pacts_dir
from badgegate.contracts.replay import plan_replay

CLIENT_CREDENTIALS_REQUEST = "a token request with client credentials"
TOKEN_REQUESTS = {CLIENT_CREDENTIALS_REQUEST, "a refresh of an access token"}


def _host(*offered: str) -> Capabilities:
    return Capabilities(base_url="http://127.0.0.1:9/ims/ob/v3p0", offered=frozenset(offered))


def test_the_client_credentials_grant_is_an_operation_of_its_own() -> None:
    code_only = _host(OAUTH_TOKEN)
    token, grant = "/oauth/token", "client_credentials"
    assert code_only.interaction_reason(token, grant) == not_applicable(CLIENT_CREDENTIALS)
    assert code_only.interaction_reason(token, "refresh_token") is None
    assert code_only.interaction_reason(token) is None
    assert _host(OAUTH_TOKEN, CLIENT_CREDENTIALS).interaction_reason(token, grant) is None
    assert _host().interaction_reason(token, grant) == not_applicable(OAUTH_TOKEN)


def test_a_code_only_host_is_not_replayed_the_client_credentials_request() -> None:
    def chosen(host: Capabilities) -> set[str]:
        plan = plan_replay(
            [committed_pacts_dir()],
            offered=lambda path, grant: host.interaction_reason(path, grant) is None,
        )
        return {interaction.description for interaction in plan.interactions}

    everything = chosen(_host(OAUTH_TOKEN, OAUTH_REVOCATION, CLIENT_CREDENTIALS))
    assert everything >= TOKEN_REQUESTS
    assert chosen(_host(OAUTH_TOKEN, OAUTH_REVOCATION)) == everything - {CLIENT_CREDENTIALS_REQUEST}
