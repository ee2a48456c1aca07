"""Named provider states for contract verification: each is one function creating data.

Add a state by writing one function decorated with ``@provider_state("its name")``; it
receives a :class:`StateScope` and the request's ``params`` and returns the values it made
(ids, keys, tokens) for the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from badgegate.engine.auth.authority import secret_digest
from badgegate.engine.auth.clients import DEFAULT_TENANT, scopes_from
from badgegate.engine.context import EngineContext
from badgegate.engine.model.records import StoredRecord, credential_record, extension_record
from badgegate.engine.routes.ob3_routes import initial_profile
from badgegate.engine.wire.imsx import ApiError
from badgegate.engine.wire.inbound import canonical_json
from badgegate.samples import (
    sample_achievement,
    sample_credential,
    sample_key,
    sample_progress,
)


@dataclass(frozen=True)
class StateScope:
    """What a provider state works on: the engine and the tenant it sets up (``params.tenant``)."""

    engine: EngineContext
    tenant: str

    def store(self, records: list[StoredRecord], run: str | None = None) -> None:
        """Upsert sample records into the tenant (no faults applied)."""
        self.engine.store.upsert(self.tenant, records, run)


StateFunction = Callable[[StateScope, dict[str, Any]], dict[str, Any]]
PROVIDER_STATES: dict[str, StateFunction] = {}


def provider_state(name: str) -> Callable[[StateFunction], StateFunction]:
    """Register ``function`` as the setup of provider state ``name``."""

    def register(function: StateFunction) -> StateFunction:
        PROVIDER_STATES[name] = function
        return function

    return register


def set_up(engine: EngineContext, state: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run the setup of ``state``; an unknown state is a 400 naming the known ones.

    The empty name is what a verifier sends for an interaction without a state: a no-op.
    """
    if not state:
        return {}
    function = PROVIDER_STATES.get(state)
    if function is None:
        known = "; ".join(sorted(PROVIDER_STATES))
        raise ApiError(400, f"unknown provider state {state!r}; known states: {known}")
    tenant = str(params.get("tenant", DEFAULT_TENANT))
    try:
        return function(StateScope(engine, tenant), params)
    except (KeyError, TypeError, ValueError) as error:
        raise ApiError(400, f"bad params for provider state {state!r}: {error}") from None


def reset(engine: EngineContext) -> None:
    """Forget every record, run, profile and state-registered token."""
    engine.store.reset()
    engine.authority.drop_fixed()
    for access_token in engine.refresh_tokens.drop_fixed():
        engine.authority.revoke(access_token)


@provider_state("no credentials")
def no_credentials(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """The tenant holds no credentials."""
    scope.engine.store.delete_kind(scope.tenant, "credential")
    return {}


@provider_state("a learner with N awarded credentials")
def awarded_credentials(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """``count`` credentials (default 3) at ``validFrom``, or a day apart after ``since``."""
    count = int(params.get("count", params.get("N", 3)))
    start = dt.datetime.fromisoformat(str(params.get("since", "2024-01-01T00:00:00+00:00")))
    ids = []
    records = []
    for index in range(count):
        valid_from = params.get("validFrom") or (start + dt.timedelta(days=index + 1)).isoformat()
        credential = sample_credential(
            sample_key("credential", f"{scope.tenant}:{index}"), valid_from
        )
        records.append(credential_record(credential))
        ids.append(credential["id"])
    scope.store(records)
    return {"count": count, "ids": ids}


@provider_state("an achievement with key K exists")
def achievement_exists(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """An Achievement at ``key`` (default: a fixed sample key)."""
    key = str(params.get("key", params.get("K", sample_key("achievement", "state")))).lower()
    scope.store([extension_record("achievement", key, sample_achievement(key))])
    return {"key": key, "id": f"urn:uuid:{key}"}


@provider_state("a progress record with key K exists")
def progress_exists(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """A progress record at ``key`` (default: a fixed sample key) for ``achievementKey``."""
    key = str(params.get("key", params.get("K", sample_key("progress", "state")))).lower()
    record = sample_progress(key, params.get("achievementKey"))
    scope.store([extension_record("progress", key, record)])
    return {"key": key, "id": f"urn:uuid:{key}"}


@provider_state("client C holds token T with scopes S")
def client_holds_token(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """Register bearer ``token`` with ``scopes`` in the tenant of client ``client``."""
    client = str(params.get("client", params.get("C", "")))
    tenant = scope.engine.authority.client_tenant(client) or scope.tenant
    token = str(params.get("token", params.get("T", "")))
    if not token:
        raise ValueError("params.token is required")
    scopes = scopes_from(params.get("scopes", params.get("S", "all")))
    scope.engine.authority.add_token(token, scopes, tenant, fixed=True)
    return {"token": token, "tenant": tenant, "scopes": list(scopes)}


@provider_state("a migration run R created records")
def migration_run_created(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """Run ``run`` created ``count`` achievements with their progress records (default 2)."""
    run = str(params.get("run", params.get("R", "state-run")))
    count = int(params.get("count", 2))
    records = []
    for index in range(count):
        achievement_key = sample_key("achievement", f"{run}:{index}")
        progress_key = sample_key("progress", f"{run}:{index}")
        records.append(
            extension_record("achievement", achievement_key, sample_achievement(achievement_key))
        )
        records.append(
            extension_record(
                "progress", progress_key, sample_progress(progress_key, achievement_key)
            )
        )
    scope.store(records, run)
    return {"run": run, "created": len(records)}


@provider_state("the issuer profile exists")
def issuer_profile_exists(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """The tenant's issuer Profile is stored."""
    profile = initial_profile(scope.tenant)
    scope.engine.store.put_profile(scope.tenant, canonical_json(profile))
    return {"id": profile["id"]}


@provider_state("a credential with id I exists")
def credential_exists(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """The AchievementCredential ``params.credential`` is stored (it must be valid)."""
    record = credential_record(params["credential"])
    scope.store([record])
    return {"id": record.record_id}


@provider_state("client C is registered with secret X and scopes S")
def client_registered(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """OAuth client ``client`` with ``secret`` and ``scopes`` belongs to the state's tenant."""
    client = str(params["client"])
    secret = str(params["secret"])
    if not client or not secret:
        raise ValueError("params.client and params.secret must be non-empty")
    scopes = scopes_from(params.get("scopes", "all"))
    scope.engine.authority.add_state_client(client, secret_digest(secret), scopes, scope.tenant)
    return {"client": client, "tenant": scope.tenant, "scopes": list(scopes)}


@provider_state("client C holds refresh token R with scopes S")
def client_holds_refresh_token(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """Client ``client`` holds the live refresh token ``token`` for ``scopes``."""
    client = str(params.get("client", ""))
    token = str(params.get("token", ""))
    if not client or not token:
        raise ValueError("params.client and params.token must be non-empty")
    scopes = scopes_from(params.get("scopes", "all"))
    scope.engine.refresh_tokens.add_fixed(token, client, frozenset(scopes))
    return {"client": client, "scopes": list(scopes)}


@provider_state("the issuer profile with id I exists")
def issuer_profile_with_id(scope: StateScope, params: dict[str, Any]) -> dict[str, Any]:
    """The tenant's issuer Profile is its initial Profile with the id ``params.id``."""
    profile_id = params["id"]
    if not isinstance(profile_id, str) or not profile_id.strip():
        raise ValueError("params.id must be a non-empty URI string")
    profile = {**initial_profile(scope.tenant), "id": profile_id}
    scope.engine.store.put_profile(scope.tenant, canonical_json(profile))
    return {"id": profile_id}
