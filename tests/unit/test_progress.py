"""The progress lines open with what the run does: ``migrating`` or ``reconciling``."""

from __future__ import annotations

import io

import pytest

from badgegate.streaming import progress_for


@pytest.mark.parametrize("verb", ["migrating", "reconciling"])
def test_plain_progress_lines_open_with_the_verb_given(verb: str) -> None:
    stream = io.StringIO()
    progress = progress_for(stream, verb=verb)
    progress.start(3)
    assert stream.getvalue() == f"{verb} 3 badges (0 already confirmed)\n"


def test_a_phase_shows_its_count_and_eta_then_done() -> None:
    from badgegate.streaming.progress import LineProgress

    now = [0.0]
    stream = io.StringIO()
    progress = LineProgress(stream, interval=5.0, clock=lambda: now[0])
    progress.phase("legacy checksum before", 0, 1000)
    now[0] = 2.0
    progress.phase("legacy checksum before", 400, 1000)  # within the interval: quiet
    now[0] = 6.0
    progress.phase("legacy checksum before", 500, 1000)
    progress.phase("legacy checksum before", 1000, 1000)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "migrating: legacy checksum before: 0/1000 rows, ETA --:--"
    assert lines[1] == "migrating: legacy checksum before: 500/1000 rows, ETA 00:06"
    assert lines[2] == "migrating: legacy checksum before: 1000/1000 rows, done"
    assert len(lines) == 3


def test_the_checksum_counts_its_rows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from badgegate.legacy import create_tables, legacy_engine
    from badgegate.legacy.readers import checksum

    url = f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
    engine = legacy_engine(url)
    create_tables(engine)
    engine.dispose()
    seen: list[tuple[int, int]] = []
    checksum(url, on_rows=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 0)]
