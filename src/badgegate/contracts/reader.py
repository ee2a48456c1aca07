"""The contract of ``badge-reader``: what the reconciler and the backend read from badge-engine.

It reads the Service Description, the issuer Profile, pages of credentials (first page, a
middle page with ``Link`` and ``X-Total-Count``, ``since``), achievements and progress records
by key and as lists. Refusals: 401 without a token, 400 for a bad ``limit``. Logged in, it
refreshes its access token and revokes its refresh token (:mod:`badgegate.contracts.login`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from badgegate import scopes
from badgegate.client import BadgeEngineClient, InvalidRequest, Unauthorized
from badgegate.contracts import examples as ex
from badgegate.contracts import matchers as m
from badgegate.contracts import states
from badgegate.contracts.consumer import ConsumerContract, ContractInteraction
from badgegate.contracts.login import LOGIN_INTERACTIONS
from badgegate.contracts.names import READER
from badgegate.ob3 import API_BASE_PATH, INVALID_QUERY

CLIENT = READER
TOKEN = "badge-reader-contract-token"
READ_SCOPES = scopes.READONLY_SCOPES
JSON = "application/json"
EXAMPLE_URL = "http://127.0.0.1:8000" + API_BASE_PATH + "/credentials"
# The since interaction: awarded credentials are valid from 2024-01-02, -03, -04 (00:00 UTC);
# strictly after the second one leaves exactly the third.
SINCE = "2024-01-03T00:00:00+00:00"
LAST_VALID_FROM = "2024-01-04T00:00:00+00:00"


def _client(base_url: str, token: str | None = TOKEN) -> BadgeEngineClient:
    return BadgeEngineClient(base_url, token=token, retries=0)


def _get(interaction: Any, path: str, token: str | None = TOKEN) -> Any:
    interaction.with_request("GET", API_BASE_PATH + path)
    if token is not None:
        interaction.with_header("Authorization", f"Bearer {token}")
    return interaction


def _authorized(interaction: Any) -> Any:
    return states.holds_token(interaction, CLIENT, TOKEN, READ_SCOPES)


def _links(offset: int, limit: int, total: int) -> str:
    def link(rel: str, at: int) -> str:
        return f'<{EXAMPLE_URL}?limit={limit}&offset={at}>; rel="{rel}"'

    last = max(0, (total - 1) // limit * limit)
    parts = [link("first", 0), link("last", last)]
    if offset + limit < total:
        parts.append(link("next", offset + limit))
    if offset > 0:
        parts.append(link("prev", max(0, offset - limit)))
    return ", ".join(parts)


# -- discovery and profile -------------------------------------------------------------------


def _discovery_define(interaction: Any) -> None:
    interaction.with_request("GET", API_BASE_PATH + "/discovery")
    interaction.will_respond_with(200).with_body(
        {
            "openapi": m.text("3.0.1"),
            "info": m.match_type({"title": "badge-engine", "version": "3.0"}),
            "components": {
                "securitySchemes": {
                    "OAuth2ACG": {
                        "type": "oauth2",
                        "x-imssf-registrationUrl": m.uri(EXAMPLE_URL + "/oauth/register"),
                        "flows": {
                            "authorizationCode": {"tokenUrl": m.uri(EXAMPLE_URL + "/oauth/token")}
                        },
                    }
                }
            },
        },
        JSON,
    )


def _discovery_exercise(base_url: str) -> None:
    with _client(base_url, token=None) as client:
        document = client.discovery()
    schemes = document["components"]["securitySchemes"]
    assert schemes["OAuth2ACG"]["type"] == "oauth2", f"GET /discovery: OAuth2ACG is {schemes}"


def _profile_define(interaction: Any) -> None:
    _authorized(interaction).given(states.ISSUER_PROFILE, {"id": ex.PROFILE_ID})
    _get(interaction, "/profile").will_respond_with(200).with_body(
        {
            "@context": m.ob3_context(),
            "id": ex.PROFILE_ID,
            "type": ["Profile"],
            "name": m.text("badgegate migration"),
        },
        JSON,
    )


def _profile_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        served = client.get_profile()
    assert served["id"] == ex.PROFILE_ID, f"GET /profile served id {served['id']!r}"


# -- credentials -----------------------------------------------------------------------------


def _page_define(count: int, limit: int, offset: int, relations: tuple[str, ...]) -> Any:
    def define(interaction: Any) -> None:
        states.awarded_credentials(_authorized(interaction), count)
        _get(interaction, "/credentials").with_query_parameter("limit", str(limit))
        if offset:
            interaction.with_query_parameter("offset", str(offset))
        interaction.will_respond_with(200).with_header(
            "X-Total-Count", m.total_count(count)
        ).with_header("Link", m.link_header(_links(offset, limit, count), *relations)).with_body(
            {"credential": m.each_like(ex.served_credential(), minimum=limit, maximum=limit)},
            JSON,
        )

    return define


def _page_exercise(count: int, limit: int, offset: int, relations: tuple[str, ...]) -> Any:
    def exercise(base_url: str) -> None:
        with _client(base_url) as client:
            page = client.list_credentials(limit=limit, offset=offset or None)
        assert page.total == count and page.items, (
            f"GET /credentials?limit={limit}&offset={offset}: X-Total-Count {page.total} "
            f"(expected {count}), {len(page.items)} item(s)"
        )
        assert set(relations) <= set(page.links), page.links

    return exercise


def _since_define(interaction: Any) -> None:
    states.awarded_credentials(_authorized(interaction), 3)
    _get(interaction, "/credentials").with_query_parameter("since", SINCE)
    interaction.will_respond_with(200).with_header("X-Total-Count", "1").with_body(
        {"credential": [ex.served_credential(valid_from=m.exact(LAST_VALID_FROM))]}, JSON
    )


def _since_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        page = client.list_credentials(since=SINCE)
    served = [item["validFrom"] for item in page.items]
    assert page.total == 1 and served == [LAST_VALID_FROM], (
        f"GET /credentials?since={SINCE}: X-Total-Count {page.total}, validFrom {served}"
    )


def _bad_limit_define(interaction: Any) -> None:
    _authorized(interaction)
    _get(interaction, "/credentials").with_query_parameter("limit", "1001")
    interaction.will_respond_with(400).with_body(m.imsx_status(400, minor=INVALID_QUERY), JSON)


def _bad_limit_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        _expect_refusal(lambda: client.list_credentials(limit=1001), InvalidRequest)


def _no_token_define(interaction: Any) -> None:
    states.awarded_credentials(interaction, 1)
    _get(interaction, "/credentials", token=None).will_respond_with(401).with_header(
        "WWW-Authenticate", m.regex("Bearer", r"^Bearer\b.*$")
    ).with_body(m.imsx_status(401), JSON)


def _no_token_exercise(base_url: str) -> None:
    with _client(base_url, token=None) as client:
        _expect_refusal(client.list_credentials, Unauthorized)


def _expect_refusal(call: Callable[[], object], error: type[Exception]) -> None:
    try:
        call()
    except error:
        return
    raise AssertionError(f"expected {error.__name__}")


# -- extension records -----------------------------------------------------------------------


def _achievement_define(interaction: Any) -> None:
    _authorized(interaction).given(states.ACHIEVEMENT_EXISTS, {"key": ex.ACHIEVEMENT_KEY})
    _get(interaction, f"/ext/achievements/{ex.ACHIEVEMENT_KEY}").will_respond_with(200).with_body(
        ex.served_achievement(ex.ACHIEVEMENT_KEY), JSON
    )


def _achievement_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        served = client.get_achievement(ex.ACHIEVEMENT_KEY)["id"]
    assert served == f"urn:uuid:{ex.ACHIEVEMENT_KEY}", f"GET /ext/achievements: id {served!r}"


def _achievements_define(interaction: Any) -> None:
    _authorized(interaction).given(states.ACHIEVEMENT_EXISTS, {"key": ex.ACHIEVEMENT_KEY})
    _get(interaction, "/ext/achievements").will_respond_with(200).with_header(
        "X-Total-Count", m.total_count(1)
    ).with_body({"achievement": m.each_like(ex.served_achievement(ex.ACHIEVEMENT_KEY))}, JSON)


def _achievements_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        total = client.list_achievements().total
    assert total == 1, f"GET /ext/achievements: X-Total-Count {total}, expected 1"


def _progress_define(interaction: Any) -> None:
    _authorized(interaction).given(
        states.PROGRESS_EXISTS, {"key": ex.PROGRESS_KEY, "achievementKey": ex.ACHIEVEMENT_KEY}
    )
    _get(interaction, f"/ext/progress/{ex.PROGRESS_KEY}").will_respond_with(200).with_body(
        ex.served_progress(ex.PROGRESS_KEY), JSON
    )


def _progress_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        served = client.get_progress(ex.PROGRESS_KEY)["id"]
    assert served == f"urn:uuid:{ex.PROGRESS_KEY}", f"GET /ext/progress: id {served!r}"


def _progress_list_define(interaction: Any) -> None:
    _authorized(interaction).given(
        states.PROGRESS_EXISTS, {"key": ex.PROGRESS_KEY, "achievementKey": ex.ACHIEVEMENT_KEY}
    )
    _get(interaction, "/ext/progress").will_respond_with(200).with_header(
        "X-Total-Count", m.total_count(1)
    ).with_body({"progress": m.each_like(ex.served_progress(ex.PROGRESS_KEY))}, JSON)


def _progress_list_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        total = client.list_progress().total
    assert total == 1, f"GET /ext/progress: X-Total-Count {total}, expected 1"


FIRST_PAGE = (3, 2, 0, ("first", "next", "last"))
MIDDLE_PAGE = (5, 2, 2, ("first", "prev", "next", "last"))

READER_CONTRACT = ConsumerContract(
    READER,
    (
        ContractInteraction(
            "a read of the service description", _discovery_define, _discovery_exercise
        ),
        ContractInteraction("a read of the issuer profile", _profile_define, _profile_exercise),
        ContractInteraction(
            "a read of the first page of credentials",
            _page_define(*FIRST_PAGE),
            _page_exercise(*FIRST_PAGE),
        ),
        ContractInteraction(
            "a read of a middle page of credentials",
            _page_define(*MIDDLE_PAGE),
            _page_exercise(*MIDDLE_PAGE),
        ),
        ContractInteraction(
            "a read of credentials valid since an instant", _since_define, _since_exercise
        ),
        ContractInteraction(
            "a read of credentials with a limit above 1000", _bad_limit_define, _bad_limit_exercise
        ),
        ContractInteraction(
            "a read of credentials without a token", _no_token_define, _no_token_exercise
        ),
        ContractInteraction(
            "a read of an achievement by key", _achievement_define, _achievement_exercise
        ),
        ContractInteraction(
            "a read of the achievements", _achievements_define, _achievements_exercise
        ),
        ContractInteraction(
            "a read of a progress record by key", _progress_define, _progress_exercise
        ),
        ContractInteraction(
            "a read of the progress records", _progress_list_define, _progress_list_exercise
        ),
        *LOGIN_INTERACTIONS,
    ),
)
