"""What the migrator's end-to-end tests share: tenants, the CLI in and out of process, run logs."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from badgegate.cli import main
from badgegate.client import BadgeEngineClient
from badgegate.engine.server import EngineServer
from badgegate.legacy import legacy_engine, read_snapshot

STATE_PATH = "/_badgegate/provider-states"
WAIT_SECONDS = 120.0
RUN_ID = re.compile(r"migration (?:dry )?run (\S+) ")


def tenant_token(server: EngineServer, scopes: Any = "all") -> str:
    """Register a bearer token with ``scopes`` in a tenant no other test uses; return it."""
    token = f"migrate-{uuid.uuid4().hex}"
    params = {
        "client": "nobody",
        "token": token,
        "scopes": scopes,
        "tenant": f"tenant-{uuid.uuid4().hex[:12]}",
    }
    body = {"state": "client C holds token T with scopes S", "params": params, "action": "setup"}
    answer = requests.post(server.root_url + STATE_PATH, json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    return token


@dataclass
class Target:
    """One test's engine tenant: its URL and token, a client, and a state folder."""

    api_url: str
    token: str
    state_dir: Path

    def client(self) -> BadgeEngineClient:
        """A client of this tenant."""
        return BadgeEngineClient(self.api_url, token=self.token)

    def state(self) -> dict[str, dict[str, Any]]:
        """Every record the tenant serves, by kind and id (duplicates would fail here)."""
        with self.client() as client:
            served: dict[str, dict[str, Any]] = {}
            for kind, records in (
                ("achievement", client.iter_achievements()),
                ("progress", client.iter_progress()),
                ("credential", client.iter_credentials()),
            ):
                served[kind] = {}
                for record in records:
                    assert isinstance(record, dict)
                    assert record["id"] not in served[kind], f"duplicate {kind} {record['id']}"
                    served[kind][record["id"]] = record
        return served

    def env(self) -> dict[str, str]:
        """The environment of a ``badgegate`` subprocess talking to this tenant."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("BADGEGATE_")}
        return base | {
            "BADGEGATE_ENGINE_TOKEN": self.token,
            "BADGEGATE_STATE_DIR": str(self.state_dir),
        }


@dataclass
class CliResult:
    """Exit code and output of one in-process ``badgegate`` invocation."""

    code: int
    out: str
    err: str


def badgegate(*args: str) -> CliResult:
    """Run ``badgegate ARGS`` in this process, capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


def spawn_migrate(target: Target, *args: str) -> subprocess.Popen[str]:
    """Start ``python -m badgegate migrate ARGS`` as a child process."""
    return subprocess.Popen(
        [sys.executable, "-m", "badgegate", "migrate", "--engine-url", target.api_url, *args],
        env=target.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_meta(state_dir: Path, run_id: str) -> dict[str, Any]:
    """The ``run.json`` of a run."""
    meta: dict[str, Any] = json.loads((state_dir / "runs" / run_id / "run.json").read_text())
    return meta


def run_events(state_dir: Path, run_id: str) -> list[dict[str, Any]]:
    """The complete events of a run's log."""
    path = state_dir / "runs" / run_id / "log.jsonl"
    if not path.exists():
        return []
    return [
        json.loads(line)
        for line in path.read_text().splitlines(keepends=True)
        if line.endswith("\n")
    ]


def change_legacy(url: str, *statements: sa.Executable) -> None:
    """Change a legacy database as the team's backend would, in one transaction."""
    engine = legacy_engine(url)
    try:
        with engine.connect() as connection, connection.begin():
            for statement in statements:
                connection.execute(statement)
    finally:
        engine.dispose()


def legacy_rows(url: str, statement: sa.Select[Any]) -> list[dict[str, Any]]:
    """Rows of a query on a legacy database."""
    with read_snapshot(url) as connection:
        return [dict(row) for row in connection.execute(statement).mappings()]


def without_issuer(state: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """An engine state with credential issuers blanked and proofs left out (each tenant has its
    own Profile and signs with its own key)."""
    credentials = {
        rid: {**unsigned(doc), "issuer": None} for rid, doc in state["credential"].items()
    }
    return {**state, "credential": credentials}


def unsigned(document: dict[str, Any]) -> dict[str, Any]:
    """A served credential without its proof (the data the mapping made)."""
    return {name: value for name, value in document.items() if name != "proof"}


def run_id_of(output: str) -> str:
    """The run id a ``badgegate migrate`` printed in its summary."""
    found = RUN_ID.search(output)
    assert found, output
    return found.group(1)


def wait_for_confirmed(process: subprocess.Popen[str], log: Path, records: int) -> None:
    """Return once ``log`` holds ``records`` confirmed records (0: once the run has started)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        text = log.read_bytes() if log.exists() else b""
        if b'"event":"start"' in text and text.count(b'"event":"record"') >= records:
            return
        if process.poll() is not None:
            _, err = process.communicate()
            pytest.fail(f"migrate exited {process.returncode} before {records} records: {err}")
        time.sleep(0.002)  # polling the log file, not waiting for time to pass
    pytest.fail(f"the run log did not reach {records} records in {WAIT_SECONDS:.0f} s")
