"""Consumer contracts: interactions declared as data, exercised by the real API client.

A :class:`ConsumerContract` is a consumer's list of :class:`ContractInteraction`, in a fixed
order. Each interaction says what the consumer sends and expects (``define``) and how the
real :class:`~badgegate.client.BadgeEngineClient` makes that call (``exercise``). Checking an
interaction starts Pact's mock server on a free loopback port with that one interaction,
exercises the client against it, and fails when the client's request does not match
(:class:`ContractBroken`). Writing a contract produces its pact file, interactions in
declaration order, byte-for-byte reproducible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from badgegate.contracts.names import PROVIDER, disable_tracking, pact_file_name
from badgegate.errors import BadgegateError
from badgegate.ob3 import API_BASE_PATH

# ``define`` receives pact-python's HTTP interaction builder; ``exercise`` the API base URL
# of the mock server (``http://127.0.0.1:PORT/ims/ob/v3p0``).
Define = Callable[[Any], Any]
Exercise = Callable[[str], None]
MOCK_HOST = "127.0.0.1"


class ContractBroken(BadgegateError):
    """The client's calls did not match the contract on Pact's mock server (exit 1)."""

    def __init__(self, message: str, mismatches: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.mismatches = tuple(mismatches)


@dataclasses.dataclass(frozen=True)
class ContractInteraction:
    """One interaction of a consumer contract and the client call that exercises it."""

    description: str
    define: Define
    exercise: Exercise


@dataclasses.dataclass(frozen=True)
class ConsumerContract:
    """What one consumer needs from the provider: its interactions, in a fixed order."""

    consumer: str
    interactions: tuple[ContractInteraction, ...]
    provider: str = PROVIDER

    def __post_init__(self) -> None:
        names = [interaction.description for interaction in self.interactions]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"interaction descriptions must be unique: {duplicates}")

    @property
    def descriptions(self) -> tuple[str, ...]:
        """The interactions' descriptions, in order."""
        return tuple(interaction.description for interaction in self.interactions)

    @property
    def file_name(self) -> str:
        """The name of this contract's pact file."""
        return pact_file_name(self.consumer, self.provider)

    def interaction(self, description: str) -> ContractInteraction:
        """The interaction called ``description``."""
        for interaction in self.interactions:
            if interaction.description == description:
                return interaction
        raise KeyError(f"{self.consumer} has no interaction {description!r}")

    def new_pact(self, interactions: Sequence[ContractInteraction] = ()) -> Any:
        """A fresh V4 ``Pact`` holding ``interactions``."""
        disable_tracking()
        from pact import Pact

        pact = Pact(self.consumer, self.provider).with_specification("V4")
        for interaction in interactions:
            interaction.define(pact.upon_receiving(interaction.description))
        return pact

    def check(self, description: str) -> None:
        """Exercise the real client against a mock server holding only ``description``.

        Raises :class:`ContractBroken` when the client made a request the contract does not
        describe, or did not make the one it does.
        """
        interaction = self.interaction(description)
        pact = self.new_pact([interaction])
        from pact.error import MismatchesError

        try:
            with pact.serve(addr=MOCK_HOST, port=0, verbose=False) as server:
                interaction.exercise(str(server.url).rstrip("/") + API_BASE_PATH)
        except MismatchesError as error:
            raise ContractBroken(
                _mismatch_message(self.consumer, description, error.mismatches),
                error.mismatches,
            ) from None

    def check_all(self) -> None:
        """Check every interaction, in order."""
        for description in self.descriptions:
            self.check(description)

    def write(self, directory: Path) -> Path:
        """Write this contract's pact file into ``directory`` (replacing it); return its path."""
        directory.mkdir(parents=True, exist_ok=True)
        self.new_pact(self.interactions).write_file(directory, overwrite=True)
        return directory / self.file_name


def _mismatch_message(consumer: str, description: str, mismatches: Sequence[object]) -> str:
    lines = [f"{consumer}: the client broke the contract in {description!r}:"]
    lines += [f"  {number}) {mismatch}" for number, mismatch in enumerate(mismatches, start=1)]
    return "\n".join(lines)


def write_pacts(contracts: Sequence[ConsumerContract], directory: Path) -> list[Path]:
    """Check every interaction of ``contracts``, then write their pact files into ``directory``."""
    for contract in contracts:
        contract.check_all()
    return [contract.write(directory) for contract in contracts]
