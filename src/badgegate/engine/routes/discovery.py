"""The Service Description Document served at ``GET /discovery`` (`ob3-facts.md` §6.5)."""

from __future__ import annotations

from typing import Any

from badgegate.ob3 import API_BASE_PATH
from badgegate.scopes import OB3_SCOPES

API_BASE = API_BASE_PATH
_SCOPE_TEXT = {
    "credential.readonly": "Permission to read AchievementCredentials of the authenticated entity.",
    "credential.upsert": "Permission to create or update AchievementCredentials.",
    "profile.readonly": "Permission to read the profile for the authenticated entity.",
    "profile.update": "Permission to update the profile for the authenticated entity.",
}
_IMAGE = (
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9"
    "IjAgMCAxIDEiLz4="
)


def service_description(
    origin: str, api_base: str = API_BASE, *, empty: bool = False
) -> dict[str, Any]:
    """Return the Service Description for an engine reached at ``origin`` (scheme://host:port)
    serving the API under ``api_base``; ``empty`` (the empty-discovery fault) keeps only what
    the official schema requires, with blank URLs."""
    base = origin + api_base
    if empty:
        return _empty_description(base)
    return {
        "openapi": "3.0.1",
        "info": {
            "title": "badge-engine (reference edition)",
            "version": "3.0",
            "description": "Open Badges 3.0 API of the badgegate reference badge-engine.",
            "termsOfService": f"{origin}/terms",
            "x-imssf-privacyPolicyUrl": f"{origin}/privacy",
            "x-imssf-image": _IMAGE,
        },
        "servers": [{"url": base, "description": "badge-engine"}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Discovery"}],
        "paths": _paths(),
        "components": {"securitySchemes": {"OAuth2ACG": _oauth_scheme(base)}},
    }


def _empty_description(base: str) -> dict[str, Any]:
    """What a Host that only satisfies the official schema serves: every required string is
    there but blank, the flow has no refreshUrl and no scopes, no servers, no paths."""
    return {
        "openapi": "3.0.1",
        "info": {
            "title": "badge-engine (reference edition)",
            "version": "3.0",
            "termsOfService": "",
            "x-imssf-privacyPolicyUrl": "",
        },
        "paths": {},
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "x-imssf-registrationUrl": "",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": f"{base}/oauth/authorize",
                            "tokenUrl": f"{base}/oauth/token",
                            "scopes": {},
                        }
                    },
                }
            }
        },
    }


def _oauth_scheme(base: str) -> dict[str, Any]:
    scopes = {scope: _SCOPE_TEXT[scope.rsplit("/", 1)[1]] for scope in OB3_SCOPES}
    return {
        "type": "oauth2",
        "description": "OAuth 2.0 Authorization Code Grant authorization",
        "x-imssf-name": "badge-engine",
        "x-imssf-registrationUrl": f"{base}/oauth/register",
        "flows": {
            "authorizationCode": {
                "authorizationUrl": f"{base}/oauth/authorize",
                "tokenUrl": f"{base}/oauth/token",
                "refreshUrl": f"{base}/oauth/token",
                "scopes": scopes,
            }
        },
    }


def _operation(operation_id: str, scope: str | None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "tags": ["Discovery" if scope is None else "OpenBadgeCredentials"],
        "responses": {"200": {"description": "success"}},
    }
    if scope is not None:
        operation["security"] = [{"OAuth2ACG": [scope]}]
    return operation


def _paths() -> dict[str, Any]:
    scope = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
    return {
        "/credentials": {
            "get": _operation("getCredentials", scope + "credential.readonly"),
            "post": _operation("upsertCredential", scope + "credential.upsert"),
        },
        "/profile": {
            "get": _operation("getProfile", scope + "profile.readonly"),
            "put": _operation("putProfile", scope + "profile.update"),
        },
        "/discovery": {"get": _operation("getServiceDescription", None)},
    }
