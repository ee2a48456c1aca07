"""RFC 7591 client metadata rules, shared by the reference engine, which enforces them, and
the fuzz suite, which judges a target by them.

The reference engine's ``POST /oauth/register`` accepts exactly the metadata these rules
allow; they are strict so that nothing a client could not use gets registered:

* ``client_name``: a non-blank string;
* ``redirect_uris``: a non-empty array of absolute ``http``/``https`` URIs, each valid per
  RFC 3986 with a DNS host name or an IP literal, no user information and no fragment
  (anything else is ``invalid_redirect_uri``);
* ``client_uri``, ``logo_uri``, ``tos_uri``, ``policy_uri`` (when present): absolute
  ``http``/``https`` URIs (a fragment allowed);
* ``grant_types``: a non-empty array of ``authorization_code``, ``refresh_token``,
  ``client_credentials``; ``response_types``: an array of ``code``;
  ``token_endpoint_auth_method``: ``client_secret_basic`` (the token endpoint takes HTTP Basic);
* ``contacts``: an array of strings; ``software_id``, ``software_version``: strings;
* ``scope``: scope URIs of :mod:`badgegate.scopes`, separated by single spaces.

Other members are kept as sent. The engine's own part of a registration (issuing the client
id and secret, storing the client) is in :mod:`badgegate.engine.routes.oauth_routes`; the fuzz
suite's use of the rules is :mod:`badgegate.fuzz.negative`.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, NamedTuple

from badgegate.scopes import ALL_SCOPES

GRANT_TYPES = frozenset({"authorization_code", "refresh_token", "client_credentials"})
RESPONSE_TYPES = frozenset({"code"})
TOKEN_ENDPOINT_AUTH_METHODS = frozenset({"client_secret_basic"})
WEB_PAGE_MEMBERS = ("client_uri", "logo_uri", "tos_uri", "policy_uri")
STRING_MEMBERS = ("software_id", "software_version")

_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_WEB_URI = re.compile(
    rf"(?i:https?)://(?P<host>{_LABEL}(?:\.{_LABEL})*\.?|\[(?P<ipv6>[0-9A-Fa-f:.]+)\])"
    rf"(?::(?P<port>[0-9]{{0,5}}))?"
    rf"(?:/{_PCHAR}*)*"
    rf"(?:\?(?:{_PCHAR}|[/?])*)?"
    rf"(?P<fragment>#(?:{_PCHAR}|[/?])*)?"
)


class MetadataProblem(NamedTuple):
    """Why client metadata was refused: the RFC 7591 error code and a description."""

    error: str
    description: str


def is_web_uri(value: object, *, fragment: bool = False) -> bool:
    """True for an absolute ``http``/``https`` URI valid per RFC 3986 whose host is a DNS name
    or an IP literal, without user information (and without a fragment unless allowed)."""
    if not isinstance(value, str):
        return False
    found = _WEB_URI.fullmatch(value)
    if found is None or (found["fragment"] and not fragment):
        return False
    if found["port"] and int(found["port"]) > 65535:
        return False
    if found["ipv6"] is not None:
        try:
            ipaddress.IPv6Address(found["ipv6"])
        except ValueError:
            return False
    return len(found["host"]) <= 255


def metadata_problem(metadata: Any) -> MetadataProblem | None:
    """Why ``metadata`` cannot be registered, or ``None`` when it can (see the module)."""
    if not isinstance(metadata, dict):
        return MetadataProblem("invalid_client_metadata", "client metadata must be a JSON object")
    description = _redirect_uris_problem(metadata.get("redirect_uris", None))
    if description:
        return MetadataProblem("invalid_redirect_uri", description)
    for check in (_name_problem, _uri_members_problem, _types_problem, _scope_problem):
        description = check(metadata)
        if description:
            return MetadataProblem("invalid_client_metadata", description)
    return None


def _redirect_uris_problem(uris: Any) -> str | None:
    if not isinstance(uris, list) or not uris:
        return "redirect_uris must be a non-empty array of URIs"
    return next(filter(None, map(redirect_uri_problem, uris)), None)


def redirect_uri_problem(uri: object) -> str | None:
    """Why ``uri`` cannot be a redirect URI, or ``None`` when it can."""
    if is_web_uri(uri):
        return None
    return (
        f"redirect URI {uri!r} is not an absolute http(s) URI with a host name, "
        "without user information or fragment"
    )


def _name_problem(metadata: dict[str, Any]) -> str | None:
    name = metadata.get("client_name")
    if not isinstance(name, str) or not name.strip():
        return "client_name is required: a non-blank string"
    for member in STRING_MEMBERS:
        if member in metadata and not isinstance(metadata[member], str):
            return f"{member} must be a string"
    return None


def _uri_members_problem(metadata: dict[str, Any]) -> str | None:
    for member in WEB_PAGE_MEMBERS:
        if member in metadata and not is_web_uri(metadata[member], fragment=True):
            return f"{member} must be an absolute http(s) URI"
    return None


def _types_problem(metadata: dict[str, Any]) -> str | None:
    if "grant_types" in metadata and not _array_of(metadata["grant_types"], GRANT_TYPES, 1):
        return f"grant_types must be a non-empty array of {', '.join(sorted(GRANT_TYPES))}"
    if "response_types" in metadata and not _array_of(metadata["response_types"], RESPONSE_TYPES):
        return "response_types must be an array of 'code'"
    method = metadata.get("token_endpoint_auth_method", "client_secret_basic")
    if not isinstance(method, str) or method not in TOKEN_ENDPOINT_AUTH_METHODS:
        return "token_endpoint_auth_method must be client_secret_basic"
    contacts = metadata.get("contacts", [])
    if not isinstance(contacts, list) or not all(isinstance(c, str) for c in contacts):
        return "contacts must be an array of strings"
    return None


def _array_of(value: Any, allowed: frozenset[str], min_items: int = 0) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= min_items
        and all(isinstance(item, str) and item in allowed for item in value)
    )


def _scope_problem(metadata: dict[str, Any]) -> str | None:
    scope = metadata.get("scope")
    if not isinstance(scope, str) or not scope:
        return "scope is required: scope URIs separated by single spaces"
    names = scope.split(" ")
    if "" in names:
        return "scope must separate its scope URIs by single spaces"
    unknown = [name for name in names if name not in ALL_SCOPES]
    if unknown:
        return f"unknown scope(s): {', '.join(unknown)}"
    return None
