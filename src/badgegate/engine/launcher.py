"""Running the engine under uvicorn on a loopback socket, announcing the URL once ready."""

from __future__ import annotations

import errno
import gc
import socket
import sys
from typing import Any

import uvicorn

from badgegate.engine.app import create_app
from badgegate.engine.context import EngineSettings
from badgegate.errors import ConfigError

READY_PREFIX = "badge-engine listening on "
#: Container allocations (net of frees) between two collections of the youngest generation:
#: above what a full batch (``badgegate.vocabulary.BATCH_LIMIT`` records) keeps alive at once
#: (the default is 700).
YOUNG_COLLECTION_THRESHOLD = 50_000


class _AnnouncingServer(uvicorn.Server):  # type: ignore[misc]
    """A uvicorn server that prints the ready line once its socket is serving."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(READY_PREFIX + self.url, flush=True)


def _settle_heap() -> None:
    """Move what start-up allocated out of the collector's sight, and collect less often.

    FastAPI, pydantic and SQLAlchemy leave a large, immortal heap; a batch allocates tens of
    thousands of short-lived objects, and every full collection would walk that heap again.
    (No collection first: it would cost a fifth of a second of every start.) Those objects
    are freed by reference counting when the request ends; at the default threshold the
    young generation would be collected a dozen times per batch and the survivors walked
    again in the older ones, for no garbage.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


def _listen(host: str, port: int) -> socket.socket:
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port must be 0 to 65535 (0 picks a free port), got {port}")
    # An explicit IPPROTO_TCP makes asyncio set TCP_NODELAY on accepted connections.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {port} on {host} is already in use; pick another with --port, "
                "or --port 0 for a free one"
            ) from None
        raise ConfigError(
            f"cannot listen on {host}:{port} ({error.strerror or error}); --host must be an "
            "address of this machine, e.g. 127.0.0.1"
        ) from None
    return listener


def serve(
    settings: EngineSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    tls_cert: str | None = None,
    tls_key: str | None = None,
) -> None:
    """Serve the engine until interrupted; ``port=0`` picks a free port.

    Raises :class:`ConfigError` (exit 2) for a port outside 0..65535, a busy port or an address
    this machine does not have, naming the option to change.
    """
    listener = _listen(host, port)
    bound_port = listener.getsockname()[1]
    scheme = "https" if tls_cert else "http"
    shown_host = f"[{host}]" if ":" in host else host
    options: dict[str, Any] = {
        "access_log": False,
        "log_level": "warning",
        "lifespan": "on",
        "timeout_graceful_shutdown": 5,
    }
    if tls_cert:
        options.update(ssl_certfile=tls_cert, ssl_keyfile=tls_key)
    config = uvicorn.Config(create_app(settings), **options)
    _settle_heap()
    server = _AnnouncingServer(config, f"{scheme}://{shown_host}:{bound_port}{settings.api_base}")
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()
        sys.stdout.flush()
