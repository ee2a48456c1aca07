"""``BadgeEngineClient``: the one client badgegate uses to talk to any badge-engine."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import requests

from badgegate import scopes as scope
from badgegate.client.auth import ClientCredentials, StaticToken, TokenSource
from badgegate.client.connection import EngineConnection, Record, check_run_id
from badgegate.client.errors import EngineHTTPError
from badgegate.client.paging import Page
from badgegate.client.results import (
    BatchOperation,
    BatchResult,
    RollbackResult,
    UpsertResult,
    record_key,
)
from badgegate.config import HarnessConfig
from badgegate.errors import ConfigError
from badgegate.secret import Secret, reveal
from badgegate.transport import Transport, redact
from badgegate.vocabulary import BATCH_LIMIT

logger = logging.getLogger("badgegate.http")

Operation = BatchOperation | Mapping[str, Any]


def _since_text(since: datetime.datetime | str | None) -> str | None:
    if since is None or isinstance(since, str):
        return since
    if since.tzinfo is None:
        raise ValueError(f"since={since!r} has no time zone; the API compares instants")
    return since.isoformat()


#: The list endpoints: kind -> (path, member holding the records, reading scope).
_LISTS = {
    "credential": ("/credentials", "credential", scope.CREDENTIAL_READONLY),
    "achievement": ("/ext/achievements", "achievement", scope.ACHIEVEMENT_READONLY),
    "progress": ("/ext/progress", "progress", scope.PROGRESS_READONLY),
}


class BadgeEngineClient:
    """A client of a badge-engine's OB 3.0 API and its extension API.

    Authenticates with a static bearer ``token``, or with OAuth 2.0 client credentials
    (``client_id`` / ``client_secret`` against ``token_url``, default ``base_url +
    "/oauth/token"``; the token is fetched on first use, cached until it expires and fetched
    again once after a 401). Everything goes through ``transport`` (one is made when none is
    given) with ``timeout`` seconds and up to ``retries`` retries for idempotent calls;
    ``token_source`` replaces both ways of authenticating with any :class:`TokenSource`. Errors
    are typed (:mod:`badgegate.client.errors`); secrets never appear in them, in logs or in
    ``repr``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | Secret | None = None,
        client_id: str | None = None,
        client_secret: str | Secret | None = None,
        token_url: str | None = None,
        scopes: Sequence[str] | None = None,
        transport: Transport | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        token_source: TokenSource | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._owns_transport = transport is None
        self.transport = transport or Transport(secrets=(reveal(token), reveal(client_secret)))
        self.token_url = token_url or self.base_url + "/oauth/token"
        tokens = token_source or self._token_source(token, client_id, client_secret, scopes)
        self._engine = EngineConnection(
            self.base_url, self.transport, tokens, timeout=timeout, retries=retries
        )
        self._batch_supported: bool | None = None

    def _token_source(
        self,
        token: str | Secret | None,
        client_id: str | None,
        client_secret: str | Secret | None,
        scopes: Sequence[str] | None,
    ) -> TokenSource | None:
        if token:
            return StaticToken(token)
        if client_id and client_secret:
            granted = scope.ALL_SCOPES if scopes is None else scopes
            return ClientCredentials(
                self.transport, self.token_url, client_id, client_secret, granted
            )
        if client_id or client_secret:
            raise ConfigError(
                "client credentials need both client_id and client_secret "
                "(BADGEGATE_CLIENT_ID and BADGEGATE_CLIENT_SECRET)"
            )
        return None

    @classmethod
    def from_config(cls, config: HarnessConfig, **overrides: Any) -> BadgeEngineClient:
        """Build a client from a :class:`~badgegate.config.HarnessConfig` (attributes by name).

        ``overrides`` are keyword arguments of the constructor; without a ``transport`` one is
        made with :meth:`Transport.from_config` (rate cap, CA bundle, TLS verification).
        Credentials, first found wins: a token (option, environment or ``engine_token_file``),
        then client credentials, then the login stored by ``badgegate auth login`` for this
        engine URL (refreshed before it expires).
        """
        engine_url = config.engine_url
        if not engine_url:
            raise ConfigError(
                "no engine_url is configured; start one with `badgegate engine serve` "
                "or set BADGEGATE_ENGINE_URL"
            )
        settings: dict[str, Any] = {
            "token": config.engine_token,
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "token_url": config.token_url,
        }
        settings.update(overrides)
        made_transport = settings.get("transport") is None
        if made_transport:
            settings["transport"] = Transport.from_config(config)
        if not (settings["token"] or settings["client_id"] or settings["client_secret"]):
            settings.setdefault("token_source", _stored_login(settings["transport"], engine_url))
        client = cls(str(engine_url), **settings)
        client._owns_transport = made_transport
        return client

    @property
    def tokens(self) -> TokenSource | None:
        """Where the bearer token comes from (``None`` when calls go unauthenticated)."""
        return self._engine.tokens

    def __repr__(self) -> str:
        tokens = self._engine.tokens
        auth = tokens.describe() if tokens else "no credentials"
        return f"BadgeEngineClient({redact(self.base_url)!r}, auth={auth})"

    def __enter__(self) -> BadgeEngineClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections (of the transport, when this client made it)."""
        if self._owns_transport:
            self.transport.close()

    # -- OB 3.0 API ------------------------------------------------------------------------

    def discovery(self) -> Record:
        """``GET /discovery``: the Service Description Document (no authentication)."""
        return self._engine.json(self._engine.request("GET", "/discovery", authenticate=False))

    def get_public_keys(self, url: str) -> Record:
        """``GET url`` without a token: the issuer's public keys at a URL its Profile names."""
        response = self._engine.request("GET", url, authenticate=False, idempotent=True)
        return self._engine.json(response)

    def get_profile(self) -> Record:
        """``GET /profile``: the issuer Profile of the token's tenant."""
        response = self._engine.request("GET", "/profile", scope=scope.PROFILE_READONLY)
        return self._engine.json(response)

    def put_profile(self, profile: Mapping[str, Any]) -> Record | None:
        """``PUT /profile``: replace the Profile; the served Profile, or ``None`` on 202/304."""
        response = self._engine.request("PUT", "/profile", scope=scope.PROFILE_UPDATE, json=profile)
        if response.status_code == 200:
            return self._engine.json(response)
        if response.status_code in (202, 304):
            return None
        raise self._engine.unexpected(response, "200, 202 or 304")

    def fetch_list_page(
        self, kind: str, *, limit: int | None = None, offset: int | None = None
    ) -> requests.Response:
        """One page of ``kind``'s list (``credential``, ``achievement`` or ``progress``), unread.

        For readers that parse pages elsewhere (in other processes, say); the engine's errors
        are raised here as by the ``list_*`` methods, and :meth:`read_list_page` reads the
        answer as they would.
        """
        target, _, read_scope = _LISTS[kind]
        return self._engine.fetch_page(target, read_scope, {"limit": limit, "offset": offset})

    def read_list_page(self, kind: str, response: requests.Response) -> Page[Record]:
        """A page fetched by :meth:`fetch_list_page`, or the error saying what is wrong with it."""
        return self._engine.read_page(response, _LISTS[kind][1])

    def list_credentials(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        since: datetime.datetime | str | None = None,
    ) -> Page[Record]:
        """``GET /credentials``: one page of credentials (``since`` compares ``validFrom``)."""
        params = {"limit": limit, "offset": offset, "since": _since_text(since)}
        return self._engine.page("/credentials", "credential", scope.CREDENTIAL_READONLY, params)

    def iter_credentials(
        self, *, page_size: int = 1000, since: datetime.datetime | str | None = None
    ) -> Iterator[Record | str]:
        """Every credential, following ``next`` links; compact JWS credentials as strings.

        Raises :class:`ProtocolError` when the paging is inconsistent (see ``walk_pages``).
        """
        params = {"limit": page_size, "since": _since_text(since)}
        for page in self._engine.pages(
            "/credentials", "credential", scope.CREDENTIAL_READONLY, params
        ):
            yield from page.items
            yield from page.compact_jws

    def upsert_credential(
        self, credential: Mapping[str, Any], *, run_id: str | None = None
    ) -> UpsertResult[Record]:
        """``POST /credentials``: create or replace by the equality rule (retried: idempotent)."""
        return self._engine.upsert_record(
            "POST", "/credentials", scope.CREDENTIAL_UPSERT, run_id, credential
        )

    def upsert_credential_jws(
        self, compact: str, *, run_id: str | None = None
    ) -> UpsertResult[str]:
        """``POST /credentials`` with a compact JWS (``text/plain``)."""
        response = self._engine.upsert(
            "POST",
            "/credentials",
            scope.CREDENTIAL_UPSERT,
            run_id,
            data=compact.encode("utf-8"),
            # The engine answers 201/200 with the JWS itself, errors as JSON.
            headers={"Content-Type": "text/plain", "Accept": "text/plain, application/json"},
        )
        body = None if response.status_code == 304 else response.text
        return UpsertResult(response.status_code, body)

    # -- extension API ---------------------------------------------------------------------

    def put_achievement(
        self, key: uuid.UUID | str, achievement: Mapping[str, Any], *, run_id: str | None = None
    ) -> UpsertResult[Record]:
        """``PUT /ext/achievements/{key}``: create or replace an OB 3.0 Achievement."""
        path = f"/ext/achievements/{record_key(key)}"
        return self._engine.upsert_record(
            "PUT", path, scope.ACHIEVEMENT_UPSERT, run_id, achievement
        )

    def get_achievement(self, key: uuid.UUID | str) -> Record:
        """``GET /ext/achievements/{key}``; :class:`NotFound` when there is none."""
        path = f"/ext/achievements/{record_key(key)}"
        response = self._engine.request("GET", path, scope=scope.ACHIEVEMENT_READONLY)
        return self._engine.json(response)

    def list_achievements(
        self, *, limit: int | None = None, offset: int | None = None
    ) -> Page[Record]:
        """``GET /ext/achievements``: one page of achievements."""
        params = {"limit": limit, "offset": offset}
        return self._engine.page(
            "/ext/achievements", "achievement", scope.ACHIEVEMENT_READONLY, params
        )

    def iter_achievements(self, *, page_size: int = 1000) -> Iterator[Record]:
        """Every achievement, following ``next`` links."""
        pages = self._engine.pages(
            "/ext/achievements", "achievement", scope.ACHIEVEMENT_READONLY, {"limit": page_size}
        )
        for page in pages:
            yield from page.items

    def put_progress(
        self, key: uuid.UUID | str, progress: Mapping[str, Any], *, run_id: str | None = None
    ) -> UpsertResult[Record]:
        """``PUT /ext/progress/{key}``: create or replace a progress record."""
        path = f"/ext/progress/{record_key(key)}"
        return self._engine.upsert_record("PUT", path, scope.PROGRESS_UPSERT, run_id, progress)

    def get_progress(self, key: uuid.UUID | str) -> Record:
        """``GET /ext/progress/{key}``; :class:`NotFound` when there is none."""
        path = f"/ext/progress/{record_key(key)}"
        response = self._engine.request("GET", path, scope=scope.PROGRESS_READONLY)
        return self._engine.json(response)

    def list_progress(self, *, limit: int | None = None, offset: int | None = None) -> Page[Record]:
        """``GET /ext/progress``: one page of progress records."""
        params = {"limit": limit, "offset": offset}
        return self._engine.page("/ext/progress", "progress", scope.PROGRESS_READONLY, params)

    def iter_progress(self, *, page_size: int = 1000) -> Iterator[Record]:
        """Every progress record, following ``next`` links."""
        pages = self._engine.pages(
            "/ext/progress", "progress", scope.PROGRESS_READONLY, {"limit": page_size}
        )
        for page in pages:
            yield from page.items

    def batch(
        self, operations: Iterable[Operation], *, run_id: str | None = None
    ) -> list[BatchResult]:
        """``POST /ext/batch``: up to ``BATCH_LIMIT`` upserts in one transaction, a result each."""
        documents = [BatchOperation.coerce(operation).to_json() for operation in operations]
        if not 1 <= len(documents) <= BATCH_LIMIT:
            raise ValueError(f"a batch holds 1 to {BATCH_LIMIT} operations, got {len(documents)}")
        response = self._engine.request(
            "POST", "/ext/batch", run_id=run_id, idempotent=True, json={"operations": documents}
        )
        return self._batch_results(response, len(documents))

    def upsert_many(
        self,
        operations: Iterable[Operation],
        *,
        run_id: str | None = None,
        batch_size: int = BATCH_LIMIT,
    ) -> list[BatchResult]:
        """Upsert every operation, in batches when the engine has ``/ext/batch``.

        Whether it has is probed once (404/405 means no); without it the operations are sent
        one by one. Refused operations (400/403) come back as failed results either way.
        """
        if not 1 <= batch_size <= BATCH_LIMIT:
            raise ValueError(f"batch_size must be 1 to {BATCH_LIMIT}, got {batch_size}")
        pending = [BatchOperation.coerce(operation) for operation in operations]
        results: list[BatchResult] = []
        for start in range(0, len(pending), batch_size):
            results += self._upsert_chunk(pending[start : start + batch_size], start, run_id)
        return results

    def migration_run(self, run_id: str) -> Record:
        """``GET /ext/migration-runs/{run_id}``: what the run created and replaced."""
        path = f"/ext/migration-runs/{check_run_id(run_id)}"
        return self._engine.json(self._engine.request("GET", path, scope=scope.MIGRATION_ADMIN))

    def rollback_run(self, run_id: str) -> RollbackResult:
        """``DELETE /ext/migration-runs/{run_id}``: undo a run from the engine's history."""
        path = f"/ext/migration-runs/{check_run_id(run_id)}"
        response = self._engine.request("DELETE", path, scope=scope.MIGRATION_ADMIN)
        body = self._engine.json(response)
        deleted, restored = body.get("deleted"), body.get("restored")
        if not isinstance(deleted, dict) or not isinstance(restored, dict):
            raise self._engine.unexpected(response, "'deleted' and 'restored' objects")
        return RollbackResult(str(body.get("runId", run_id)), dict(deleted), dict(restored))

    # -- batching --------------------------------------------------------------------------

    def _batch_results(self, response: requests.Response, count: int) -> list[BatchResult]:
        results = self._engine.json(response).get("results")
        if not isinstance(results, list) or len(results) != count:
            raise self._engine.unexpected(response, f"'results' with {count} entries")
        try:
            return [_batch_result(position, item) for position, item in enumerate(results)]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise self._engine.unexpected(response, "'results' items with a status") from None

    def _upsert_chunk(
        self, chunk: list[BatchOperation], start: int, run_id: str | None
    ) -> list[BatchResult]:
        if self._batch_supported is not False:
            try:
                results = self.batch(chunk, run_id=run_id)
            except EngineHTTPError as error:
                if self._batch_supported or error.status not in (404, 405):
                    raise
                logger.info("engine has no batch endpoint (%s); upserting one by one", error.status)
                self._batch_supported = False
            else:
                self._batch_supported = True
                return [dataclasses.replace(item, index=item.index + start) for item in results]
        return [self._upsert_one(start + offset, op, run_id) for offset, op in enumerate(chunk)]

    def _upsert_one(self, index: int, operation: BatchOperation, run_id: str | None) -> BatchResult:
        record_id = operation.record.get("id")
        try:
            result = self.upsert(operation, run_id=run_id)
        except EngineHTTPError as error:
            if error.status not in (400, 403):
                raise
            return BatchResult(index, operation.kind, record_id, error.status, error.status_info)
        return BatchResult(index, operation.kind, record_id, result.status)

    def upsert(self, operation: Operation, *, run_id: str | None = None) -> UpsertResult[Record]:
        """One upsert by itself, through the call for its kind.

        A credential goes to :meth:`upsert_credential`, an achievement to
        :meth:`put_achievement`, a progress record to :meth:`put_progress`.
        """
        operation = BatchOperation.coerce(operation)
        if operation.kind == "credential":
            return self.upsert_credential(operation.record, run_id=run_id)
        if operation.key is None:
            raise ValueError(f"a {operation.kind} operation needs the record's key")
        if operation.kind == "achievement":
            return self.put_achievement(operation.key, operation.record, run_id=run_id)
        return self.put_progress(operation.key, operation.record, run_id=run_id)


def _batch_result(position: int, item: Mapping[str, Any]) -> BatchResult:
    record_id = item.get("id")
    return BatchResult(
        index=int(item.get("index", position)),
        kind=str(item.get("kind")),
        id=str(record_id) if record_id is not None else None,
        status=int(item["status"]),
        error=item.get("error"),
    )


def _stored_login(transport: Transport, engine_url: str) -> TokenSource | None:
    """The token source of the login stored for ``engine_url``, if one is."""
    from badgegate.client.login import StoredLogin, load_login

    login = load_login(engine_url)
    return StoredLogin(transport, login) if login is not None else None
