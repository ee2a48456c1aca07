"""The OB 3.0 API: credentials, profile and discovery (`ob3-facts.md` §6)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from badgegate.engine.context import EngineContext, engine_context, run_id
from badgegate.engine.faults.catalogue import (
    ACCEPT_INVALID,
    EMPTY_DISCOVERY,
    IGNORED_AUTH,
    PROFILE_TAKEOVER,
    REFUSE_UPLOADS,
)
from badgegate.engine.keyring import (
    KEYS_IDENTIFIER_TYPE,
    METHOD_IDENTIFIER_TYPE,
    issuer_uuid,
    keys_url,
)
from badgegate.engine.model.records import credential_record, jws_record
from badgegate.engine.model.validation import rejection, upload_errors
from badgegate.engine.routes.discovery import service_description
from badgegate.engine.routes.listing import list_response
from badgegate.engine.routes.upserts import upsert_response
from badgegate.engine.variants import CONTENT_TYPE_ECHO, PLAIN
from badgegate.engine.wire.imsx import ApiError
from badgegate.engine.wire.inbound import (
    BODY_CAP,
    JSON,
    canonical_json,
    ensure_accepts,
    negotiate,
    parse_json,
    read_body,
    require_media_type,
)
from badgegate.ob3 import OB3_CONTEXTS
from badgegate.scopes import (
    CREDENTIAL_READONLY,
    CREDENTIAL_UPSERT,
    PROFILE_READONLY,
    PROFILE_UPDATE,
)

router = APIRouter()
VC_JSON = "application/vc+ld+json"
CREDENTIAL_MEDIA_TYPES = (JSON, VC_JSON, "text/plain")


@router.get("/credentials")
async def get_credentials(request: Request) -> Response:
    """getCredentials: the caller's credentials, paged, optionally only those after ``since``."""
    context = engine_context(request)
    grant = context.authorize(request, CREDENTIAL_READONLY)
    ensure_accepts(request)
    return await list_response(context, request, "credential", grant.tenant)


@router.post("/credentials")
async def upsert_credential(request: Request) -> Response:
    """upsertCredential: a JSON AchievementCredential or a text/plain compact JWS."""
    context = engine_context(request)
    grant = context.authorize(request, CREDENTIAL_UPSERT, write=True)
    media = require_media_type(request, CREDENTIAL_MEDIA_TYPES)
    if media == "text/plain":
        answer_media = negotiate(request, "text/plain")
    elif media == VC_JSON and CONTENT_TYPE_ECHO in context.variants:
        answer_media = negotiate(request, VC_JSON, JSON)
    else:
        answer_media = negotiate(request, JSON)
    run = run_id(request)
    body = await read_body(request, BODY_CAP)
    if REFUSE_UPLOADS in context.faults:
        raise ApiError(400, "the credential is refused")
    if media == "text/plain":
        try:
            text = body.decode("utf-8")
            record = jws_record(text, validate=ACCEPT_INVALID not in context.faults)
        except UnicodeDecodeError:
            raise ApiError(400, "request body is not valid UTF-8") from None
    else:
        record = credential_record(parse_json(body), context.faults)
    return await upsert_response(context, grant.tenant, record, run, answer_media)


@router.get("/profile")
async def get_profile(request: Request) -> Response:
    """getProfile: the issuer Profile of the caller's tenant."""
    context = engine_context(request)
    tenant = _profile_reader(context, request)
    ensure_accepts(request)
    stored = await context.storage(context.store.profile, tenant)
    if stored is None:
        # The initial Profile names the tenant's key: it exists from now on.
        key = await context.storage(context.keyring.tenant_key, tenant)
        # A plain Host has no extension API, so no keys URL: the Profile names the key alone.
        origin = f"{request.url.scheme}://{request.url.netloc}"
        base = None if PLAIN in context.variants else origin + context.settings.api_base
        stored = canonical_json(initial_profile(tenant, base, key.method))
    return Response(stored, 200, media_type=JSON)


def _profile_reader(context: EngineContext, request: Request) -> str:
    """The tenant whose Profile the caller reads (ignored-auth: without a valid token, the
    first client's tenant, as if the route had lost its authentication)."""
    try:
        return context.authorize(request, PROFILE_READONLY).tenant
    except ApiError as error:
        fallback = context.authority.default_tenant()
        if IGNORED_AUTH in context.faults and error.status == 401 and fallback is not None:
            return fallback
        raise


@router.put("/profile")
async def put_profile(request: Request) -> Response:
    """putProfile: replace the tenant's Profile; its ``id`` cannot change."""
    context = engine_context(request)
    grant = context.authorize(request, PROFILE_UPDATE, write=True)
    require_media_type(request, (JSON,))
    ensure_accepts(request)
    profile = parse_json(await read_body(request, BODY_CAP))
    stored = await context.storage(context.store.profile, grant.tenant)
    current_id = json.loads(stored)["id"] if stored else initial_profile(grant.tenant)["id"]
    body = canonical_json(profile)
    check_profile(
        profile,
        current_id,
        validate=ACCEPT_INVALID not in context.faults,
        keep_id=PROFILE_TAKEOVER not in context.faults,
    )
    await context.storage(context.store.put_profile, grant.tenant, body)
    return Response(body, 200, media_type=JSON)


@router.get("/discovery")
async def get_discovery(request: Request) -> Response:
    """getServiceDescription: the Service Description Document, without authentication."""
    ensure_accepts(request)
    context = engine_context(request)
    origin = f"{request.url.scheme}://{request.url.netloc}"
    document = service_description(
        origin, context.settings.api_base, empty=EMPTY_DISCOVERY in context.faults
    )
    return Response(json.dumps(document), 200, media_type=JSON)


def initial_profile(
    tenant: str, base: str | None = None, method: str | None = None
) -> dict[str, Any]:
    """The Profile a tenant has before any PUT: its id is ``uuid5(NAMESPACE_URL, tenant URN)``.
    It names the verification method of the tenant's key (``method``) and, served with the
    API at ``base`` (scheme://host:port and the API path), the URL of the tenant's public
    keys."""
    profile: dict[str, Any] = {
        "@context": list(OB3_CONTEXTS),
        "id": f"urn:uuid:{issuer_uuid(tenant)}",
        "type": ["Profile"],
        "name": tenant,
    }
    named = [(method, METHOD_IDENTIFIER_TYPE)] if method else []
    if base is not None:
        named.append((keys_url(base, tenant), KEYS_IDENTIFIER_TYPE))
    if named:
        profile["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": identifier, "identifierType": kind}
            for identifier, kind in named
        ]
    return profile


def check_profile(
    profile: Any, current_id: str, *, validate: bool = True, keep_id: bool = True
) -> None:
    """Refuse (400) a Profile sent to PUT /profile that is invalid or changes the ``id``
    (``keep_id`` off: the profile-takeover fault)."""
    errors = upload_errors("profile", profile) if validate else []
    profile_id = profile.get("id") if isinstance(profile, dict) else None
    if not isinstance(profile_id, str):
        raise rejection("profile", errors, "[profile-id] /id: required, a URI string")
    if keep_id and profile_id != current_id:
        changed = f"[profile-id] /id: the Profile id cannot change (it is {current_id})"
        raise rejection("profile", errors, changed)
    if errors:
        raise rejection("profile", errors)
