"""No secret reaches any output of a failing run of every suite: console, JUnit, JSON, Allure
results and the built HTML report, in any encoding.

The engine is reached with a five-character client secret and a five-character token, and it
carries faults, so every suite fails and prints what it prints when it fails: Hypothesis's
falsifying examples (which show the fixtures, the harness config among them), assertion text,
curl reproductions and the exchanges attached to Allure.
"""

from __future__ import annotations

import base64
import json
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegate.client import BadgeEngineClient
from badgegate.engine.server import ClientSpec, EngineServer, TokenSpec
from badgegate.errors import ExitCode
from badgegate.samples import sample_credential, sample_key
from badgegate.stack import ISOLATION_TENANT, PRIMARY_TENANT, STATE_PATH

from .conftest import run_badgegate

pytestmark = pytest.mark.slow
CLIENT_ID = "leak-canary-client"
# Five characters each; the secret has a quote, a slash and a plus, so its raw, URL-encoded,
# JSON-escaped and base64 forms all differ.
CLIENT_SECRET = 'k/"+Q'
TOKEN = "x9+/q"
# One fault per suite: integrity (nfd), schema (drop-required-field, on a credential the test
# stores first), fuzz and contracts (non-imsx-error), smoke (no-www-authenticate).
FAULTS = ("nfd", "drop-required-field", "non-imsx-error", "no-www-authenticate")
# Each failing migration of the integrity suite is shrunk by Hypothesis; one live test on SQLite
# shows a falsifying example in a few seconds, the others would add minutes and no new output.
DESELECT = "not test_runs and not postgresql"


def _forms(secret: str) -> set[str]:
    """The ways a secret can appear in text: raw, URL-encoded, JSON-escaped, base64."""
    encoded = secret.encode()
    return {
        secret,
        urllib.parse.quote_plus(secret),
        urllib.parse.quote(secret, safe=""),
        json.dumps(secret)[1:-1],
        base64.b64encode(encoded).decode(),
        base64.b64encode(encoded).decode().rstrip("="),
        base64.urlsafe_b64encode(encoded).decode().rstrip("="),
    }


CANARIES = {
    "token": _forms(TOKEN),
    "client secret": _forms(CLIENT_SECRET)
    | {base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()},
}


def _hits(name: str, text: str) -> Iterator[str]:
    for label, forms in CANARIES.items():
        for number, line in enumerate(text.splitlines(), 1):
            for form in forms:
                if form in line:
                    yield f"{name}:{number}: the {label} as {form!r}: {line.strip()[:200]}"


def _files(folder: Path) -> Iterator[Path]:
    return (path for path in sorted(folder.rglob("*")) if path.is_file())


def _report_tools() -> bool:
    return all(shutil.which(tool) for tool in ("node", "npm", "java"))


def test_failing_suites_keep_short_secrets_out_of_every_output(tmp_path: Path) -> None:
    if not _report_tools():
        pytest.skip(
            "node, npm and java are needed to build the HTML report (.ci/run installs them)"
        )
    clients = [ClientSpec(CLIENT_ID, CLIENT_SECRET, tenant=PRIMARY_TENANT)]
    tokens = [TokenSpec(TOKEN, tenant=ISOLATION_TENANT)]
    reports = tmp_path / "reports"
    env = {
        "BADGEGATE_ISOLATION_TOKEN": TOKEN,
        "BADGEGATE_CLIENT_ID": CLIENT_ID,
        "BADGEGATE_CLIENT_SECRET": CLIENT_SECRET,
    }
    with EngineServer(clients=clients, tokens=tokens, faults=FAULTS, test_endpoints=True) as server:
        with BadgeEngineClient(
            server.api_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        ) as client:
            client.upsert_credential(sample_credential(sample_key("credential", "leak-canary")))
        run = run_badgegate(
            [
                *("run", "--engine-url", server.api_url),
                *("--state-url", server.root_url + STATE_PATH),
                *("--report-dir", str(reports), "--state-dir", str(tmp_path / "state")),
                # Debug logs of every request (curl reproductions included) go into the
                # captured logs that the console and the Allure results show.
                *("--", "--log-level=DEBUG", "-rA", "-k", DESELECT),
            ],
            cwd=tmp_path,
            env=env,
        )
    console = run.stdout + run.stderr
    assert run.returncode == ExitCode.FAILED, console[-3000:]
    built = run_badgegate(["report", "--report-dir", str(reports)], cwd=tmp_path, env=env)
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    console += built.stdout + built.stderr
    outputs = {"console": console}
    for path in _files(tmp_path):
        outputs[str(path.relative_to(tmp_path))] = path.read_text(
            encoding="utf-8", errors="replace"
        )
    written = [name for name in outputs if name != "console"]
    assert "reports/junit.xml" in written
    assert any(name.startswith("reports/allure-results/") for name in written)
    assert "reports/allure-report/index.html" in written
    assert any(name.startswith("reports/allure-report/data/test-cases/") for name in written)
    # The search saw what a failure shows: every suite failed, Hypothesis printed a falsifying
    # example with the fixtures, and requests were logged with their curl reproductions.
    junit = outputs["reports/junit.xml"]
    failed = {
        line.split("suites/")[1].split("/")[0]
        for line in console.splitlines()
        if line.startswith("FAILED ") and "suites/" in line
    }
    assert failed == {"smoke", "schema", "contracts", "fuzz", "integrity"}, console[-3000:]
    assert "<failure" in junit
    assert "Failing test case: test_migrated_badges_read_back_as_the_legacy_rows(" in console
    # Fixtures are labelled in the failing test case, not printed (the data is what matters).
    assert "writable_target=<fixture Target>" in console
    assert any("reproduce with: curl" in text for text in outputs.values())
    hits = [hit for name, text in outputs.items() for hit in _hits(name, text)]
    assert not hits, "secrets leaked into outputs:\n" + "\n".join(hits[:50])
