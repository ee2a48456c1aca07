"""Fixtures shared by the harness's own tests: the official oracles and a fresh PostgreSQL."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from socketserver import BaseRequestHandler

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``shared/`` folder beside the checkout, holding the official OB 3.0 oracles."""
    if not (SHARED_DIR / "ob3-official").is_dir():
        pytest.skip(
            f"the official OB 3.0 oracles are not at {SHARED_DIR / 'ob3-official'}; "
            "check out the project beside its shared/ folder to run this test"
        )
    return SHARED_DIR


@contextlib.contextmanager
def _fresh_database() -> Iterator[str]:
    from badgegate.errors import TargetUnreachable
    from badgegate.testing.scratch_db import scratch_database

    try:
        with scratch_database("test") as url:
            yield url
    except TargetUnreachable as error:
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, as a SQLAlchemy URL; dropped after."""
    with _fresh_database() as url:
        yield url


@pytest.fixture
def fresh_pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, as a SQLAlchemy URL; dropped after."""
    with _fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def self_signed_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files), made with openssl."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed; it makes the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


ServeOnLoopback = Callable[[Callable[..., BaseRequestHandler]], str]


@pytest.fixture
def serve_on_loopback() -> Iterator[ServeOnLoopback]:
    """Start an ``http.server`` handler on a free loopback port; returns its base URL.

    Every server started this way stops when the test ends.
    """
    servers: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def serve(handler: Callable[..., BaseRequestHandler]) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join()
