"""Registered OAuth clients as rows: the client and its redirect URIs, kept across restarts."""

from __future__ import annotations

import json

from sqlalchemy import Connection, insert, select

from badgegate.engine.auth.authority import RegisteredClient
from badgegate.engine.storage.schema import client_redirects, registered_clients


def save(connection: Connection, client_id: str, client: RegisteredClient) -> None:
    """Insert ``client`` (registered through ``/oauth/register``) and its redirect URIs."""
    connection.execute(
        insert(registered_clients).values(
            client_id=client_id,
            secret_digest=client.secret_digest,
            scopes=" ".join(sorted(client.scopes)),
            tenant=client.tenant,
        )
    )
    connection.execute(
        insert(client_redirects).values(
            client_id=client_id,
            redirect_uris=json.dumps(list(client.redirect_uris)),
            authorization_code=client.authorization_code,
        )
    )


def load(connection: Connection) -> list[tuple[str, RegisteredClient]]:
    """Every registered client, by id (a client saved before redirect URIs were kept has none)."""
    query = select(registered_clients, client_redirects).outerjoin(
        client_redirects, client_redirects.c.client_id == registered_clients.c.client_id
    )
    return [
        (
            row.client_id,
            RegisteredClient(
                row.secret_digest,
                frozenset(row.scopes.split()),
                row.tenant,
                tuple(json.loads(row.redirect_uris or "[]")),
                bool(row.authorization_code),
            ),
        )
        for row in connection.execute(query).all()
    ]
