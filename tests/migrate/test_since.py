"""``--since``: the catch-up pass migrates changed and new badges, moves nothing else, and reports
legacy badges deleted since the last run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from badgegate.ids import record_urn
from badgegate.legacy import badge_requirements, badges, checksum
from badgegate.mapping import load_mapping

from .support import Target, badgegate, change_legacy, legacy_rows, run_events, run_id_of

SINCE = "2031-01-01T00:00:00"
CHANGED_AT = dt.datetime(2031, 3, 1, 12, 0, 0)
NEW_BADGE = "zz-catch-up-badge"


def pick_badges(legacy_db: str) -> tuple[str, str, str, str]:
    """A badge to rename, a requirement (and its badge) to complete, and a badge to delete."""
    ids = [
        row["id"] for row in legacy_rows(legacy_db, sa.select(badges.c.id).order_by(badges.c.id))
    ]
    requirement = legacy_rows(
        legacy_db,
        sa.select(badge_requirements.c.id, badge_requirements.c.badge_id)
        .where(badge_requirements.c.badge_id.not_in([ids[3], ids[7]]))
        .order_by(badge_requirements.c.id)
        .limit(1),
    )[0]
    return ids[3], requirement["id"], requirement["badge_id"], ids[7]


def changes(renamed: str, requirement: str, deleted: str) -> list[sa.Executable]:
    """What the backend does during the cut-over window."""
    return [
        sa.update(badges)
        .where(badges.c.id == renamed)
        .values(name="Renamed during the cut-over", updated_at=CHANGED_AT),
        sa.update(badge_requirements)
        .where(badge_requirements.c.id == requirement)
        .values(completed=sa.not_(badge_requirements.c.completed), updated_at=CHANGED_AT),
        sa.insert(badges).values(
            id=NEW_BADGE,
            name="Catch-up badge",
            description="Created during the cut-over",
            progress=100,
            status="COMPLETED",
            created_at=CHANGED_AT,
        ),
        sa.delete(badges).where(badges.c.id == deleted),
    ]


def urns(legacy_id: str) -> dict[str, str]:
    """The record ids a legacy badge becomes."""
    namespace = load_mapping().namespace
    kinds = ("achievement", "progress", "credential")
    return {kind: record_urn(namespace, kind, legacy_id) for kind in kinds}  # type: ignore[arg-type]


def test_since_catches_up_changed_and_new_badges_and_reports_deletions(
    legacy_db: str, target: Target
) -> None:
    first = badgegate("migrate", "--legacy-db", legacy_db)
    first_run = run_id_of(first.out)
    before = target.state()
    renamed, requirement, requirement_badge, deleted = pick_badges(legacy_db)
    change_legacy(legacy_db, *changes(renamed, requirement, deleted))
    legacy_before = checksum(legacy_db)

    catch_up = badgegate(
        "migrate", "--legacy-db", legacy_db, "--since", SINCE, "--propagate-deletes"
    )
    run_id = run_id_of(catch_up.out)

    moved = {renamed, requirement_badge, NEW_BADGE}
    records = [e for e in run_events(target.state_dir, run_id) if e.get("event") == "record"]
    assert {event["legacy_id"] for event in records} == moved
    assert "migration run" in catch_up.out and "3 badges" in catch_up.out
    after = target.state()
    moved_ids = {urn for legacy_id in moved for urn in urns(legacy_id).values()}
    for kind in before:
        untouched_before = {k: v for k, v in before[kind].items() if k not in moved_ids}
        untouched_after = {k: v for k, v in after[kind].items() if k not in moved_ids}
        assert untouched_after == untouched_before, f"{kind}: a record outside the window moved"
    assert (
        after["achievement"][urns(renamed)["achievement"]]["name"] == "Renamed during the cut-over"
    )
    assert (
        after["progress"][urns(requirement_badge)["progress"]]
        != before["progress"][urns(requirement_badge)["progress"]]
    )
    assert urns(NEW_BADGE)["credential"] in after["credential"]

    assert f"deleted legacy badges since run {first_run}: 1" in catch_up.out
    assert repr(deleted) in catch_up.out
    assert "not propagated: badge-engine's API has no delete endpoint" in catch_up.out
    assert urns(deleted)["achievement"] in after["achievement"]
    assert f"legacy checksum after:  {legacy_before} (identical)" in catch_up.out
    assert checksum(legacy_db) == legacy_before


def test_a_rerun_of_the_window_changes_nothing(sqlite_legacy: str, target: Target) -> None:
    badgegate("migrate", "--legacy-db", sqlite_legacy)
    renamed, requirement, _, deleted = pick_badges(sqlite_legacy)
    change_legacy(sqlite_legacy, *changes(renamed, requirement, deleted))
    badgegate("migrate", "--legacy-db", sqlite_legacy, "--since", SINCE)
    state: dict[str, Any] = target.state()
    again = badgegate("migrate", "--legacy-db", sqlite_legacy, "--since", SINCE)
    assert "nothing changed" in again.out
    assert "deleted legacy badges since run" in again.out and ": 0" in again.out
    assert target.state() == state
