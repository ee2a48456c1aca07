"""The target of a run: a badge-engine given by URL, or the embedded default stack.

With no ``engine_url`` the harness starts the reference engine itself on a free loopback port,
with two tenants (the second one for the isolation checks) and its provider-state endpoint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING

from badgegate.config import HarnessConfig

if TYPE_CHECKING:
    from badgegate.client import BadgeEngineClient

PRIMARY_TENANT = "learners"
ISOLATION_TENANT = "other-tenant"
STATE_PATH = "/_badgegate/provider-states"


@dataclasses.dataclass(frozen=True)
class Target:
    """The badge-engine a run checks, with clients for it."""

    api_url: str
    client: BadgeEngineClient
    isolation_client: BadgeEngineClient | None
    embedded: bool
    state_url: str | None
    config: HarnessConfig

    @property
    def writable(self) -> bool:
        """True when checks may write to the target (always on the embedded stack)."""
        return self.embedded or not self.config.is_read_only


@contextlib.contextmanager
def open_target(config: HarnessConfig) -> Iterator[Target]:
    """Yield the run's target; start (and afterwards stop) the embedded stack when needed."""
    if config.engine_url is None:
        with _embedded_target(config) as target:
            yield target
        return
    from badgegate.client import BadgeEngineClient

    client = BadgeEngineClient.from_config(config)
    isolation = None
    if config.isolation_token:
        isolated = config.replace(engine_token=config.isolation_token)
        isolation = BadgeEngineClient.from_config(isolated)
    try:
        yield Target(config.engine_url, client, isolation, False, config.state_url, config)
    finally:
        client.close()
        if isolation is not None:
            isolation.close()


@contextlib.contextmanager
def _embedded_target(config: HarnessConfig) -> Iterator[Target]:
    from badgegate.client import BadgeEngineClient
    from badgegate.engine.server import ClientSpec, EngineServer

    primary = ClientSpec("badgegate-primary", secrets.token_urlsafe(24), tenant=PRIMARY_TENANT)
    other = ClientSpec("badgegate-isolation", secrets.token_urlsafe(24), tenant=ISOLATION_TENANT)
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(
            EngineServer(clients=[primary, other], engine_db=config.engine_db, test_endpoints=True)
        )
        embedded = config.replace(
            engine_url=server.api_url,
            client_id=primary.client_id,
            client_secret=primary.client_secret,
        )
        client = stack.enter_context(BadgeEngineClient.from_config(embedded))
        isolation = stack.enter_context(
            BadgeEngineClient.from_config(
                embedded.replace(client_id=other.client_id, client_secret=other.client_secret)
            )
        )
        yield Target(
            server.api_url, client, isolation, True, server.root_url + STATE_PATH, embedded
        )
