"""How much and what the fuzz suite may do under each harness profile (the README's profile table).

``ci``: every operation, positive and negative data, a fixed seed (derandomized) and a bounded
number of examples. ``staging``: read-only operations only unless writes are allowed for the
host, unsupported methods probed with TRACE and an unknown method token only; the staging
write guard and rate cap themselves live in
:mod:`badgegate.transport.guard` and sit on the transport every call goes through. ``nightly``:
many more examples from a random seed that every report records.
"""

from __future__ import annotations

import dataclasses
import secrets

from badgegate.config import HarnessConfig
from badgegate.transport.guard import writes_allowed

#: The seed of derandomized runs (ci and staging): the same cases every time.
FIXED_SEED = 0


@dataclasses.dataclass(frozen=True)
class FuzzProfile:
    """The fuzz settings of one run."""

    name: str
    #: Examples per operation and generation mode.
    max_examples: int
    seed: int
    #: Whether the seed was drawn at random (and must be recorded to reproduce the run).
    random_seed: bool
    negative: bool = True
    stateful: bool = True
    #: Probe undocumented methods with every method (else only with TRACE and an unknown
    #: method token, which cannot change anything) and expect 405 with the documented ``Allow``.
    probe_methods: bool = True
    #: Whether generated POST/PUT/DELETE may leave the process.
    writes: bool = True
    #: Steps per stateful scenario and scenarios per run.
    stateful_steps: int = 6
    stateful_examples: int = 10

    def with_examples(self, max_examples: int) -> FuzzProfile:
        """A copy generating ``max_examples`` per operation and mode (stateful scaled down too)."""
        return dataclasses.replace(
            self,
            max_examples=max_examples,
            stateful_examples=max(1, min(self.stateful_examples, max_examples)),
        )


def profile_for(
    config: HarnessConfig, *, host: str | None = None, seed: int | None = None
) -> FuzzProfile:
    """The fuzz profile of ``config`` against ``host``; ``seed`` overrides the profile's seed."""
    name = str(config.profile)
    if name == "nightly":
        chosen = seed if seed is not None else secrets.randbits(32)
        return FuzzProfile(
            "nightly",
            max_examples=150,
            seed=chosen,
            random_seed=seed is None,
            stateful_steps=10,
            stateful_examples=60,
        )
    if name == "staging":
        return FuzzProfile(
            "staging",
            max_examples=10,
            seed=FIXED_SEED if seed is None else seed,
            random_seed=False,
            stateful=writes_allowed(config, host),
            probe_methods=False,
            writes=writes_allowed(config, host),
            stateful_examples=5,
        )
    return FuzzProfile(
        "ci", max_examples=10, seed=FIXED_SEED if seed is None else seed, random_seed=False
    )
