"""``FuzzSession``: everything a fuzz run needs, shared by the runner, the checks and the probes.

Every request — generated cases, the checks' follow-up calls, the probes — goes through the
target client's :class:`~badgegate.transport.Transport` session, so the write guard, rate cap,
retries and redaction apply to all of them. The session installs nothing itself:
:meth:`~badgegate.transport.Transport.from_config` puts the staging write guard and rate cap of
:mod:`badgegate.transport.guard` on every target's transport.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from badgegate import scopes
from badgegate.config import HarnessConfig
from badgegate.fuzz.document import (
    Adjustments,
    adjustments_for,
    document_location,
    load_document,
    read_document,
)
from badgegate.fuzz.profiles import FuzzProfile, profile_for
from badgegate.fuzz.report import FuzzReport
from badgegate.secret import reveal
from badgegate.transport import Transport

if TYPE_CHECKING:
    from badgegate.capabilities import Capabilities
    from badgegate.client import BadgeEngineClient
    from badgegate.stack import Target

#: Operations a client calls with its own credentials (HTTP Basic), not a bearer token.
CLIENT_AUTHENTICATED = frozenset({"requestAccessToken", "revokeToken"})

_ACTIVE: contextvars.ContextVar[FuzzSession | None] = contextvars.ContextVar(
    "badgegate_fuzz_session", default=None
)


class FuzzAuth:
    """The credentials each call needs: the bearer token of the run's client, a token without
    write scopes (for scope probes), and HTTP Basic for the token endpoint."""

    def __init__(self, client: BadgeEngineClient, config: HarnessConfig) -> None:
        self._client = client
        self._config = config
        self._readonly: Any = None

    def bearer(self) -> dict[str, str]:
        """``Authorization: Bearer …`` of the run's client (empty when it has no credentials)."""
        tokens = self._client.tokens
        return {"Authorization": f"Bearer {tokens.token()}"} if tokens else {}

    def basic(self) -> dict[str, str]:
        """HTTP Basic client authentication for the token endpoint (empty without a client)."""
        client_id = self._config.client_id
        secret = self._config.client_secret
        if not (client_id and secret):
            return {}
        pair = base64.b64encode(f"{client_id}:{reveal(secret)}".encode()).decode()
        return {"Authorization": f"Basic {pair}"}

    def readonly_bearer(self) -> dict[str, str] | None:
        """A bearer token granted only the read-only scopes, or ``None`` when none can be had."""
        client_id = self._config.client_id
        secret = self._config.client_secret
        if not (client_id and secret):
            return None
        if self._readonly is None:
            from badgegate.client import ClientCredentials

            self._readonly = ClientCredentials(
                self._client.transport,
                self._client.token_url,
                client_id,
                secret,
                scopes.READONLY_SCOPES,
            )
        return {"Authorization": f"Bearer {self._readonly.token()}"}

    def headers_for(self, operation_id: str, generated: Any = None) -> dict[str, str]:
        """The credentials ``operation_id`` needs; at the token and revocation endpoints a
        generated ``Authorization`` header (in ``generated``) is kept, else the client's Basic
        is sent."""
        if operation_id in CLIENT_AUTHENTICATED:
            keep = any(name.lower() == "authorization" for name in generated or {})
            return {} if keep else self.basic()
        return self.bearer()


@dataclasses.dataclass
class SeededData:
    """What the harness stored on the target before fuzzing, to check exact answers against."""

    credentials: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    #: What went wrong while seeding (reported by the read-back check).
    problems: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class FuzzSession:
    """One fuzz run against one target."""

    api_url: str
    transport: Transport
    auth: FuzzAuth
    isolation: BadgeEngineClient | None
    profile: FuzzProfile
    adjustments: Adjustments
    schema: Any
    report: FuzzReport
    #: True where the harness owns the data (embedded stack): exact totals are checked.
    exact: bool
    seeded: SeededData = dataclasses.field(default_factory=SeededData)
    #: Probes already run, by key, so a check's follow-up calls happen once per operation.
    probed: set[str] = dataclasses.field(default_factory=set)
    #: What the target offers (``None``: everything badgegate's document describes).
    capabilities: Capabilities | None = None

    def not_applicable(self, path: str) -> str | None:
        """Why the operations of badgegate's document at ``path`` do not apply to this target
        (``None`` when they do)."""
        return self.capabilities.operation_reason(path) if self.capabilities else None

    @property
    def default_page_size(self) -> int | None:
        """The page size the target chose when no ``limit`` was asked for, if learned."""
        return self.capabilities.default_page_size if self.capabilities else None

    @property
    def session(self) -> requests.Session:
        """The transport's pooled session."""
        return self.transport.session

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` under the API base (absolute URLs pass through)."""
        return path if path.startswith(("http://", "https://")) else self.api_url + path

    def send(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> requests.Response:
        """Send one follow-up call through the transport (bearer auth unless ``headers`` given)."""
        chosen = self.auth.bearer() if headers is None else headers
        return self.session.request(
            method, self.url(path), headers={"Accept": "application/json", **chosen}, **kwargs
        )

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is seen in this run (for once-per-operation probes)."""
        if key in self.probed:
            return False
        self.probed.add(key)
        return True

    @contextlib.contextmanager
    def active(self) -> Iterator[FuzzSession]:
        """Make this the session the registered checks see."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)


def active_session() -> FuzzSession | None:
    """The fuzz session of the running check, if any (checks run outside one skip follow-ups)."""
    return _ACTIVE.get()


def schemathesis_settings(adjustments: Adjustments, *, modes: str = "all") -> dict[str, Any]:
    """The schemathesis config: no NUL bytes, our acceptance statuses, and no check that
    would send requests around the harness transport (we run our own equivalents)."""
    return {
        "generation": {"allow-x00": False, "mode": modes},
        # Reproductions must reproduce: badgegate masks secrets itself (mask_reproduction),
        # schemathesis's sanitizer would also blank OB 3.0 members such as credentialSubject.
        "output": {"sanitization": {"enabled": False}},
        "checks": {
            "positive_data_acceptance": {"expected-statuses": list(adjustments.positive_statuses)},
            "ignored_auth": {"enabled": False},
            "object_level_authorization": {"enabled": False},
        },
    }


def open_session(
    target: Target, *, seed: int | None = None, capabilities: Capabilities | None = None
) -> FuzzSession:
    """Build the fuzz session of ``target``: document, profile, auth and report; operations
    that ``capabilities`` say the target does not offer are not applicable."""
    config = target.config
    location = document_location(config)
    document = read_document(location, target.client.transport.session)
    adjustments = adjustments_for(document)
    schema = load_document(document, settings=schemathesis_settings(adjustments))
    host = urlsplit(target.api_url).hostname
    profile = profile_for(config, host=host, seed=seed)
    transport = target.client.transport
    report = FuzzReport(
        config.report_dir,
        seed=profile.seed,
        profile=profile.name,
        document=location,
        config=config,
    )
    return FuzzSession(
        api_url=target.api_url,
        transport=transport,
        auth=FuzzAuth(target.client, config),
        isolation=target.isolation_client,
        profile=profile,
        adjustments=adjustments,
        schema=schema,
        report=report,
        exact=target.embedded,
        capabilities=capabilities,
    )
