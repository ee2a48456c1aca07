"""The contract of ``badge-migrator``: what the migration needs from badge-engine.

It fetches a token, writes the issuer Profile, upserts credentials (created, replaced,
unchanged), achievements and progress records one by one or in a batch, checks whether an
achievement exists, and rolls a run back. A write without the needed scope is refused (403).
"""

from __future__ import annotations

import base64
from typing import Any

from badgegate import scopes
from badgegate.client import (
    BadgeEngineClient,
    BatchOperation,
    ClientCredentials,
    Forbidden,
    NotFound,
)
from badgegate.contracts import examples as ex
from badgegate.contracts import matchers as m
from badgegate.contracts import states
from badgegate.contracts.consumer import ConsumerContract, ContractInteraction
from badgegate.contracts.names import MIGRATOR
from badgegate.ob3 import API_BASE_PATH
from badgegate.transport import Transport

CLIENT = MIGRATOR
TOKEN = "badge-migrator-contract-token"
READONLY_TOKEN = "badge-migrator-readonly-token"
CLIENT_SECRET = "badge-migrator-contract-secret"
WRITE_SCOPES = (
    scopes.PROFILE_UPDATE,
    scopes.CREDENTIAL_UPSERT,
    scopes.ACHIEVEMENT_UPSERT,
    scopes.ACHIEVEMENT_READONLY,
    scopes.PROGRESS_UPSERT,
    scopes.MIGRATION_ADMIN,
)
CREATED_AT = "2024-03-01T09:30:00Z"
REPLACED_AT = "2024-04-01T09:30:00+02:00"
JSON = "application/json"


def _client(base_url: str, token: str | None = TOKEN) -> BadgeEngineClient:
    return BadgeEngineClient(base_url, token=token, retries=0)


def _authorized(
    interaction: Any, token: str = TOKEN, granted: tuple[str, ...] = WRITE_SCOPES
) -> Any:
    states.holds_token(interaction, CLIENT, token, granted)
    return interaction


def _request(interaction: Any, method: str, path: str, token: str = TOKEN) -> Any:
    return interaction.with_request(method, API_BASE_PATH + path).with_header(
        "Authorization", f"Bearer {token}"
    )


def _write(interaction: Any, method: str, path: str, body: Any) -> Any:
    return (
        _request(interaction, method, path)
        .with_header("X-Badgegate-Run", ex.RUN_ID)
        .with_body(body, JSON)
    )


# -- token -----------------------------------------------------------------------------------


def _token_define(interaction: Any) -> None:
    basic = base64.b64encode(f"{CLIENT}:{CLIENT_SECRET}".encode()).decode("ascii")
    form = "grant_type=client_credentials&scope=" + "+".join(WRITE_SCOPES)
    interaction.given(
        states.CLIENT_REGISTERED,
        {"client": CLIENT, "secret": CLIENT_SECRET, "scopes": list(WRITE_SCOPES)},
    ).with_request("POST", API_BASE_PATH + "/oauth/token").with_header(
        "Authorization", f"Basic {basic}"
    ).with_body(form, "application/x-www-form-urlencoded").will_respond_with(200).with_body(
        {
            "access_token": m.text("an-access-token"),
            "token_type": "Bearer",
            "expires_in": m.integer(3600),
            "scope": m.text(" ".join(WRITE_SCOPES)),
        },
        JSON,
    )


def _token_exercise(base_url: str) -> None:
    with Transport() as transport:
        grant = ClientCredentials(
            transport, base_url + "/oauth/token", CLIENT, CLIENT_SECRET, WRITE_SCOPES
        )
        assert grant.token() == "an-access-token"


# -- profile ---------------------------------------------------------------------------------


def _profile_define(interaction: Any) -> None:
    _authorized(interaction).given(states.ISSUER_PROFILE, {"id": ex.PROFILE_ID})
    _request(interaction, "PUT", "/profile").with_body(ex.profile(), JSON)
    interaction.will_respond_with(200).with_body(
        {"id": ex.PROFILE_ID, "type": ["Profile"], "name": m.text("badgegate migration")}, JSON
    )


def _profile_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        served = client.put_profile(ex.profile())
    assert served is not None and served["id"] == ex.PROFILE_ID


# -- credentials -----------------------------------------------------------------------------


def _credential_created_define(interaction: Any) -> None:
    _authorized(interaction).given(states.NO_CREDENTIALS)
    _write(interaction, "POST", "/credentials", ex.credential(CREATED_AT))
    interaction.will_respond_with(201).with_body(
        ex.stored_credential(ex.credential(CREATED_AT)), JSON
    )


def _credential_replaced_define(interaction: Any) -> None:
    _credential_exists(_authorized(interaction), CREATED_AT)
    _write(interaction, "POST", "/credentials", ex.credential(REPLACED_AT))
    interaction.will_respond_with(200).with_body(
        ex.stored_credential(ex.credential(REPLACED_AT)), JSON
    )


def _credential_unchanged_define(interaction: Any) -> None:
    # OB 3.0 §6.2 lets a Host answer an upsert of what it already holds with 304 (nothing
    # written) or 200 (replaced by the same credential): the migrator takes either, and the
    # contract says so (a status-code matcher; the mock answers 304).
    _credential_exists(_authorized(interaction), CREATED_AT)
    _write(interaction, "POST", "/credentials", ex.credential(CREATED_AT))
    interaction.will_respond_with(304)
    m.respond_with_any_of(interaction, 304, (200, 304))


def _credential_exists(interaction: Any, valid_from: str) -> None:
    stored = ex.credential(valid_from, name="10 km race (first award)")
    interaction.given(states.CREDENTIAL_EXISTS, {"credential": stored})


def _upsert_exercise(valid_from: str, status: int) -> Any:
    def exercise(base_url: str) -> None:
        with _client(base_url) as client:
            result = client.upsert_credential(ex.credential(valid_from), run_id=ex.RUN_ID)
        assert result.status == status, result
        if status != 304:
            assert result.body is not None and result.body["validFrom"] == valid_from

    return exercise


# -- extension records -----------------------------------------------------------------------


def _achievement_define(interaction: Any) -> None:
    _authorized(interaction)
    _write(interaction, "PUT", f"/ext/achievements/{ex.ACHIEVEMENT_KEY}", ex.achievement())
    interaction.will_respond_with(201).with_body(ex.served_achievement(ex.ACHIEVEMENT_KEY), JSON)


def _achievement_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        result = client.put_achievement(ex.ACHIEVEMENT_KEY, ex.achievement(), run_id=ex.RUN_ID)
    assert result.created and result.body is not None


def _unknown_achievement_define(interaction: Any) -> None:
    _authorized(interaction)
    _request(interaction, "GET", f"/ext/achievements/{ex.UNKNOWN_KEY}")
    interaction.will_respond_with(404).with_body(m.imsx_status(404), JSON)


def _unknown_achievement_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        try:
            client.get_achievement(ex.UNKNOWN_KEY)
        except NotFound as error:
            assert error.code_minor == "not_found"
            return
    raise AssertionError("an unknown achievement must raise NotFound")


def _progress_define(interaction: Any) -> None:
    _authorized(interaction).given(states.ACHIEVEMENT_EXISTS, {"key": ex.ACHIEVEMENT_KEY})
    _write(interaction, "PUT", f"/ext/progress/{ex.PROGRESS_KEY}", ex.progress())
    interaction.will_respond_with(201).with_body(ex.served_progress(ex.PROGRESS_KEY), JSON)


def _progress_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        result = client.put_progress(ex.PROGRESS_KEY, ex.progress(), run_id=ex.RUN_ID)
    assert result.created


def _batch_operations() -> list[BatchOperation]:
    return [
        BatchOperation("achievement", ex.achievement(), ex.ACHIEVEMENT_KEY),
        BatchOperation("progress", ex.progress(), ex.PROGRESS_KEY),
    ]


def _batch_define(interaction: Any) -> None:
    _authorized(interaction)
    body = {"operations": [operation.to_json() for operation in _batch_operations()]}
    _write(interaction, "POST", "/ext/batch", body)
    results = [
        {"index": 0, "kind": "achievement", "id": f"urn:uuid:{ex.ACHIEVEMENT_KEY}", "status": 201},
        {"index": 1, "kind": "progress", "id": f"urn:uuid:{ex.PROGRESS_KEY}", "status": 201},
    ]
    interaction.will_respond_with(200).with_body({"results": results}, JSON)


def _batch_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        results = client.batch(_batch_operations(), run_id=ex.RUN_ID)
    assert [result.status for result in results] == [201, 201]


def _rollback_define(interaction: Any) -> None:
    _authorized(interaction).given(states.MIGRATION_RUN, {"run": ex.ROLLBACK_RUN_ID, "count": 2})
    _request(interaction, "DELETE", f"/ext/migration-runs/{ex.ROLLBACK_RUN_ID}")
    interaction.will_respond_with(200).with_body(
        {
            "runId": ex.ROLLBACK_RUN_ID,
            "deleted": m.match_type({"achievement": 2, "progress": 2}),
            "restored": m.match_type({}),
        },
        JSON,
    )


def _rollback_exercise(base_url: str) -> None:
    with _client(base_url) as client:
        result = client.rollback_run(ex.ROLLBACK_RUN_ID)
    assert result.deleted == {"achievement": 2, "progress": 2}


def _forbidden_define(interaction: Any) -> None:
    _authorized(interaction, READONLY_TOKEN, (scopes.ACHIEVEMENT_READONLY,))
    _request(interaction, "PUT", f"/ext/achievements/{ex.ACHIEVEMENT_KEY}", READONLY_TOKEN)
    interaction.with_body(ex.achievement(), JSON)
    interaction.will_respond_with(403).with_body(m.imsx_status(403), JSON)


def _forbidden_exercise(base_url: str) -> None:
    with _client(base_url, READONLY_TOKEN) as client:
        try:
            client.put_achievement(ex.ACHIEVEMENT_KEY, ex.achievement())
        except Forbidden as error:
            assert error.code_minor == "forbidden"
            return
    raise AssertionError("a write without the upsert scope must raise Forbidden")


MIGRATOR_CONTRACT = ConsumerContract(
    MIGRATOR,
    (
        ContractInteraction(
            "a token request with client credentials", _token_define, _token_exercise
        ),
        ContractInteraction(
            "a replacement of the issuer profile", _profile_define, _profile_exercise
        ),
        ContractInteraction(
            "an upsert of a new credential",
            _credential_created_define,
            _upsert_exercise(CREATED_AT, 201),
        ),
        ContractInteraction(
            "an upsert of a credential with a newer validFrom",
            _credential_replaced_define,
            _upsert_exercise(REPLACED_AT, 200),
        ),
        ContractInteraction(
            "an upsert of a credential that is already stored",
            _credential_unchanged_define,
            _upsert_exercise(CREATED_AT, 304),
        ),
        ContractInteraction(
            "a put of a new achievement", _achievement_define, _achievement_exercise
        ),
        ContractInteraction(
            "a get of an unknown achievement",
            _unknown_achievement_define,
            _unknown_achievement_exercise,
        ),
        ContractInteraction("a put of a new progress record", _progress_define, _progress_exercise),
        ContractInteraction("a batch of upserts", _batch_define, _batch_exercise),
        ContractInteraction("a rollback of a migration run", _rollback_define, _rollback_exercise),
        ContractInteraction(
            "a put of an achievement without the upsert scope",
            _forbidden_define,
            _forbidden_exercise,
        ),
    ),
)
