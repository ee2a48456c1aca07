"""Consumer contract of badge-migrator: the real API client against Pact's mock server."""

from __future__ import annotations

import json

import pytest

from badgegate.config import HarnessConfig
from badgegate.contracts import write_pacts
from badgegate.contracts.migrator import MIGRATOR_CONTRACT
from badgegate.contracts.suite import report_pacts_dir

pytestmark = pytest.mark.suite("contracts")


@pytest.mark.parametrize("description", MIGRATOR_CONTRACT.descriptions)
def test_client_keeps_the_contract(description: str) -> None:
    """The client makes exactly the call the interaction describes and reads its answer."""
    MIGRATOR_CONTRACT.check(description)


def test_pact_file_is_written(harness_config: HarnessConfig) -> None:
    """Every interaction checks out and the pact file lists them all."""
    (path,) = write_pacts([MIGRATOR_CONTRACT], report_pacts_dir(harness_config))
    pact = json.loads(path.read_bytes())
    written = [interaction["description"] for interaction in pact["interactions"]]
    assert written == sorted(MIGRATOR_CONTRACT.descriptions), (
        f"{path.name} lists the interactions {written}, "
        f"not the contract's {sorted(MIGRATOR_CONTRACT.descriptions)}"
    )
