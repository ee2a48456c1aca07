"""``EngineServer``: the reference engine as a child process on a free loopback port.

Clients and tokens travel in a 0600 temporary clients file, never on the command line. The
server is ready when the process prints its ready line; no polling, no sleeps.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from badgegate.engine.auth.clients import ClientSpec, TokenSpec, clients_document
from badgegate.engine.launcher import READY_PREFIX
from badgegate.engine.routes.state_routes import STATE_PATH
from badgegate.engine.variants import PLAIN
from badgegate.errors import TargetUnreachable

__all__ = ["ClientSpec", "EngineServer", "TokenSpec"]
READY_TIMEOUT = 60.0


class EngineServer:
    """Start ``python -m badgegate.engine serve --port 0 …`` and stop it again.

    Use as a context manager. ``engine_db=None`` means a SQLite file in a temporary folder
    that lives as long as this object (so :meth:`restart` keeps the data). ``faults`` and
    ``variants`` name entries of the fault and variant catalogues (``--fault``, ``--variant``).
    """

    def __init__(
        self,
        *,
        clients: Sequence[ClientSpec] = (),
        tokens: Sequence[TokenSpec] = (),
        engine_db: str | None = None,
        faults: Sequence[str] = (),
        variants: Sequence[str] = (),
        test_endpoints: bool = False,
        token_ttl: int | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="badge-engine-")
        folder = Path(self._folder.name)
        self.engine_db = engine_db or str(folder / "engine.sqlite3")
        self._clients_file = folder / "clients.json"
        descriptor = os.open(self._clients_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(clients_document(clients, tokens), handle)
        self._stderr_path = folder / "engine.stderr"
        # The plain variant serves no provider states, whatever the test endpoints say.
        serves_states = test_endpoints and PLAIN not in variants
        self._serves_states = serves_states
        self._args = [
            "--engine-db",
            self.engine_db,
            "--clients-file",
            str(self._clients_file),
            *(arg for name in faults for arg in ("--fault", name)),
            *(arg for name in variants for arg in ("--variant", name)),
            *(["--test-endpoints"] if serves_states else []),
            *(["--token-ttl", str(token_ttl)] if token_ttl is not None else []),
            *extra_args,
        ]
        self.process: subprocess.Popen[str] | None = None
        self.api_url = ""
        self.root_url = ""

    def start(self) -> EngineServer:
        """Start the process and wait for its ready line (``TargetUnreachable`` on failure)."""
        command = [sys.executable, "-m", "badgegate.engine", "serve", "--port", "0", *self._args]
        stderr = self._stderr_path.open("ab")
        try:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True
            )
        finally:
            stderr.close()
        assert self.process.stdout is not None
        line = _first_line(self.process.stdout, READY_TIMEOUT)
        if line is None or not line.startswith(READY_PREFIX):
            self.kill()
            raise TargetUnreachable(
                f"badge-engine did not become ready within {READY_TIMEOUT:.0f} s "
                f"(first output {line!r}); its stderr:\n{self.stderr()}"
            )
        self.api_url = line[len(READY_PREFIX) :].strip()
        self.root_url = self.api_url.split("/ims/", 1)[0]
        return self

    @property
    def state_url(self) -> str | None:
        """The provider-state endpoint, or ``None`` when the engine serves none (no test
        endpoints, or the plain variant)."""
        return self.root_url + STATE_PATH if self._serves_states and self.root_url else None

    def stderr(self) -> str:
        """What the engine wrote to stderr so far."""
        try:
            return self._stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the engine gracefully (SIGTERM), killing it if it does not exit in time."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close()

    def kill(self) -> None:
        """Kill the engine at once (SIGKILL), as a crash would."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._close()

    def restart(self) -> EngineServer:
        """Stop (if running) and start on the same database and clients; the port may change."""
        self.stop()
        return self.start()

    def _close(self) -> None:
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> EngineServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
        self._folder.cleanup()


def _first_line(stream: IO[str], timeout: float) -> str | None:
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True)
    reader.start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None
