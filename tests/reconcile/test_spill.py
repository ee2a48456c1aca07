"""The spill file: served records sorted in, duplicates counted, and what no badge accounts for."""

from __future__ import annotations

from pathlib import Path

from badgegate.reconcile.records import SpilledRecord
from badgegate.reconcile.spill import Spill


def served(key: str, kind: str, digest: bytes = b"d") -> SpilledRecord:
    return SpilledRecord(key, kind, digest, None, None)


def test_records_served_twice_are_counted_per_kind_and_the_first_is_kept(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "spill.sqlite3")
    with spill.transaction():
        spill.add_served([served("b", "achievement", b"first"), served("a", "progress")])
        spill.add_served([served("b", "achievement", b"second"), served("b", "progress")])
        twice = spill.key_served()
    assert twice == {"achievement": 1, "progress": 0}
    assert spill.served_counts() == {"achievement": 1, "progress": 2}
    assert spill.digests([("achievement", "b"), ("progress", "a"), ("credential", "a")]) == {
        ("achievement", "b"): b"first",
        ("progress", "a"): b"d",
    }


def test_unmatched_records_are_those_no_badge_accounted_for_in_kind_and_key_order(
    tmp_path: Path,
) -> None:
    spill = Spill(tmp_path / "spill.sqlite3")
    with spill.transaction():
        spill.add_served(
            [served(key, kind) for key in "cab" for kind in ("progress", "achievement")]
        )
        spill.key_served()
        spill.mark_matched([("achievement", "a"), ("progress", "c")])
    assert [(kind, key) for kind, key, _, _ in spill.unmatched()] == [
        ("achievement", "b"),
        ("achievement", "c"),
        ("progress", "a"),
        ("progress", "b"),
    ]


def test_reading_the_engine_again_forgets_what_was_served_and_matched(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "spill.sqlite3")
    with spill.transaction():
        spill.add_served([served("a", "achievement"), served("b", "achievement")])
        spill.key_served()
        spill.mark_matched([("achievement", "a")])
    assert len(list(spill.unmatched())) == 1
    with spill.transaction():
        spill.clear_served()
        spill.add_served([served("b", "achievement")])
        spill.key_served()
    assert [key for _, key, _, _ in spill.unmatched()] == ["b"]
