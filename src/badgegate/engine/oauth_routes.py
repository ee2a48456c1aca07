"""OAuth 2.0 endpoints: the client_credentials token endpoint and RFC 7591 registration.

Errors here follow RFC 6749 / RFC 7591 (``{"error", "error_description"}``), not Imsx.
A client registered through ``/oauth/register`` gets a tenant of its own, named after its
``client_id``: a self-registered client never sees records it did not write.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from urllib.parse import parse_qsl, unquote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from badgegate.engine.auth import secret_digest
from badgegate.engine.context import engine_context
from badgegate.engine.imsx import ApiError
from badgegate.engine.inbound import parse_json, read_body
from badgegate.engine.registration import metadata_problem
from badgegate.scopes import ALL_SCOPES

router = APIRouter(prefix="/oauth")
_FORM_CAP = 64 * 1024
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(status: int, error: str, description: str, **headers: str) -> Response:
    body = json.dumps({"error": error, "error_description": description})
    return Response(body, status, {**_NO_STORE, **headers}, media_type="application/json")


@router.post("/token")
async def token(request: Request) -> Response:
    """Issue an access token to a client (client_credentials grant, HTTP Basic client auth)."""
    context = engine_context(request)
    credentials = _basic_credentials(request.headers.get("authorization", ""))
    allowed = context.authority.authenticate_client(*credentials) if credentials else None
    if credentials is None or allowed is None:
        return _oauth_error(
            401,
            "invalid_client",
            "client authentication failed",
            **{"WWW-Authenticate": 'Basic realm="badge-engine"'},
        )
    form = await _form(request)
    if form is None:
        return _oauth_error(
            400, "invalid_request", "send an application/x-www-form-urlencoded body"
        )
    grant_type = form.get("grant_type")
    if grant_type != "client_credentials":
        error = "invalid_request" if grant_type is None else "unsupported_grant_type"
        return _oauth_error(400, error, "grant_type must be client_credentials")
    requested = frozenset(form["scope"].split()) if form.get("scope") else allowed
    if not requested <= allowed:
        unknown = ", ".join(sorted(requested - allowed))
        return _oauth_error(400, "invalid_scope", f"scope(s) not granted to this client: {unknown}")
    access_token, _grant = context.authority.issue(credentials[0], requested)
    body = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": context.authority.ttl,
        "scope": " ".join(scope for scope in ALL_SCOPES if scope in requested),
    }
    return Response(json.dumps(body), 200, _NO_STORE, media_type="application/json")


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (unquote(client_id), unquote(secret)) if sep else None


async def _form(request: Request) -> dict[str, str] | None:
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        return None
    try:
        text = (await read_body(request, _FORM_CAP)).decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except (UnicodeDecodeError, ValueError, ApiError):
        return None
    names = [name for name, _ in pairs]
    return dict(pairs) if len(names) == len(set(names)) else None


@router.post("/register")
async def register(request: Request) -> Response:
    """Register a client (RFC 7591, rules in :mod:`.registration`): 201 with its id and
    secret, or 400 ``invalid_client_metadata`` / ``invalid_redirect_uri``."""
    context = engine_context(request)
    try:
        metadata = parse_json(await read_body(request))
    except ApiError as error:
        return _oauth_error(400, "invalid_client_metadata", error.description)
    problem = metadata_problem(metadata)
    if problem:
        return _oauth_error(400, problem.error, problem.description)
    scopes = [scope for scope in ALL_SCOPES if scope in metadata["scope"].split(" ")]
    client_id, client_secret = secrets.token_hex(16), secrets.token_urlsafe(32)
    digest = secret_digest(client_secret)
    await context.storage(context.store.save_client, client_id, digest, " ".join(scopes), client_id)
    context.authority.add_client(client_id, digest, scopes, client_id)
    body = {
        **metadata,
        "scope": " ".join(scopes),
        "client_id": client_id,
        "client_secret": client_secret,
        "client_id_issued_at": int(time.time()),
        "client_secret_expires_at": 0,
    }
    return Response(json.dumps(body), 201, _NO_STORE, media_type="application/json")
