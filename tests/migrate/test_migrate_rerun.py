"""``badgegate migrate`` end to end: mapping check, first run, rerun, served records, checksums."""

from __future__ import annotations

from typing import Any

from badgegate.engine.server import EngineServer
from badgegate.legacy import checksum, read_snapshot
from badgegate.mapping import load_mapping
from badgegate.migrate import migrate
from badgegate.streaming.planner import issuer_from_profile, plan_badges

from .conftest import BADGES
from .support import (
    Target,
    badgegate,
    run_events,
    run_id_of,
    run_meta,
    tenant_token,
    unsigned,
    without_issuer,
)


def expected_records(legacy_db: str, target: Target) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """What the mapping makes of the legacy database, by kind and id; and unmapped badges."""
    mapping = load_mapping()
    with target.client() as client:
        issuer = issuer_from_profile(client.get_profile())
    records: dict[str, dict[str, Any]] = {"achievement": {}, "progress": {}, "credential": {}}
    unmapped: set[str] = set()
    with read_snapshot(legacy_db) as connection:
        for badge in plan_badges(connection, mapping=mapping, issuer=issuer):
            if not badge.representable:
                unmapped.add(badge.legacy_id)
            for operation in badge.operations:
                records[operation.kind][operation.record["id"]] = dict(operation.record)
    return records, unmapped


def failed_ids(state_dir: Any, run_id: str) -> set[tuple[str, str]]:
    """``(kind, record id)`` of every failed record in a run log."""
    return {
        (event["kind"], str(event["id"]))
        for event in run_events(state_dir, run_id)
        if event.get("event") == "record" and event["outcome"] == "failed"
    }


def test_mapping_check_migrate_and_rerun(legacy_db: str, target: Target) -> None:
    assert badgegate("mapping", "check", "--legacy-db", legacy_db).code == 0
    legacy_before = checksum(legacy_db)

    first = badgegate("migrate", "--legacy-db", legacy_db, "--engine-url", target.api_url)
    run_id = run_id_of(first.out)
    failed = failed_ids(target.state_dir, run_id)
    assert first.code == (1 if failed else 0), first.out + first.err
    assert f"{BADGES} badges" in first.out
    assert f"legacy checksum before: {legacy_before}" in first.out
    assert f"legacy checksum after:  {legacy_before} (identical)" in first.out

    expected, unmapped = expected_records(legacy_db, target)
    served = target.state()
    for kind, records in expected.items():
        accepted = {rid: doc for rid, doc in records.items() if (kind, rid) not in failed}
        data = {rid: unsigned(doc) for rid, doc in served[kind].items()}
        assert data == accepted, f"{kind}: served records differ from the mapping's"
    assert not unmapped
    history = target.client().migration_run(run_id)
    assert sum(history["created"].values()) == sum(len(kinds) for kinds in served.values())

    second = badgegate("migrate", "--legacy-db", legacy_db, "--engine-url", target.api_url)
    rerun_id = run_id_of(second.out)
    assert "nothing changed" in second.out
    assert target.state() == served
    assert failed_ids(target.state_dir, rerun_id) == failed
    outcomes = [e for e in run_events(target.state_dir, rerun_id) if e.get("event") == "record"]
    assert {e["outcome"] for e in outcomes if (e["kind"], e["id"]) not in failed} == {"unchanged"}
    assert f"deleted legacy badges since run {run_id}: 0" in second.out
    assert run_meta(target.state_dir, rerun_id)["status"] == "completed"
    assert checksum(legacy_db) == legacy_before


def test_single_calls_write_what_batches_write(
    sqlite_legacy: str, target: Target, engine: EngineServer
) -> None:
    batched = badgegate("migrate", "--legacy-db", sqlite_legacy, "--batch-size", "37")
    assert batched.code in (0, 1), batched.err
    other = Target(target.api_url, tenant_token(engine), target.state_dir)
    with other.client() as client:
        summary = migrate(sqlite_legacy, client, state_dir=other.state_dir, single_calls=True)
    assert summary.badges == BADGES
    assert summary.total("created") > 2 * BADGES
    assert without_issuer(other.state()) == without_issuer(target.state())


def test_progress_lines_on_a_pipe_say_migrating(sqlite_legacy: str, target: Target) -> None:
    result = badgegate("migrate", "--legacy-db", sqlite_legacy)
    assert result.code in (0, 1), result.err
    lines = result.err.splitlines()
    assert f"migrating {BADGES} badges (0 already confirmed)" in lines
    assert any(f"{BADGES}/{BADGES} badges" in line for line in lines)
    # The legacy checksums before and after are phases of their own, with counts.
    assert lines[0].startswith("migrating: legacy checksum before: ")
    assert lines[-1].startswith("migrating: legacy checksum after: ")
    assert lines[-1].endswith(" rows, done")
    assert "reconciling" not in result.err
