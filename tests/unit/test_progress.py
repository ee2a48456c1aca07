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
