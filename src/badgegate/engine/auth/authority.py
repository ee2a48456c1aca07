"""Bearer tokens and scopes: issuing tokens to clients and checking them on every request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import Request

from badgegate.engine.auth.clients import ClientSpec, TokenSpec
from badgegate.engine.wire.imsx import ApiError

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="badge-engine"'}
_INVALID_TOKEN = {"WWW-Authenticate": 'Bearer realm="badge-engine", error="invalid_token"'}


@dataclass(frozen=True)
class Grant:
    """What a bearer token allows: its tenant and scopes, until ``expires_at`` (epoch seconds)."""

    tenant: str
    scopes: frozenset[str]
    expires_at: float | None = None
    #: The client the token was issued to (``None`` for a configured static token).
    client_id: str | None = None


@dataclass(frozen=True)
class RegisteredClient:
    """An OAuth client: its secret's digest, scopes and tenant, and for the authorization
    code grant its redirect URIs and whether it may use that grant."""

    secret_digest: str
    scopes: frozenset[str]
    tenant: str
    redirect_uris: tuple[str, ...] = ()
    authorization_code: bool = True


def secret_digest(secret: str) -> str:
    """The SHA-256 digest under which a client secret is kept."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Authority:
    """Knows the clients and tokens; issues tokens and checks them against scopes."""

    def __init__(
        self, clients: Iterable[ClientSpec], tokens: Iterable[TokenSpec], ttl: int
    ) -> None:
        self.ttl = ttl
        self._clients: dict[str, RegisteredClient] = {}
        self._tokens: dict[str, Grant] = {}
        self._fixed: set[str] = set()
        self._replaced_clients: dict[str, RegisteredClient | None] = {}
        for client in clients:
            self.add_client(
                client.client_id,
                secret_digest(client.client_secret),
                client.scopes,
                client.tenant,
                redirect_uris=client.redirect_uris,
            )
        for token in tokens:
            self.add_token(token.token, token.scopes, token.tenant)

    def add_client(
        self,
        client_id: str,
        digest: str,
        scopes: Iterable[str],
        tenant: str,
        *,
        redirect_uris: Iterable[str] = (),
        authorization_code: bool = True,
    ) -> None:
        """Register a client by the digest of its secret."""
        self.register(
            client_id,
            RegisteredClient(
                digest, frozenset(scopes), tenant, tuple(redirect_uris), authorization_code
            ),
        )

    def register(self, client_id: str, client: RegisteredClient) -> None:
        """Register ``client`` under ``client_id`` (replacing any client of that id)."""
        self._clients[client_id] = client

    def add_token(
        self, token: str, scopes: Iterable[str], tenant: str, *, fixed: bool = False
    ) -> None:
        """Register a static bearer token (``fixed``: dropped again by :meth:`drop_fixed`)."""
        self._tokens[token] = Grant(tenant, frozenset(scopes))
        if fixed:
            self._fixed.add(token)

    def add_state_client(
        self, client_id: str, digest: str, scopes: Iterable[str], tenant: str
    ) -> None:
        """Register a client for a provider state (undone again by :meth:`drop_fixed`)."""
        self._replaced_clients.setdefault(client_id, self._clients.get(client_id))
        self.add_client(client_id, digest, scopes, tenant)

    def drop_fixed(self) -> None:
        """Forget the tokens and clients provider states registered."""
        for token in self._fixed:
            self._tokens.pop(token, None)
        self._fixed.clear()
        for client_id, earlier in self._replaced_clients.items():
            if earlier is None:
                self._clients.pop(client_id, None)
            else:
                self._clients[client_id] = earlier
        self._replaced_clients.clear()

    def client_tenant(self, client_id: str) -> str | None:
        """Return the tenant of a known client."""
        client = self._clients.get(client_id)
        return client.tenant if client else None

    def client(self, client_id: str) -> RegisteredClient | None:
        """Return a known client."""
        return self._clients.get(client_id)

    def authenticate_client(self, client_id: str, secret: str) -> frozenset[str] | None:
        """Return a client's scopes when ``secret`` is right, else ``None``."""
        client = self._clients.get(client_id)
        if client is None or not hmac.compare_digest(client.secret_digest, secret_digest(secret)):
            return None
        return client.scopes

    def issue(self, client_id: str, scopes: frozenset[str]) -> tuple[str, Grant]:
        """Issue a new access token to an authenticated client for ``scopes``."""
        grant = Grant(self._clients[client_id].tenant, scopes, time.time() + self.ttl, client_id)
        token = secrets.token_urlsafe(32)
        self._tokens[token] = grant
        return token, grant

    def revoke(self, token: str) -> None:
        """Forget an issued access token."""
        self._tokens.pop(token, None)

    def revoke_for(self, token: str, client_id: str) -> None:
        """Forget ``token`` if it is an access token issued to ``client_id`` (RFC 7009: a
        client revokes its own tokens only; any other token is left alone, silently)."""
        grant = self._tokens.get(token)
        if grant is not None and grant.client_id == client_id:
            del self._tokens[token]

    def grant_for(self, request: Request) -> Grant:
        """Return the request's grant, or answer 401 with a Bearer challenge."""
        header = request.headers.get("authorization")
        if header is None:
            raise ApiError(401, "a bearer token is required", headers=_CHALLENGE)
        scheme, _, token = header.partition(" ")
        grant = self._tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None or (grant.expires_at is not None and grant.expires_at < time.time()):
            raise ApiError(401, "the bearer token is invalid or expired", headers=_INVALID_TOKEN)
        return grant

    def require(self, request: Request, *scopes: str, enforce: bool = True) -> Grant:
        """Return the request's grant if it holds every one of ``scopes`` (else 401/403)."""
        grant = self.grant_for(request)
        missing = [scope for scope in scopes if scope not in grant.scopes]
        if missing and enforce:
            raise ApiError(
                403,
                f"the token lacks the scope(s) {', '.join(missing)}",
                headers=insufficient_scope(scopes),
            )
        return grant

    def default_tenant(self) -> str | None:
        """The tenant of the first client configured, else of the first static token (what
        ``ignored-auth`` serves)."""
        tenants = [c.tenant for c in self._clients.values()]
        tenants += [grant.tenant for grant in self._tokens.values()]
        return tenants[0] if tenants else None


def insufficient_scope(scopes: Iterable[str]) -> dict[str, str]:
    """The Bearer challenge of a 403 for a token lacking ``scopes`` (RFC 6750 §3.1)."""
    return {
        "WWW-Authenticate": (
            f'Bearer realm="badge-engine", error="insufficient_scope", scope="{" ".join(scopes)}"'
        )
    }
