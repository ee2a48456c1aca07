"""A migration killed with SIGKILL or interrupted with SIGINT resumes: nothing lost or doubled."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from badgegate.migrate import SilentProgress, migrate

from .conftest import BADGES
from .support import (
    WAIT_SECONDS,
    Target,
    badgegate,
    run_events,
    run_meta,
    spawn_migrate,
    wait_for_confirmed,
    without_issuer,
)

RUN_ID = "resume-under-test"


def start_and_stop(target: Target, legacy_db: str, records: int, how: signal.Signals) -> str:
    """Start ``badgegate migrate``, send ``how`` once ``records`` are confirmed; return stdout."""
    process = spawn_migrate(
        target, "--legacy-db", legacy_db, "--run", RUN_ID, "--batch-size", "9", "--workers", "2"
    )
    try:
        wait_for_confirmed(process, target.state_dir / "runs" / RUN_ID / "log.jsonl", records)
        process.send_signal(how)
        out, err = process.communicate(timeout=WAIT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    expected = -signal.SIGKILL if how == signal.SIGKILL else 130
    assert process.returncode == expected, out + err
    return out


def assert_resumed_like_an_uninterrupted_run(
    target: Target, legacy_db: str, reference: dict[str, dict[str, Any]]
) -> None:
    resumed = badgegate("migrate", "--legacy-db", legacy_db, "--resume")
    assert resumed.code in (0, 1), resumed.out + resumed.err
    assert f"migration run {RUN_ID} completed: {BADGES} badges" in resumed.out
    assert "2 segments" in resumed.out
    served = target.state()
    assert without_issuer(served) == reference
    with target.client() as client:
        history = client.migration_run(RUN_ID)
    created = sum(history["created"].values())
    assert created == sum(len(records) for records in served.values())
    logged = [
        (event["kind"], event["id"])
        for event in run_events(target.state_dir, RUN_ID)
        if event.get("event") == "record"
    ]
    assert len(logged) == len(set(logged)), "a record was logged twice"
    assert run_meta(target.state_dir, RUN_ID)["status"] == "completed"


@pytest.mark.slow
@pytest.mark.parametrize("confirmed", [0, 40, 170])
def test_kill_9_then_resume_on_sqlite(
    sqlite_legacy: str, target: Target, reference_state: dict[str, Any], confirmed: int
) -> None:
    start_and_stop(target, sqlite_legacy, confirmed, signal.SIGKILL)
    events = run_events(target.state_dir, RUN_ID)
    assert not [event for event in events if event["event"] == "end"], "the run had finished"
    assert run_meta(target.state_dir, RUN_ID)["status"] == "running"
    assert_resumed_like_an_uninterrupted_run(target, sqlite_legacy, reference_state)


@pytest.mark.slow
def test_kill_9_then_resume_on_postgresql(
    postgres_legacy: str, target: Target, reference_state: dict[str, Any]
) -> None:
    start_and_stop(target, postgres_legacy, 90, signal.SIGKILL)
    assert run_meta(target.state_dir, RUN_ID)["status"] == "running"
    assert_resumed_like_an_uninterrupted_run(target, postgres_legacy, reference_state)


@pytest.mark.slow
def test_sigint_exits_130_with_a_resumable_partial_run(
    sqlite_legacy: str, target: Target, reference_state: dict[str, Any]
) -> None:
    out = start_and_stop(target, sqlite_legacy, 60, signal.SIGINT)
    assert f"migration run {RUN_ID} interrupted" in out
    # The hint carries the options the run needs (the legacy database among them).
    assert f"--legacy-db {sqlite_legacy} " in out
    assert out.rstrip().endswith(f"--resume --run {RUN_ID}`")
    assert run_meta(target.state_dir, RUN_ID)["status"] == "interrupted"
    end = run_events(target.state_dir, RUN_ID)[-1]
    assert end["event"] == "end" and end["summary"]["status"] == "interrupted"
    assert 0 < end["summary"]["badges"] < BADGES
    assert_resumed_like_an_uninterrupted_run(target, sqlite_legacy, reference_state)


class CtrlCAfter(SilentProgress):
    """Sends this process a SIGINT once ``badges`` badges are confirmed."""

    def __init__(self, badges: int) -> None:
        self.left = badges

    def advance(self, badges: int) -> None:
        """Count down; signal when the count is reached."""
        self.left -= badges
        if self.left <= 0 < self.left + badges:
            os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.usefixtures("ctrl_c_raises")
def test_a_run_interrupted_while_logging_with_a_torn_last_line_resumes(
    sqlite_legacy: str, target: Target, reference_state: dict[str, Any]
) -> None:
    with target.client() as client:
        summary = migrate(
            sqlite_legacy,
            client,
            state_dir=target.state_dir,
            run_id=RUN_ID,
            batch_size=9,
            workers=2,
            progress=CtrlCAfter(20),
        )
    assert summary.status == "interrupted" and 20 <= summary.badges < BADGES
    log = target.state_dir / "runs" / RUN_ID / "log.jsonl"
    with log.open("a") as handle:  # a crash in the middle of the next group's append
        handle.write('{"event":"record","legacy_id":"x"}\n{"event":"checkpoint","after":"')
    assert_resumed_like_an_uninterrupted_run(target, sqlite_legacy, reference_state)
