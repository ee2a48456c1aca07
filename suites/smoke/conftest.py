"""The smoke suite's evidence: a failing check attaches the requests it sent and the answers."""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from badgegate.report.exchanges import ExchangeRecorder
from badgegate.stack import Target

EXCHANGES = pytest.StashKey[ExchangeRecorder]()


@pytest.fixture(autouse=True)
def exchanges(request: pytest.FixtureRequest, badgegate_target: Target) -> Iterator[None]:
    """Record what the check sends to the target and what it answers."""
    session = badgegate_target.client.transport.session
    with ExchangeRecorder(session, config=badgegate_target.config) as recorder:
        request.node.stash[EXCHANGES] = recorder
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None]:
    """Attach the recorded requests and responses to the Allure test of a failing check."""
    try:
        return (yield)
    except Exception:
        recorder = item.stash.get(EXCHANGES, None)
        if recorder is not None:
            recorder.attach()
        raise
