"""The fuzz suite's fixtures: one fuzz session per run, on data the harness seeded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from badgegate.capabilities import Capabilities
from badgegate.fuzz import operation_labels
from badgegate.fuzz.session import FuzzSession
from badgegate.plugin import CONFIG_KEY
from badgegate.stack import Target


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``operation`` with every operation the profile may fuzz."""
    if "operation" in metafunc.fixturenames:
        labels = operation_labels(metafunc.config.stash[CONFIG_KEY])
        metafunc.parametrize("operation", labels, ids=labels)


@pytest.fixture(scope="session")
def fuzz_session(
    badgegate_target: Target, target_capabilities: Capabilities, pytestconfig: pytest.Config
) -> Iterator[FuzzSession]:
    """The run's fuzz session; on a writable target, seeded first (seeding problems fail
    ``test_seeded_credentials_are_served_back``). Operations the target does not offer
    (:mod:`badgegate.capabilities`) are not applicable."""
    from badgegate.fuzz.seeding import seed_credentials
    from badgegate.fuzz.session import open_session

    seed = pytestconfig.getoption("hypothesis_seed", None)
    session = open_session(
        badgegate_target,
        seed=int(seed) if seed is not None else None,
        capabilities=target_capabilities,
    )
    if badgegate_target.writable:
        seed_credentials(session)
    print(f"fuzz: profile {session.profile.name}, seed {session.profile.seed}")
    for note in session.adjustments.notes:
        print(f"fuzz: adjusted for {session.report.document}: {note}")
    yield session
    session.report.write()
