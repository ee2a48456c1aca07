"""Failing safely: refused records up to ``--max-failures`` (exit 4), an unreachable engine
(exit 3, a clear message), a flaky engine (the run still completes with the right records)."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Any

import pytest

from badgegate import scopes
from badgegate.client import BadgeEngineClient
from badgegate.engine.server import EngineServer, TokenSpec
from badgegate.migrate import migrate

from .conftest import BADGES
from .support import (
    Target,
    badgegate,
    run_events,
    run_meta,
    spawn_migrate,
    tenant_token,
    wait_for_confirmed,
    without_issuer,
)


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_max_failures_stops_the_run_with_exit_4(
    sqlite_legacy: str, engine: EngineServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_credentials = [
        scope for scope in scopes.ALL_SCOPES if scope != scopes.CREDENTIAL_UPSERT
    ]
    monkeypatch.setenv("BADGEGATE_ENGINE_TOKEN", tenant_token(engine, without_credentials))
    monkeypatch.setenv("BADGEGATE_ENGINE_URL", engine.api_url)
    state_dir = tmp_path / "state"
    monkeypatch.setenv("BADGEGATE_STATE_DIR", str(state_dir))

    result = badgegate(
        "migrate",
        "--legacy-db",
        sqlite_legacy,
        "--max-failures",
        "3",
        "--batch-size",
        "20",
        "--workers",
        "1",
    )
    assert result.code == 4, result.out + result.err
    assert "aborted: " in result.out and "--max-failures 3" in result.out
    assert "engine answered 403" in result.out and "legacy badge '" in result.out
    (run_id,) = [path.name for path in (state_dir / "runs").iterdir()]
    assert run_meta(state_dir, run_id)["status"] == "aborted"
    failed = [e for e in run_events(state_dir, run_id) if e.get("outcome") == "failed"]
    assert len(failed) >= 3 and {event["kind"] for event in failed} == {"credential"}
    assert run_events(state_dir, run_id)[-1]["summary"]["badges"] < BADGES


def test_unreachable_engine_exits_3_with_what_to_do(sqlite_legacy: str, target: Target) -> None:
    url = f"http://127.0.0.1:{closed_port()}/ims/ob/v3p0"
    result = badgegate("migrate", "--legacy-db", sqlite_legacy, "--engine-url", url)
    assert result.code == 3
    assert f"engine at {url} refused the connection" in result.err
    assert "badgegate engine serve" in result.err and "Traceback" not in result.err
    rolled = badgegate("rollback", "--run", "any-run", "--engine-url", url)
    assert rolled.code == 3 and "refused the connection" in rolled.err


@pytest.mark.slow
def test_a_flaky_engine_still_gets_every_record(
    sqlite_legacy: str, tmp_path: Path, reference_state: dict[str, Any]
) -> None:
    with EngineServer(tokens=[TokenSpec("flaky-engine-token")], faults=["flaky"]) as flaky:
        target = Target(flaky.api_url, "flaky-engine-token", tmp_path / "state")
        with target.client() as client:
            summary = migrate(sqlite_legacy, client, state_dir=target.state_dir, batch_size=50)
        assert summary.status == "completed" and summary.badges == BADGES
        assert without_issuer(target.state()) == reference_state


def test_an_unreachable_legacy_database_exits_3_and_starts_no_run(
    target: Target, tmp_path: Path
) -> None:
    result = badgegate("migrate", "--legacy-db", f"sqlite:///{tmp_path / 'missing.sqlite3'}")
    assert result.code == 3, result.err
    assert "cannot reach the legacy database" in result.err
    assert not (target.state_dir / "runs").exists()
    assert not (tmp_path / "missing.sqlite3").exists()


def test_resume_without_an_unfinished_run_is_a_usage_error(
    sqlite_legacy: str, target: Target
) -> None:
    result = badgegate("migrate", "--legacy-db", sqlite_legacy, "--resume")
    assert result.code == 2
    assert "no unfinished run of this legacy database and engine tenant" in result.err


@pytest.mark.slow
def test_an_engine_lost_mid_run_exits_3_and_the_run_resumes(
    sqlite_legacy: str, tmp_path: Path, reference_state: dict[str, Any]
) -> None:
    token = "lost-engine-token"
    with EngineServer(tokens=[TokenSpec(token)]) as server:
        target = Target(server.api_url, token, tmp_path / "state")
        process = spawn_migrate(
            target, "--legacy-db", sqlite_legacy, "--run", "lost-engine", "--batch-size", "9"
        )
        try:
            wait_for_confirmed(process, target.state_dir / "runs" / "lost-engine" / "log.jsonl", 60)
            server.kill()
            out, err = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 3, out + err
        assert f"engine at {target.api_url}" in err and "Traceback" not in err
        assert run_meta(target.state_dir, "lost-engine")["status"] == "interrupted"

        server.start()
        target = Target(server.api_url, token, target.state_dir)
        with target.client() as client:
            summary = migrate(sqlite_legacy, client, state_dir=target.state_dir, resume=True)
        assert (summary.run_id, summary.status, summary.badges) == (
            "lost-engine",
            "completed",
            BADGES,
        )
        assert without_issuer(target.state()) == reference_state


def test_a_host_without_the_extension_api_stops_the_run_at_once(
    sqlite_legacy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain OB 3.0 Host has no /ext/*: the first 404 ends the run with exit 2 and the
    reason, instead of every record failing (or being retried) one by one."""
    token = "plain-host-" + uuid.uuid4().hex
    with EngineServer(tokens=[TokenSpec(token, tenant="learners")], variants=["plain"]) as plain:
        monkeypatch.setenv("BADGEGATE_ENGINE_TOKEN", token)
        monkeypatch.setenv("BADGEGATE_ENGINE_URL", plain.api_url)
        monkeypatch.setenv("BADGEGATE_STATE_DIR", str(tmp_path / "state"))
        result = badgegate("migrate", "--legacy-db", sqlite_legacy, "--workers", "1")
        served = BadgeEngineClient(plain.api_url, token=token).list_credentials().total
    assert result.code == 2, result.out + result.err
    assert "no badgegate extension API" in result.err + result.out
    assert "PUT /ext/achievements/{key}" in result.err + result.out
    # It stopped before its first credential: a badge's achievement is written first.
    assert served == 0
