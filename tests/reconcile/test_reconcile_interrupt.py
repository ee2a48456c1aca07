"""Ctrl-C during ``badgegate reconcile``: exit 130, a partial report, and a run that resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from badgegate.engine.server import EngineServer
from badgegate.legacy import seed

BADGES = 800


def test_sigint_exits_130_with_a_partial_report_and_resume_finishes(
    engine: EngineServer,
    tenant_specs: list,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    spec = tenant_specs[-1]
    legacy_db = f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
    seed(legacy_db, badges=BADGES, seed=2)
    env = {
        **os.environ,
        "BADGEGATE_ENGINE_URL": engine.api_url,
        "BADGEGATE_CLIENT_ID": spec.client_id,
        "BADGEGATE_CLIENT_SECRET": spec.client_secret,
        "BADGEGATE_STATE_DIR": str(tmp_path / "state"),
    }
    out = tmp_path / "report.json"
    command = [
        sys.executable, "-m", "badgegate", "reconcile", "--legacy-db", legacy_db,
        "--out", str(out),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    for line in process.stderr:  # the legacy pass has started: interrupt it
        if line.startswith("reconciling"):
            process.send_signal(signal.SIGINT)
            break
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert "--resume" in stdout
    partial = json.loads(out.read_text(encoding="utf-8"))
    assert partial["status"] == "interrupted" and partial["counts"]["badges"] < BADGES
    resumed = subprocess.run(
        [*command, "--resume"], env=env, capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 1, resumed.stdout + resumed.stderr  # the engine is empty
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["status"] == "differ" and document["counts"]["badges"] == BADGES
    missing = {
        item["legacyId"] for item in document["discrepancies"] if item["kind"] == "achievement"
    }
    assert len(missing) == BADGES
