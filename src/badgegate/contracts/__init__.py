"""Consumer-driven contracts between badge-engine and its consumers (Pact V4).

- :mod:`~badgegate.contracts.consumer`: contracts as data, checked with the real API client
  against Pact's mock server, written as pact files;
- :mod:`~badgegate.contracts.migrator` and :mod:`~badgegate.contracts.reader`: the two
  consumers' contracts;
- :mod:`~badgegate.contracts.verify`: provider verification with typed, numbered mismatches;
- :mod:`~badgegate.contracts.broker` and :mod:`~badgegate.contracts.broker_verify`: the Pact
  Broker's HTTP API (publish, pacts for verification, results, can-i-deploy);
- :mod:`~badgegate.contracts.drift`: generated pacts against the committed ones.

pact-python is imported lazily, inside the functions that need it.
"""

from __future__ import annotations

from badgegate.contracts.consumer import (
    ConsumerContract,
    ContractBroken,
    ContractInteraction,
    write_pacts,
)
from badgegate.contracts.drift import PactDrift, committed_pacts_dir, compare_pacts
from badgegate.contracts.mismatches import InteractionOutcome, Mismatch
from badgegate.contracts.names import CONSUMERS, MIGRATOR, PROVIDER, READER
from badgegate.contracts.verify import (
    VerificationFailed,
    VerificationReport,
    run_verification,
    verify_provider,
)

__all__ = [
    "CONSUMERS",
    "MIGRATOR",
    "PROVIDER",
    "READER",
    "ConsumerContract",
    "ContractBroken",
    "ContractInteraction",
    "InteractionOutcome",
    "Mismatch",
    "PactDrift",
    "VerificationFailed",
    "VerificationReport",
    "all_contracts",
    "committed_pacts_dir",
    "compare_pacts",
    "run_verification",
    "verify_provider",
    "write_pacts",
]


def all_contracts() -> tuple[ConsumerContract, ...]:
    """Every consumer contract of badge-engine, in a fixed order."""
    from badgegate.contracts.migrator import MIGRATOR_CONTRACT
    from badgegate.contracts.reader import READER_CONTRACT

    return (MIGRATOR_CONTRACT, READER_CONTRACT)
