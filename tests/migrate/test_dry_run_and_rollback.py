"""``--dry-run`` writes nothing and predicts the real run exactly; ``rollback`` restores the
engine's prior state (created records deleted, replaced ones restored) and verifies it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from badgegate.client import NotFound
from badgegate.legacy import badges, checksum

from .support import Target, badgegate, change_legacy, legacy_rows, run_events, run_id_of, run_meta

CHANGED_AT = dt.datetime(2031, 3, 1, 12, 0, 0)


def outcomes(target: Target, run_id: str) -> dict[tuple[str, str], str]:
    """``(kind, record id) -> outcome`` of every record in a run log."""
    return {
        (event["kind"], str(event["id"])): event["outcome"]
        for event in run_events(target.state_dir, run_id)
        if event.get("event") == "record"
    }


def fill_blank_texts(legacy_db: str) -> None:
    """Give blank names and descriptions a text (the engine refuses blank ones)."""
    rows = legacy_rows(legacy_db, sa.select(badges.c.id, badges.c.name, badges.c.description))
    change_legacy(
        legacy_db,
        *(
            sa.update(badges)
            .where(badges.c.id == row["id"])
            .values(
                name=row["name"].strip() or "Named",
                description=row["description"].strip() or "Described",
            )
            for row in rows
            if not (row["name"].strip() and row["description"].strip())
        ),
    )


def backend_changes(legacy_db: str) -> list[sa.Executable]:
    """Two badges renamed and one created, as the backend would."""
    ids = [
        row["id"] for row in legacy_rows(legacy_db, sa.select(badges.c.id).order_by(badges.c.id))
    ]
    renames = [
        sa.update(badges)
        .where(badges.c.id == legacy_id)
        .values(name=f"Renamed {legacy_id}", updated_at=CHANGED_AT)
        for legacy_id in (ids[2], ids[-2])
    ]
    created = sa.insert(badges).values(
        id="zz-new-badge",
        name="New badge",
        description="Created after the first run",
        progress=100,
        status="COMPLETED",
        created_at=CHANGED_AT,
    )
    return [*renames, created]


def test_dry_run_writes_nothing_and_predicts_every_outcome(legacy_db: str, target: Target) -> None:
    fill_blank_texts(legacy_db)
    assert badgegate("migrate", "--legacy-db", legacy_db).code == 0
    change_legacy(legacy_db, *backend_changes(legacy_db))
    before = target.state()

    dry = badgegate("migrate", "--legacy-db", legacy_db, "--dry-run")
    assert dry.code == 0, dry.out + dry.err
    dry_run = run_id_of(dry.out)
    assert "dry run: nothing was written" in dry.out
    assert target.state() == before
    with target.client() as client, pytest.raises(NotFound):
        client.migration_run(dry_run)

    real = badgegate("migrate", "--legacy-db", legacy_db)
    predicted, written = outcomes(target, dry_run), outcomes(target, run_id_of(real.out))
    assert predicted == written
    assert set(predicted.values()) == {"created", "replaced", "unchanged"}
    dry_counts = run_events(target.state_dir, dry_run)[-1]["summary"]["records"]
    assert dry_counts == run_events(target.state_dir, run_id_of(real.out))[-1]["summary"]["records"]


def test_rollback_restores_the_prior_state_and_verifies_it(legacy_db: str, target: Target) -> None:
    first = run_id_of(badgegate("migrate", "--legacy-db", legacy_db).out)
    prior = target.state()
    change_legacy(legacy_db, *backend_changes(legacy_db))
    second = run_id_of(badgegate("migrate", "--legacy-db", legacy_db).out)
    written = outcomes(target, second)
    assert "replaced" in written.values() and "created" in written.values()
    assert target.state() != prior
    legacy_before = checksum(legacy_db)

    result = badgegate("rollback", "--run", second, "--legacy-db", legacy_db)
    assert result.code == 0, result.out + result.err
    assert target.state() == prior
    assert "verified: the engine no longer knows the run" in result.out
    created = sum(1 for outcome in written.values() if outcome == "created")
    replaced = sum(1 for outcome in written.values() if outcome == "replaced")
    rows = _table(result.out)
    assert sum(deleted for deleted, _ in rows.values()) == created
    assert sum(restored for _, restored in rows.values()) == replaced
    assert f"legacy checksum after:  {legacy_before} (identical)" in result.out
    assert run_meta(target.state_dir, second)["status"] == "rolled-back"

    again = badgegate("rollback", "--run", second)
    assert again.code == 1 and "has no record of run" in again.err
    rerun = badgegate("migrate", "--legacy-db", legacy_db)
    assert f"deleted legacy badges since run {first}: 0" in rerun.out


def _table(output: str) -> dict[str, tuple[int, int]]:
    rows = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in ("achievement", "credential", "progress"):
            rows[parts[0]] = (int(parts[1]), int(parts[2]))
    return rows
