"""``badgegate reconcile`` on the command line: exit codes, summary table, report file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from badgegate.cli import main
from badgegate.client import BadgeEngineClient
from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.legacy.dataset import LegacyDataset


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch,
    engine: EngineServer,
    tenant_specs: list[ClientSpec],
    client: BadgeEngineClient,
    tmp_path: Path,
) -> BadgeEngineClient:
    """Point the CLI's environment at the test's tenant."""
    spec = next(
        s for s in tenant_specs if client.tokens is not None and f"'{s.client_id}'" in repr(client)
    )
    monkeypatch.setenv("BADGEGATE_ENGINE_URL", engine.api_url)
    monkeypatch.setenv("BADGEGATE_CLIENT_ID", spec.client_id)
    monkeypatch.setenv("BADGEGATE_CLIENT_SECRET", spec.client_secret)
    monkeypatch.setenv("BADGEGATE_STATE_DIR", str(tmp_path / "state"))
    return client


def test_agreeing_sides_exit_0_with_the_summary_table(
    cli_env: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_engine(cli_env, seeded_dataset)
    out = tmp_path / "report.json"
    assert main(["reconcile", "--legacy-db", legacy_db, "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "reconcile agree: 60 legacy badges" in printed.out
    assert "COMPLETED" in printed.out and "missing" in printed.out
    assert json.loads(out.read_text())["status"] == "agree"
    import os

    assert os.environ["BADGEGATE_CLIENT_SECRET"] not in printed.out + printed.err


def test_progress_lines_on_a_pipe_say_reconciling(
    cli_env: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_engine(cli_env, seeded_dataset)
    assert main(["reconcile", "--legacy-db", legacy_db, "--out", str(tmp_path / "r.json")]) == 0
    printed = capsys.readouterr()
    lines = printed.err.splitlines()
    assert "reconciling 60 badges (0 already confirmed)" in lines
    assert "60/60 badges" in lines[-1]
    assert "migrating" not in printed.err


def test_differences_exit_1_after_a_counted_second_look(
    cli_env: BadgeEngineClient,
    legacy_db: str,
    seeded_dataset: LegacyDataset,
    load_engine: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_engine(cli_env, LegacyDataset(seeded_dataset.badges[1:], seeded_dataset.requirements[:0]))
    assert main(["reconcile", "--legacy-db", legacy_db, "--out", str(tmp_path / "r.json")]) == 1
    lines = capsys.readouterr().err.splitlines()
    refetched = [line for line in lines if "re-fetching differing badges" in line]
    assert refetched, lines
    assert refetched[-1].startswith("reconciling: re-fetching differing badges: ")
    assert refetched[-1].endswith(" badges, done")


def test_no_legacy_database_is_a_usage_error(
    cli_env: BadgeEngineClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BADGEGATE_LEGACY_DB", raising=False)
    assert main(["reconcile"]) == 2
    assert "--legacy-db" in capsys.readouterr().err


def test_an_unreachable_engine_exits_3(
    legacy_db: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BADGEGATE_ENGINE_TOKEN", "not-a-real-token")
    code = main(
        [
            "reconcile",
            "--legacy-db",
            legacy_db,
            "--engine-url",
            "http://127.0.0.1:9/ims/ob/v3p0",
            "--out",
            str(tmp_path / "r.json"),
            "--state-dir",
            str(tmp_path),
        ]
    )
    assert code == 3
    assert "not-a-real-token" not in capsys.readouterr().err
