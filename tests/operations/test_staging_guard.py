"""Staging safety: writes never leave the process, requests are rate-capped, TLS settings apply."""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from badgegate.client import BadgeEngineClient
from badgegate.config import HarnessConfig
from badgegate.samples import sample_credential, sample_key, sample_valid_from
from badgegate.transport import Transport, WriteRefused
from badgegate.transport.guard import (
    STAGING_RATE_LIMIT,
    UNKNOWN_METHOD_PROBE,
    effective_rate_limit,
    staging_write_guard,
)

from .conftest import CountingServer

API = "/ims/ob/v3p0"


def _staging(server: CountingServer, **changes: object) -> HarnessConfig:
    return HarnessConfig(profile="staging", engine_url=server.url + API).replace(**changes)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_staging_write_is_refused_before_it_leaves_the_process(
    counting_server: CountingServer, method: str
) -> None:
    with Transport.from_config(_staging(counting_server)) as transport:
        with pytest.raises(WriteRefused, match="staging profile is read-only"):
            transport.send(method, counting_server.url + API + "/credentials", json={})
        transport.send("GET", counting_server.url + API + "/credentials")
    assert counting_server.requests == [("GET", API + "/credentials")]


@pytest.mark.parametrize("method", ["PROPFIND", "MKCOL", "COPY", "FOO"])
def test_the_staging_guard_is_an_allow_list(counting_server: CountingServer, method: str) -> None:
    """Any method but the safe ones (GET, HEAD, OPTIONS, TRACE and badgegate's own unknown
    probe token) counts as a write, known to HTTP or not."""
    with Transport.from_config(_staging(counting_server)) as transport:
        with pytest.raises(WriteRefused, match="staging profile is read-only"):
            transport.send(method, counting_server.url + API + "/credentials")
        for safe in ("TRACE", UNKNOWN_METHOD_PROBE, "OPTIONS", "HEAD"):
            transport.send(safe, counting_server.url + API + "/credentials")
    assert [method for method, _ in counting_server.requests] == [
        "TRACE",
        UNKNOWN_METHOD_PROBE,
        "OPTIONS",
        "HEAD",
    ]


def test_the_client_cannot_upsert_on_staging(counting_server: CountingServer) -> None:
    config = _staging(counting_server, engine_token="static-token-for-the-guard-test")
    with BadgeEngineClient.from_config(config) as client:
        key = sample_key("credential", "guard")
        credential = sample_credential(key, sample_valid_from(0))
        with pytest.raises(WriteRefused):
            client.upsert_credential(credential)
    assert counting_server.requests == []


def test_the_token_endpoint_is_exempt(counting_server: CountingServer) -> None:
    config = _staging(counting_server, client_id="qa", client_secret="secret-of-the-guard-test")
    with BadgeEngineClient.from_config(config) as client:
        client.list_credentials(limit=1)
    assert [method for method, _ in counting_server.requests] == ["POST", "GET"]
    assert counting_server.requests[0][1] == API + "/oauth/token"


@pytest.mark.parametrize(
    ("allow_writes", "allowlist", "sent"),
    [(True, ("127.0.0.1",), True), (True, (), False), (False, ("127.0.0.1",), False)],
    ids=["allowed-and-listed", "allowed-not-listed", "listed-not-allowed"],
)
def test_staging_writes_need_the_flag_and_the_host(
    counting_server: CountingServer, allow_writes: bool, allowlist: tuple[str, ...], sent: bool
) -> None:
    config = _staging(counting_server, allow_writes=allow_writes, write_allowlist=allowlist)
    with Transport.from_config(config) as transport, contextlib.suppress(WriteRefused):
        transport.send("POST", counting_server.url + API + "/credentials", json={})
    assert len(counting_server.requests) == (1 if sent else 0)


def test_no_guard_and_no_default_cap_off_staging(counting_server: CountingServer) -> None:
    config = HarnessConfig(engine_url=counting_server.url + API)
    with Transport.from_config(config) as transport:
        assert transport.write_guard is None and transport.rate_limiter is None
        transport.send("DELETE", counting_server.url + API + "/ext/migration-runs/r1")
    assert counting_server.requests == [("DELETE", API + "/ext/migration-runs/r1")]


def test_the_guard_ignores_the_query_when_matching_the_token_endpoint() -> None:
    guard = staging_write_guard(
        HarnessConfig(profile="staging"), exempt_urls=["http://h/oauth/token"]
    )
    assert guard is not None
    guard("POST", "http://h/oauth/token?x=1")
    with pytest.raises(WriteRefused):
        guard("POST", "http://h/oauth/token/../credentials")


def test_staging_is_rate_capped_by_default(counting_server: CountingServer) -> None:
    config = _staging(counting_server)
    assert effective_rate_limit(config) == STAGING_RATE_LIMIT
    assert effective_rate_limit(config.replace(rate_limit=2.0)) == 2.0
    count = int(STAGING_RATE_LIMIT) + 5  # the burst, then 5 more at the capped rate
    with Transport.from_config(config) as transport:
        started = time.monotonic()
        for _ in range(count):
            transport.send("GET", counting_server.url + API + "/discovery")
        elapsed = time.monotonic() - started
    assert len(counting_server.requests) == count
    assert elapsed >= 4.5 / STAGING_RATE_LIMIT, f"{count} requests took only {elapsed:.3f} s"


@pytest.fixture(scope="module")
def https_server(self_signed_certificate: tuple[Path, Path]) -> Iterator[tuple[str, Path]]:
    """A loopback HTTPS server with a self-signed certificate; yields its URL and the cert."""
    cert, key = self_signed_certificate
    with CountingServer() as server:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
        yield server.url.replace("http://", "https://"), cert


@pytest.mark.parametrize(
    ("settings", "trusted"),
    [({}, False), ({"ca_bundle": "CERT"}, True), ({"verify_tls": False}, True)],
    ids=["default-verifies", "ca-bundle", "verify-off"],
)
def test_ca_bundle_and_verify_tls_reach_the_transport(
    https_server: tuple[str, Path], settings: dict[str, object], trusted: bool
) -> None:
    url, cert = https_server
    values = {key: str(cert) if value == "CERT" else value for key, value in settings.items()}
    config = HarnessConfig(engine_url=url + API).replace(**values)
    with Transport.from_config(config) as transport:
        if trusted:
            assert transport.send("GET", url + API + "/discovery").status_code == 200
        else:
            with pytest.raises(requests.exceptions.SSLError):
                transport.send("GET", url + API + "/discovery")


def test_counting_server_sees_parallel_requests(counting_server: CountingServer) -> None:
    """The counting server itself must not lose requests, or the tests above prove nothing."""
    threads = [
        threading.Thread(target=requests.get, args=(counting_server.url + "/n",)) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(counting_server.requests) == 8
