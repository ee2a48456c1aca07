"""No secret reaches any output of a run of every suite: console, JUnit, JSON, Allure, logs."""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegate.engine.server import ClientSpec, EngineServer, TokenSpec
from badgegate.stack import ISOLATION_TENANT, PRIMARY_TENANT, STATE_PATH

from .conftest import run_badgegate

pytestmark = pytest.mark.slow
TOKEN = "leak-canary-token-3f9a1c7e5b"
ISOLATION_TOKEN = "leak-canary-isolation-8d2e4a6c"
CLIENT_ID = "leak-canary-client"
CLIENT_SECRET = "leak-canary-secret-b71f03d9"


def _forms(secret: str) -> set[str]:
    """The ways a secret can appear in text: as is, URL-encoded, in a Basic credential."""
    return {secret, urllib.parse.quote_plus(secret)}


CANARIES = {
    "engine token": _forms(TOKEN),
    "isolation token": _forms(ISOLATION_TOKEN),
    "client secret": _forms(CLIENT_SECRET)
    | {base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()},
}


def _hits(name: str, text: str) -> Iterator[str]:
    for label, forms in CANARIES.items():
        for number, line in enumerate(text.splitlines(), 1):
            if any(form in line for form in forms):
                yield f"{name}:{number}: the {label}"


def _files(folder: Path) -> Iterator[Path]:
    return (path for path in sorted(folder.rglob("*")) if path.is_file())


def test_every_suite_keeps_every_secret_out_of_every_output(tmp_path: Path) -> None:
    clients = [ClientSpec(CLIENT_ID, CLIENT_SECRET, tenant=PRIMARY_TENANT)]
    tokens = [
        TokenSpec(TOKEN, tenant=PRIMARY_TENANT),
        TokenSpec(ISOLATION_TOKEN, tenant=ISOLATION_TENANT),
    ]
    with EngineServer(clients=clients, tokens=tokens, test_endpoints=True) as server:
        result = run_badgegate(
            [
                *(
                    "run",
                    "--engine-url",
                    server.api_url,
                    "--state-url",
                    server.root_url + STATE_PATH,
                ),
                *(
                    "--report-dir",
                    str(tmp_path / "reports"),
                    "--state-dir",
                    str(tmp_path / "state"),
                ),
                # Debug logs of every request (curl reproductions included) go into the
                # captured logs that the console and the Allure results show.
                *("--", "--log-level=DEBUG", "-rA"),
            ],
            cwd=tmp_path,
            env={
                "BADGEGATE_ENGINE_TOKEN": TOKEN,
                "BADGEGATE_ISOLATION_TOKEN": ISOLATION_TOKEN,
                "BADGEGATE_CLIENT_ID": CLIENT_ID,
                "BADGEGATE_CLIENT_SECRET": CLIENT_SECRET,
            },
        )
    console = result.stdout + result.stderr
    assert result.returncode in (0, 1), console[-3000:]
    outputs = {"console": console}
    for path in _files(tmp_path):
        outputs[str(path.relative_to(tmp_path))] = path.read_text(
            encoding="utf-8", errors="replace"
        )
    written = [name for name in outputs if name != "console"]
    assert "reports/junit.xml" in written
    assert any(name.startswith("reports/allure-results/") for name in written)
    # The grep saw real traffic: request logs with their (masked) curl reproductions.
    assert any("reproduce with: curl" in text for text in outputs.values())
    hits = [hit for name, text in outputs.items() for hit in _hits(name, text)]
    assert not hits, "secrets leaked into outputs:\n" + "\n".join(hits[:50])
