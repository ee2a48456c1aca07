"""Fixtures of the command-line tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from badgegate.engine.server import EngineServer


@pytest.fixture
def engine() -> Iterator[EngineServer]:
    """A reference engine whose clients register themselves."""
    with EngineServer() as server:
        yield server
