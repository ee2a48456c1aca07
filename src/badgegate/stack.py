"""The target of a run: a badge-engine given by URL, or the embedded default stack.

With no ``engine_url`` the harness starts the reference engine itself on a free loopback port,
with two tenants (the second one for the isolation checks) and its provider-state endpoint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from badgegate.config import HarnessConfig
from badgegate.errors import BadgegateError, ConfigError, ExitCode

if TYPE_CHECKING:
    from badgegate.client import BadgeEngineClient

PRIMARY_TENANT = "learners"
ISOLATION_TENANT = "other-tenant"
STATE_PATH = "/_badgegate/provider-states"
SAMPLE_DATASET = "sample.json"


@dataclasses.dataclass(frozen=True)
class Target:
    """The badge-engine a run checks, with clients for it."""

    api_url: str
    client: BadgeEngineClient
    isolation_client: BadgeEngineClient | None
    embedded: bool
    state_url: str | None
    config: HarnessConfig
    legacy_db: str | None = None
    migration_run: str | None = None

    @property
    def writable(self) -> bool:
        """True when checks may write to the target (always on the embedded stack)."""
        return self.embedded or not self.config.is_read_only


@contextlib.contextmanager
def open_target(
    config: HarnessConfig,
    *,
    announce: Callable[[str], None] | None = None,
    variants: Sequence[str] = (),
) -> Iterator[Target]:
    """Yield the run's target; start (and afterwards stop) the embedded stack when needed,
    telling ``announce`` what it starts and where. ``variants`` (``badgegate engine variants``)
    are the legitimate OB 3.0 variants the embedded engine behaves as."""
    if config.engine_url is None:
        with _embedded_target(config, announce or (lambda _line: None), variants) as target:
            yield target
        return
    from badgegate.client import BadgeEngineClient

    client = BadgeEngineClient.from_config(config)
    isolation = None
    if config.isolation_token:
        isolated = config.replace(engine_token=config.isolation_token)
        isolation = BadgeEngineClient.from_config(isolated)
    try:
        yield Target(
            config.engine_url,
            client,
            isolation,
            False,
            config.state_url,
            config,
            legacy_db=config.legacy_db,
        )
    finally:
        client.close()
        if isolation is not None:
            isolation.close()


def check_target(config: HarnessConfig) -> None:
    """Before the suites run against a given engine: it is the OB 3.0 base, it answers, and it
    takes the harness's own credentials.

    Raises :class:`ConfigError` (exit 2) for a mistyped base (:func:`check_engine_base`),
    :class:`~badgegate.client.EngineUnreachable` (exit 3) when nothing answers, and
    :class:`ConfigError` (exit 2) when the target refuses the configured token or client
    credentials with 401. Any other answer is left for the suites to judge.
    """
    from badgegate.client import BadgeEngineClient, EngineError, EngineUnreachable, Unauthorized

    with BadgeEngineClient.from_config(config, retries=1) as client:
        try:
            client.discovery()
        except EngineUnreachable:
            raise
        except EngineError:
            # No discovery at the given base: a mistyped base, if the usual one answers.
            check_engine_base(config)
        if client.tokens is None:
            return
        try:
            client.list_credentials(limit=1)
        except Unauthorized as error:
            raise ConfigError(
                f"the target refused badgegate's own credentials: {error.description or error}; "
                f"check {_credential_source(config)}"
            ) from None
        except EngineUnreachable:
            raise
        except EngineError:
            return


def _credential_source(config: HarnessConfig) -> str:
    from badgegate.client.login import credentials_in_use

    return {
        "token": "BADGEGATE_ENGINE_TOKEN / --engine-token-file",
        "client credentials": "BADGEGATE_CLIENT_ID and BADGEGATE_CLIENT_SECRET / "
        "--client-secret-file",
        "stored login": f"the stored login; log in again with `badgegate auth login "
        f"--engine-url {config.engine_url}`",
        "none": "the credentials given",
    }[credentials_in_use(config)]


def check_engine_base(config: HarnessConfig) -> None:
    """Refuse an ``engine_url`` that is not the OB 3.0 API base when the usual base answers.

    When ``<engine_url>/discovery`` answers but not with a 2xx (a 404, say) while
    ``<scheme://host:port>/ims/ob/v3p0/discovery`` answers 200, the base was mistyped: raise
    :class:`ConfigError` naming the corrected URL. A target that serves discovery at the given
    base, or that cannot be reached at all (reported later, as exit 3), passes. One GET (two at
    most), through the run's guarded transport.
    """
    import urllib.parse

    import requests

    from badgegate.ob3 import API_BASE_PATH
    from badgegate.transport import Transport

    base = config.engine_url
    if not base:
        return
    parts = urllib.parse.urlsplit(base)
    usual = f"{parts.scheme}://{parts.netloc}{API_BASE_PATH}"
    with Transport.from_config(config) as transport:

        def status(url: str) -> int | None:
            try:
                return transport.send("GET", url + "/discovery", retries=0, timeout=10).status_code
            except (requests.RequestException, BadgegateError):
                return None

        answered = status(base)
        if answered is None or 200 <= answered < 300 or usual == base:
            return
        if status(usual) == 200:
            raise ConfigError(
                f"engine_url {base} serves no OB 3.0 discovery ({base}/discovery answered "
                f"{answered}) but {usual}/discovery does; did you mean --engine-url {usual}?"
            )


@contextlib.contextmanager
def _embedded_target(
    config: HarnessConfig, announce: Callable[[str], None], variants: Sequence[str]
) -> Iterator[Target]:
    from badgegate.client import BadgeEngineClient
    from badgegate.engine.server import ClientSpec, EngineServer
    from badgegate.legacy import describe_url

    primary = ClientSpec("badgegate-primary", secrets.token_urlsafe(24), tenant=PRIMARY_TENANT)
    other = ClientSpec("badgegate-isolation", secrets.token_urlsafe(24), tenant=ISOLATION_TENANT)
    with contextlib.ExitStack() as stack:
        announce("badgegate: no engine_url given: starting the embedded stack on 127.0.0.1")
        server = stack.enter_context(
            EngineServer(
                clients=[primary, other],
                engine_db=config.engine_db,
                variants=variants,
                test_endpoints=True,
            )
        )
        # The harness owns this engine: writes to it are allowed whatever the profile.
        embedded = config.replace(
            engine_url=server.api_url,
            client_id=primary.client_id,
            client_secret=primary.client_secret,
            allow_writes=True,
            write_allowlist=(*config.write_allowlist, "127.0.0.1"),
        )
        client = stack.enter_context(BadgeEngineClient.from_config(embedded))
        isolation = stack.enter_context(
            BadgeEngineClient.from_config(
                embedded.replace(client_id=other.client_id, client_secret=other.client_secret)
            )
        )
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="badgegate-")))
        legacy_db = config.legacy_db or _seed_sample_legacy_db(folder / "legacy.sqlite3")
        run_id = _migrate_into(legacy_db, client, folder / "state")
        store = config.engine_db or "a temporary SQLite file"
        announce(
            f"badgegate: embedded badge-engine at {server.api_url} (store: {store}); legacy "
            f"database {describe_url(legacy_db)} migrated into it (run {run_id})"
        )
        yield Target(
            server.api_url,
            client,
            isolation,
            True,
            server.state_url,
            embedded,
            legacy_db=legacy_db,
            migration_run=run_id,
        )


def _seed_sample_legacy_db(path: Path) -> str:
    """Create a SQLite legacy database holding the fixed sample data set; return its URL."""
    from badgegate.legacy import create_tables, insert_dataset, legacy_engine, load_dataset
    from badgegate.paths import fixtures_dir

    url = f"sqlite:///{path}"
    engine = legacy_engine(url)
    try:
        create_tables(engine)
        insert_dataset(engine, load_dataset(fixtures_dir() / "legacy" / SAMPLE_DATASET))
    finally:
        engine.dispose()
    return url


def _migrate_into(legacy_db: str, client: BadgeEngineClient, state_dir: Path) -> str:
    """Run the reference migrator into the embedded engine; return the run id."""
    from badgegate.migrate import migrate

    summary = migrate(legacy_db, client, state_dir=state_dir)
    if summary.exit_code != ExitCode.OK:
        raise BadgegateError(
            "the embedded stack could not migrate its sample legacy data:\n" + summary.render()
        )
    return summary.run_id
