"""The ``badgegate engine`` commands, the clients file and the extension JSON Schemas."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest

from badgegate.cli import main
from badgegate.engine.auth.clients import parse_client_option, read_clients_file
from badgegate.engine.faults.catalogue import CATALOGUE
from badgegate.engine.model.datetimes import instant_key
from badgegate.samples import sample_achievement, sample_credential, sample_progress
from badgegate.scopes import ALL_SCOPES, CREDENTIAL_READONLY, MIGRATION_ADMIN

if TYPE_CHECKING:
    from tests.engine.conftest import Caller

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "badgegate"


def schema(name: str) -> jsonschema.Draft201909Validator:
    """The validator of ``schemas/badgegate/<name>.schema.json``."""
    document = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator.check_schema(document)
    return jsonschema.Draft201909Validator(document)


def test_engine_faults_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["engine", "faults"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(CATALOGUE)
    for fault, line in zip(CATALOGUE, lines, strict=True):
        assert line.startswith(fault.name)
        assert fault.description in line


def test_unknown_fault_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["engine", "serve", "--port", "0", "--fault", "gremlins"]) == 2
    assert "known faults" in capsys.readouterr().err


def test_serve_prints_one_ready_line_with_a_client_option(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "badgegate.engine",
        "serve",
        "--port",
        "0",
        "--engine-db",
        str(tmp_path / "engine.sqlite3"),
        "--client",
        f"cli-client:cli-secret:{CREDENTIAL_READONLY}:cli-tenant",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("badge-engine listening on http://127.0.0.1:")
        assert line.rstrip().endswith("/ims/ob/v3p0")
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.stdout.read() == ""


@pytest.mark.parametrize(
    ("text", "scopes", "tenant"),
    [
        ("a:b:all", ALL_SCOPES, "default"),
        ("a:b:all:t1", ALL_SCOPES, "t1"),
        (f"a:b:{CREDENTIAL_READONLY}", (CREDENTIAL_READONLY,), "default"),
        (
            f"a:b:{CREDENTIAL_READONLY},{MIGRATION_ADMIN}:t2",
            (CREDENTIAL_READONLY, MIGRATION_ADMIN),
            "t2",
        ),
        (f"a:b:{MIGRATION_ADMIN}", (MIGRATION_ADMIN,), "default"),
    ],
)
def test_client_option(text: str, scopes: tuple[str, ...], tenant: str) -> None:
    client = parse_client_option(text)
    assert (client.client_id, client.client_secret) == ("a", "b")
    assert client.scopes == scopes
    assert client.tenant == tenant


@pytest.mark.parametrize("text", ["a", "a:b", "a:b:", "a:b:urn:nope"])
def test_bad_client_option(text: str) -> None:
    with pytest.raises(ValueError):
        parse_client_option(text)


def test_clients_file(tmp_path: Path) -> None:
    path = tmp_path / "clients.json"
    document = {
        "clients": [{"client_id": "c", "client_secret": "s", "scopes": "all", "tenant": "t"}],
        "tokens": [{"token": "x", "scopes": [CREDENTIAL_READONLY]}],
    }
    path.write_text(json.dumps(document))
    clients, tokens = read_clients_file(path)
    assert clients[0].scopes == ALL_SCOPES and clients[0].tenant == "t"
    assert tokens[0].scopes == (CREDENTIAL_READONLY,) and tokens[0].tenant == "default"
    path.write_text('{"clients": [{"client_secret": "s"}]}')
    with pytest.raises(ValueError, match="clients file"):
        read_clients_file(path)


@pytest.mark.parametrize(
    "uri", ["wallet.example/cb", "https://wallet.example/cb#frag", "javascript:alert(1)", 7]
)
def test_clients_file_redirect_uris_are_checked_as_registered_ones(
    tmp_path: Path, uri: object
) -> None:
    path = tmp_path / "clients.json"
    client = {"client_id": "c", "client_secret": "s", "redirect_uris": [uri]}
    path.write_text(json.dumps({"clients": [client]}))
    with pytest.raises(ValueError, match="redirect URI"):
        read_clients_file(path)
    client["redirect_uris"] = ["https://wallet.example/cb?app=1"]
    path.write_text(json.dumps({"clients": [client]}))
    assert read_clients_file(path)[0][0].redirect_uris == ("https://wallet.example/cb?app=1",)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000000000000"),
        ("2024-01-01T02:00:00.5+02:00", "2024-01-01T00:00:00.500000000000"),
        ("2023-12-31T23:59:60Z", "2023-12-31T23:59:59.999999999999"),
        ("2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:00.123456789000"),
    ],
)
def test_instant_keys_sort_like_instants(text: str, key: str) -> None:
    assert instant_key(text) == key


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-01",
        "2024-01-01T00:00:00",
        "2024-02-30T00:00:00Z",
        "2024-01-01T00:00:00+24:00",
        "2024-01-01 00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        1700000000,
        None,
    ],
)
def test_invalid_instants(text: Any) -> None:
    assert instant_key(text) is None


def test_progress_schema_accepts_what_the_engine_accepts() -> None:
    validator = schema("progress-record")
    key = str(uuid.uuid4())
    record = sample_progress(key)
    assert not list(validator.iter_errors(record))
    assert not list(validator.iter_errors({**record, "credential": f"urn:uuid:{key}", "x": 1}))
    for broken in (
        {**record, "progress": "1"},
        {**record, "requirements": [{"id": "x"}]},
        {k: v for k, v in record.items() if k != "legacy"},
    ):
        assert list(validator.iter_errors(broken))


def test_served_extension_answers_match_their_schemas(caller: Caller) -> None:
    key = str(uuid.uuid4())
    operations = [
        {"kind": "achievement", "key": key, "record": sample_achievement(key)},
        {"kind": "progress", "key": key, "record": sample_progress(key)},
        {"kind": "credential", "record": sample_credential(str(uuid.uuid4()))},
        {"kind": "credential", "record": {"broken": True}},
    ]
    request = {"operations": operations}
    assert not list(schema("batch-request").iter_errors(request))
    headers = {"X-Badgegate-Run": "schema-run"}
    batch = caller.post("/ext/batch", json=request, headers=headers).json()
    assert not list(schema("batch-response").iter_errors(batch))
    summary = caller.get("/ext/migration-runs/schema-run").json()
    assert not list(schema("migration-run").iter_errors(summary))
    rollback = caller.delete("/ext/migration-runs/schema-run").json()
    assert not list(schema("migration-run-rollback").iter_errors(rollback))


def test_tls_serves_https(self_signed_certificate: tuple[Path, Path]) -> None:
    import requests

    from badgegate.engine.server import EngineServer

    cert, key = self_signed_certificate
    with EngineServer(extra_args=["--tls-cert", str(cert), "--tls-key", str(key)]) as server:
        assert server.api_url.startswith("https://127.0.0.1:")
        answer = requests.get(server.api_url + "/discovery", verify=str(cert), timeout=30)
        assert answer.json()["servers"][0]["url"] == server.api_url
