"""Who may call the engine: OAuth clients and static bearer tokens, and the clients file.

The clients file (``--clients-file``) is JSON::

    {"clients": [{"client_id": "...", "client_secret": "...", "scopes": [...] | "all",
                  "tenant": "default", "redirect_uris": ["https://..."]}],
     "tokens":  [{"token": "...", "scopes": [...] | "all", "tenant": "default"}]}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from badgegate.rfc7591 import redirect_uri_problem
from badgegate.scopes import ALL_SCOPES, parse_scopes
from badgegate.secret import ShowsNoSecrets

DEFAULT_TENANT = "default"


@dataclass(frozen=True)
class ClientSpec(ShowsNoSecrets):
    """An OAuth client of one tenant (client_credentials grant; with ``redirect_uris`` also
    the authorization code grant)."""

    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...] = ALL_SCOPES
    tenant: str = DEFAULT_TENANT
    redirect_uris: tuple[str, ...] = ()


@dataclass(frozen=True)
class TokenSpec(ShowsNoSecrets):
    """A static bearer token of one tenant."""

    token: str = field(repr=False)
    scopes: tuple[str, ...] = ALL_SCOPES
    tenant: str = DEFAULT_TENANT


def scopes_from(value: Any) -> tuple[str, ...]:
    """Read scopes given as ``"all"``, a comma-separated string or a list of scope URIs."""
    if isinstance(value, str):
        return parse_scopes(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return parse_scopes(",".join(value)) if value else ()
    raise ValueError(f"scopes must be 'all', a comma-separated string or a list, got {value!r}")


def redirect_uris_from(value: Any) -> tuple[str, ...]:
    """Read a client's redirect URIs, given as a list of absolute http(s) URIs without
    fragment (the rule ``/oauth/register`` applies)."""
    if not isinstance(value, list):
        raise ValueError(f"redirect_uris must be a list of URIs, got {value!r}")
    for uri in value:
        problem = redirect_uri_problem(uri)
        if problem:
            raise ValueError(problem)
    return tuple(value)


def parse_client_option(text: str) -> ClientSpec:
    """Parse ``--client ID:SECRET:SCOPES[:TENANT]`` (SCOPES comma-separated URIs or ``all``).

    Scope URIs contain colons, so the tenant is only taken from the last part when that part
    is not itself the tail of a scope URI.
    """
    client_id, sep1, rest = text.partition(":")
    secret, sep2, scopes_text = rest.partition(":")
    if not (sep1 and sep2 and client_id and secret and scopes_text):
        raise ValueError("--client expects ID:SECRET:SCOPES[:TENANT]")
    tenant = DEFAULT_TENANT
    head, sep, tail = scopes_text.rpartition(":")
    if sep and _is_tenant(head, tail):
        scopes_text, tenant = head, tail
    return ClientSpec(client_id, secret, parse_scopes(scopes_text), tenant)


def _is_tenant(head: str, tail: str) -> bool:
    try:
        parse_scopes(head)
    except ValueError:
        return False
    return "/" not in tail and "." not in tail


def read_clients_file(path: Path) -> tuple[list[ClientSpec], list[TokenSpec]]:
    """Read a clients file; raises ``ValueError`` naming what is wrong."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read clients file {path}: {error}") from None
    if not isinstance(document, dict):
        raise ValueError(f"clients file {path} must hold a JSON object")
    try:
        clients = [
            ClientSpec(
                str(item["client_id"]),
                str(item["client_secret"]),
                scopes_from(item.get("scopes", "all")),
                str(item.get("tenant", DEFAULT_TENANT)),
                redirect_uris_from(item.get("redirect_uris", [])),
            )
            for item in document.get("clients", [])
        ]
        tokens = [
            TokenSpec(
                str(item["token"]),
                scopes_from(item.get("scopes", "all")),
                str(item.get("tenant", DEFAULT_TENANT)),
            )
            for item in document.get("tokens", [])
        ]
    except (KeyError, TypeError) as error:
        raise ValueError(f"clients file {path}: missing or malformed entry ({error})") from None
    except ValueError as error:
        raise ValueError(f"clients file {path}: {error}") from None
    return clients, tokens


def clients_document(clients: Sequence[ClientSpec], tokens: Sequence[TokenSpec]) -> dict[str, Any]:
    """Return the clients-file JSON for ``clients`` and ``tokens``."""
    return {
        "clients": [
            {
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "scopes": list(client.scopes),
                "tenant": client.tenant,
                "redirect_uris": list(client.redirect_uris),
            }
            for client in clients
        ],
        "tokens": [
            {"token": token.token, "scopes": list(token.scopes), "tenant": token.tenant}
            for token in tokens
        ],
    }
