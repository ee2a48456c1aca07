"""The engine's settings and the per-process state every route reaches through the request."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request

from badgegate.engine.auth.authority import Authority, Grant
from badgegate.engine.auth.authorization import AuthorizationCodes
from badgegate.engine.auth.clients import ClientSpec, TokenSpec
from badgegate.engine.auth.refresh import RefreshTokens
from badgegate.engine.faults.catalogue import ROOT_BASE_PATH, UNENFORCED_SCOPE
from badgegate.engine.keyring import Keyring
from badgegate.engine.model.proofs import IssuerKey
from badgegate.engine.signing_pool import SigningPool
from badgegate.engine.storage.store import Store
from badgegate.engine.wire.imsx import ApiError
from badgegate.ob3 import API_BASE_PATH

API_BASE = API_BASE_PATH
DEFAULT_TOKEN_TTL = 3600
T = TypeVar("T")
_RUN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}", re.ASCII)


@dataclass(frozen=True)
class EngineSettings:
    """How an engine process is configured (the ``engine serve`` options)."""

    engine_db: str
    clients: Sequence[ClientSpec] = ()
    tokens: Sequence[TokenSpec] = ()
    faults: frozenset[str] = field(default_factory=frozenset)
    #: Legitimate variants (:mod:`badgegate.engine.variants`) the engine behaves as.
    variants: frozenset[str] = field(default_factory=frozenset)
    test_endpoints: bool = False
    token_ttl: int = DEFAULT_TOKEN_TTL
    #: ``--issuer-key``: the key every tenant signs with (else each tenant's own, made on
    #: first use).
    issuer_key: IssuerKey | None = None

    @property
    def api_base(self) -> str:
        """The path the API is served under (the root with the root-base-path fault)."""
        return "" if ROOT_BASE_PATH in self.faults else API_BASE


class EngineContext:
    """Storage, the token authority, the active faults and variants of one engine process."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.faults = settings.faults
        self.variants = settings.variants
        self.store = Store(settings.engine_db)
        self.keyring = Keyring(self.store, settings.issuer_key, settings.faults)
        #: Worker processes signing large batches (started on first need).
        self.signing = SigningPool()
        self.authority = Authority(settings.clients, settings.tokens, settings.token_ttl)
        for client_id, client in self.store.registered_clients():
            self.authority.register(client_id, client)
        #: Authorization codes issued by ``/oauth/authorize`` and not yet redeemed.
        self.codes = AuthorizationCodes()
        #: Refresh tokens of the authorization code grant, rotating.
        self.refresh_tokens = RefreshTokens()

    def authorize(self, request: Request, scope: str, *, write: bool = False) -> Grant:
        """Return the caller's grant if it holds ``scope`` (unenforced-scope: writes unchecked)."""
        enforce = not (write and UNENFORCED_SCOPE in self.faults)
        return self.authority.require(request, scope, enforce=enforce)

    async def storage(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a storage call where the store places it (:meth:`Store.run`)."""
        return await self.store.run(call, *args, **kwargs)

    async def close(self) -> None:
        """Stop the signing workers and release the database connections."""
        self.signing.close()
        await self.store.aclose()


def engine_context(request: Request) -> EngineContext:
    """The :class:`EngineContext` of the app serving ``request``."""
    context: EngineContext = request.app.state.engine
    return context


def run_id(request: Request) -> str | None:
    """The ``X-Badgegate-Run`` of a write, validated (400 when malformed)."""
    value = request.headers.get("x-badgegate-run")
    if value is None:
        return None
    if not _RUN_ID.fullmatch(value):
        raise ApiError(400, "X-Badgegate-Run must be 1..128 characters of [A-Za-z0-9._:-]")
    return value
