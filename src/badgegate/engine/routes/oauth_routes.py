"""OAuth 2.0 endpoints: authorization (code grant with PKCE), token, RFC 7591 registration.

``GET /oauth/authorize`` grants at once (the reference engine has no users to ask for consent;
see :mod:`badgegate.engine.auth.authorization`). ``POST /oauth/token`` takes the
``authorization_code`` grant (code, redirect URI and PKCE verifier; it also issues a refresh
token), the ``refresh_token`` grant (rotating refresh tokens, see
:mod:`badgegate.engine.auth.refresh`) and the ``client_credentials`` grant (not as the
authorization-code-only variant), all with HTTP Basic client authentication.
``POST /oauth/revoke`` revokes a client's own access or refresh token (RFC 7009). Errors of the
token and registration endpoints follow RFC 6749 / RFC 7591 (``{"error", "error_description"}``);
the authorization endpoint sends its errors back to the client's redirect URI, except those
it must not redirect (unknown client, unregistered redirect URI), which are Imsx answers.
A client registered through ``/oauth/register`` gets a tenant of its own, named after its
``client_id``: a self-registered client never sees records it did not write.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from urllib.parse import parse_qsl, unquote, urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from badgegate.engine.auth.authority import RegisteredClient, secret_digest
from badgegate.engine.auth.authorization import (
    AUTHORIZATION_CODE,
    AuthorizationError,
    authorization_request,
    requested_scopes,
    scope_text,
)
from badgegate.engine.context import EngineContext, engine_context
from badgegate.engine.variants import AUTHORIZATION_CODE_ONLY
from badgegate.engine.wire.imsx import ApiError, query_error
from badgegate.engine.wire.inbound import parse_json, query_parameters, read_body
from badgegate.rfc7591 import metadata_problem
from badgegate.scopes import ALL_SCOPES

router = APIRouter(prefix="/oauth")
REFRESH_TOKEN = "refresh_token"
_FORM_CAP = 64 * 1024
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(status: int, error: str, description: str, **headers: str) -> Response:
    body = json.dumps({"error": error, "error_description": description})
    return Response(body, status, {**_NO_STORE, **headers}, media_type="application/json")


@router.get("/authorize")
async def authorize(request: Request) -> Response:
    """Authorization endpoint (code grant, PKCE S256): redirect back with a code, or with an
    RFC 6749 error; 404/400 without redirecting for an unknown client or redirect URI."""
    context = engine_context(request)
    params = query_parameters(request)
    client_id, client, redirect_uri = _known_redirect(context, params)
    try:
        if not client.authorization_code:
            raise AuthorizationError(
                "unauthorized_client", "the client did not register the authorization_code grant"
            )
        granted = authorization_request(params, client_id, redirect_uri, client.scopes)
    except AuthorizationError as error:
        answer = {"error": error.error, "error_description": error.description}
        return _redirect(redirect_uri, answer, params.get("state"))
    code = context.codes.issue(granted)
    answer = {"code": code, "scope": scope_text(granted.scopes)}
    return _redirect(redirect_uri, answer, granted.state)


def _known_redirect(
    context: EngineContext, params: dict[str, str]
) -> tuple[str, RegisteredClient, str]:
    """The client (id and registration) and redirect URI of an authorization request."""
    client_id, redirect_uri = params.get("client_id"), params.get("redirect_uri")
    if not client_id:
        raise query_error("client_id is required")
    client = context.authority.client(client_id)
    if client is None:
        raise ApiError(404, f"no registered client {client_id[:80]!r}")
    if redirect_uri is None or redirect_uri not in client.redirect_uris:
        raise query_error("redirect_uri must be one of the client's registered redirect URIs")
    return client_id, client, redirect_uri


def _redirect(redirect_uri: str, answer: dict[str, str], state: str | None) -> Response:
    if state is not None:
        answer = {**answer, "state": state}
    separator = "&" if "?" in redirect_uri else "?"
    location = redirect_uri + separator + urlencode(answer)
    return Response(status_code=302, headers={**_NO_STORE, "Location": location})


def _authenticated_client(
    context: EngineContext, request: Request
) -> tuple[tuple[str, str], frozenset[str]] | Response:
    """The HTTP Basic credentials and scopes of the calling client, or the 401 answer."""
    credentials = _basic_credentials(request.headers.get("authorization", ""))
    allowed = context.authority.authenticate_client(*credentials) if credentials else None
    if credentials is None or allowed is None:
        return _oauth_error(
            401,
            "invalid_client",
            "client authentication failed",
            **{"WWW-Authenticate": 'Basic realm="badge-engine"'},
        )
    return credentials, allowed


@router.post("/token")
async def token(request: Request) -> Response:
    """Issue an access token (authorization_code or client_credentials grant, HTTP Basic
    client authentication)."""
    context = engine_context(request)
    client = _authenticated_client(context, request)
    if isinstance(client, Response):
        return client
    credentials, allowed = client
    form = await _form(request)
    if form is None:
        return _oauth_error(
            400, "invalid_request", "send an application/x-www-form-urlencoded body"
        )
    try:
        access_token, scopes, refresh_token = _grant(context, credentials[0], allowed, form)
    except AuthorizationError as error:
        return _oauth_error(400, error.error, error.description)
    body = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": context.authority.ttl,
        "scope": scope_text(scopes),
    }
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    return Response(json.dumps(body), 200, _NO_STORE, media_type="application/json")


def _grant(
    context: EngineContext, client_id: str, allowed: frozenset[str], form: dict[str, str]
) -> tuple[str, frozenset[str], str | None]:
    """The access token, scopes and refresh token (if any) ``form`` asks for
    (:class:`AuthorizationError` if not)."""
    grant_type = form.get("grant_type")
    code_only = AUTHORIZATION_CODE_ONLY in context.variants
    if grant_type == "client_credentials" and not code_only:
        scopes = requested_scopes(form.get("scope"), allowed)
        return context.authority.issue(client_id, scopes)[0], scopes, None
    if grant_type == AUTHORIZATION_CODE:
        access_token, scopes = _redeem_code(context, client_id, form)
        refresh = context.refresh_tokens.start(client_id, scopes, access_token)
        return access_token, scopes, refresh
    if grant_type == REFRESH_TOKEN:
        return _refresh(context, client_id, form)
    error = "invalid_request" if grant_type is None else "unsupported_grant_type"
    offered = "authorization_code or refresh_token"
    if not code_only:
        offered = "authorization_code, refresh_token or client_credentials"
    raise AuthorizationError(error, f"grant_type must be {offered}")


def _refresh(
    context: EngineContext, client_id: str, form: dict[str, str]
) -> tuple[str, frozenset[str], str]:
    """RFC 6749 §6: a new access token and the family's next refresh token."""
    token = form.get("refresh_token")
    if not token:
        raise AuthorizationError("invalid_request", "refresh_token is required")
    replayed = context.refresh_tokens.was_spent(token)
    if replayed is not None:
        for access_token in context.refresh_tokens.revoke_family(replayed):
            context.authority.revoke(access_token)
        raise AuthorizationError(
            "invalid_grant", "the refresh token was already used; its tokens are revoked"
        )
    rotated = context.refresh_tokens.rotate(token, client_id)
    if rotated is None:
        raise AuthorizationError("invalid_grant", "the refresh token is unknown or revoked")
    family, granted = rotated
    scopes = requested_scopes(form.get("scope"), granted) if form.get("scope") else granted
    access_token = context.authority.issue(client_id, scopes)[0]
    return access_token, scopes, context.refresh_tokens.continue_family(family, access_token)


def _redeem_code(
    context: EngineContext, client_id: str, form: dict[str, str]
) -> tuple[str, frozenset[str]]:
    code = form.get("code")
    if not code:
        raise AuthorizationError("invalid_request", "code is required")
    replayed = context.codes.replayed_token(code, client_id)
    if replayed is not None:
        context.authority.revoke(replayed)
        raise AuthorizationError(
            "invalid_grant", "the code was already used; the token issued for it is revoked"
        )
    issued = context.codes.redeem(
        code, client_id, form.get("redirect_uri"), form.get("code_verifier")
    )
    scopes = requested_scopes(form.get("scope"), issued.scopes)
    access_token = context.authority.issue(client_id, scopes)[0]
    context.codes.record_token(code, issued, access_token)
    return access_token, scopes


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


@router.post("/revoke")
async def revoke(request: Request) -> Response:
    """RFC 7009 token revocation: the client's own access or refresh token is revoked (a
    refresh token with its whole family); 200 whatever the token, 401 for an unauthenticated
    client, 400 without a ``token``."""
    context = engine_context(request)
    client = _authenticated_client(context, request)
    if isinstance(client, Response):
        return client
    credentials, _allowed = client
    form = await _form(request)
    if form is None or not form.get("token"):
        return _oauth_error(400, "invalid_request", "send the token to revoke as a form member")
    token, client_id = form["token"], credentials[0]
    family = context.refresh_tokens.family_of(token, client_id)
    if family is not None:
        for access_token in context.refresh_tokens.revoke_family(family):
            context.authority.revoke(access_token)
    else:
        context.authority.revoke_for(token, client_id)
    return Response(b"", 200, _NO_STORE)


@router.post("/register")
async def register(request: Request) -> Response:
    """Register a client (RFC 7591, rules in :mod:`badgegate.rfc7591`): 201 with its id and
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
    client = RegisteredClient(
        secret_digest(client_secret),
        frozenset(scopes),
        client_id,
        tuple(metadata["redirect_uris"]),
        AUTHORIZATION_CODE in metadata.get("grant_types", [AUTHORIZATION_CODE]),
    )
    await context.storage(context.store.save_client, client_id, client)
    context.authority.register(client_id, client)
    body = {
        **metadata,
        "scope": " ".join(scopes),
        "client_id": client_id,
        "client_secret": client_secret,
        "client_id_issued_at": int(time.time()),
        "client_secret_expires_at": 0,
    }
    return Response(json.dumps(body), 201, _NO_STORE, media_type="application/json")
