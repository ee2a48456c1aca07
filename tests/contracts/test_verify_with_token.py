"""`contracts verify --engine-token-file`: the given token replaces the pacts' recorded bearer
tokens (and the provider state that made them) except where an interaction shows a refusal."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegate.contracts import committed_pacts_dir
from badgegate.contracts.replay import plan_replay
from badgegate.contracts.states import CLIENT_HOLDS_TOKEN
from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.errors import ExitCode
from badgegate.stack import STATE_PATH
from tests.operations.conftest import run_badgegate

GIVEN = "given-" + secrets.token_urlsafe(12)
BAD_LIMIT = "a read of credentials with a limit above 1000"
UNKNOWN_ACHIEVEMENT = "a get of an unknown achievement"
DISCOVERY = "a read of the service description"


def _replayed(folder: Path, token: str | None) -> list[dict[str, object]]:
    plan = plan_replay([committed_pacts_dir()], token=token)
    folder.mkdir()
    written = plan.write(folder, base_path="/ims/ob/v3p0")
    return [i for path in written for i in json.loads(path.read_text())["interactions"]]


def _bearer(interaction: dict[str, object]) -> str | None:
    headers = dict(interaction["request"]).get("headers") or {}  # type: ignore[call-overload]
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    value = value[0] if isinstance(value, list) else value
    return value.removeprefix("Bearer ") if value and value.startswith("Bearer ") else None


def _token_states(interaction: dict[str, object]) -> list[object]:
    states = interaction.get("providerStates") or []
    return [s for s in states if s["name"] == CLIENT_HOLDS_TOKEN]  # type: ignore[attr-defined, index]


def test_the_given_token_replaces_recorded_bearer_tokens_but_not_refusals(
    tmp_path: Path,
) -> None:
    recorded = _replayed(tmp_path / "recorded", None)
    given = _replayed(tmp_path / "given", GIVEN)
    assert [i["description"] for i in recorded] == [i["description"] for i in given]
    replaced = 0
    for before, after in zip(recorded, given, strict=True):
        refusal = dict(before["response"])["status"] in (401, 403)  # type: ignore[call-overload]
        if _bearer(before) is None or refusal:
            assert after == before, f"{before['description']!r} must be replayed as recorded"
            continue
        replaced += 1
        assert _bearer(after) == GIVEN and not _token_states(after)
        others = [s for s in before.get("providerStates") or [] if s not in _token_states(before)]  # type: ignore[attr-defined]
        assert after["providerStates"] == others
    assert replaced >= 15
    kept = [i for i in given if _bearer(i) not in (None, GIVEN)]
    assert [i["description"] for i in kept] == ["a put of an achievement without the upsert scope"]


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineServer]:
    """The reference engine with its provider-state endpoint and the given token."""
    with EngineServer(test_endpoints=True, tokens=[TokenSpec(GIVEN)]) as server:
        yield server


def _verify(engine: EngineServer, tmp_path: Path, token: str, *extra: str) -> dict[str, object]:
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n", encoding="utf-8")
    result = run_badgegate(
        [
            *("contracts", "verify", "--pacts", str(committed_pacts_dir())),
            *("--engine-url", engine.api_url, "--engine-token-file", str(token_file)),
            *("--report-dir", str(tmp_path / "reports"), *extra),
        ],
        cwd=tmp_path,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert token not in result.stdout + result.stderr
    report_file = tmp_path / "reports" / "contracts" / "verification.json"
    assert token not in report_file.read_text(encoding="utf-8")
    report = dict(json.loads(report_file.read_text(encoding="utf-8")))
    report["exit"] = result.returncode
    return report


@pytest.mark.slow
def test_every_pact_passes_with_the_given_token(engine: EngineServer, tmp_path: Path) -> None:
    report = _verify(engine, tmp_path, GIVEN, f"--state-url={engine.root_url}{STATE_PATH}")
    assert report["exit"] == ExitCode.OK and report["passed"], report["output"]


@pytest.mark.slow
def test_with_a_token_a_read_needing_only_a_token_is_state_free(
    engine: EngineServer, tmp_path: Path
) -> None:
    report = _verify(engine, tmp_path, GIVEN, "--only-state-free")
    assert report["exit"] == ExitCode.OK, report["output"]
    described = {i["description"] for i in report["interactions"]}  # type: ignore[attr-defined]
    assert {BAD_LIMIT, UNKNOWN_ACHIEVEMENT, DISCOVERY} <= described

    # A token the target does not know is what is replayed: those interactions now fail.
    unknown = "unknown-" + secrets.token_urlsafe(12)
    refused = _verify(engine, tmp_path, unknown, "--only-state-free")
    assert refused["exit"] == ExitCode.FAILED
    failed = {i["description"] for i in refused["interactions"] if not i["passed"]}  # type: ignore[attr-defined]
    assert failed == described - {DISCOVERY}


def test_a_token_file_without_an_engine_url_is_refused(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(GIVEN, encoding="utf-8")
    result = run_badgegate(
        ["contracts", "verify", "--engine-token-file", str(token_file)], cwd=tmp_path
    )
    assert result.returncode == ExitCode.USAGE
    assert "--engine-url" in result.stderr and "Traceback" not in result.stderr
