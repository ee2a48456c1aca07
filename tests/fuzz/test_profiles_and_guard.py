"""Fuzz profiles follow DESIGN.md's table; the staging guard stops writes before they leave."""

from __future__ import annotations

import pytest

from badgegate.config import load_config
from badgegate.fuzz import profile_for
from badgegate.fuzz.guard import staging_write_guard
from badgegate.fuzz.profiles import FIXED_SEED, STAGING_RATE_LIMIT
from badgegate.transport import Transport, WriteRefused

STAGING = "staging.example.org"


def _config(**values: object):  # type: ignore[no-untyped-def]
    return load_config(values, env={})


def test_ci_is_derandomized_and_bounded() -> None:
    profile = profile_for(_config())
    assert (profile.seed, profile.random_seed) == (FIXED_SEED, False)
    assert profile.writes and profile.negative and profile.probe_methods and profile.stateful
    assert profile.max_examples <= 25


def test_nightly_draws_a_seed_and_more_examples() -> None:
    first, second = profile_for(_config(profile="nightly")), profile_for(_config(profile="nightly"))
    assert first.random_seed and first.max_examples > profile_for(_config()).max_examples
    assert first.seed != second.seed
    assert profile_for(_config(profile="nightly"), seed=7).seed == 7


def test_staging_is_read_only_rate_capped_and_does_not_probe_methods() -> None:
    profile = profile_for(_config(profile="staging"), host=STAGING)
    assert not profile.writes and not profile.probe_methods and not profile.stateful
    assert profile.rate_limit == STAGING_RATE_LIMIT


def test_staging_keeps_a_configured_rate_cap_in_the_transport() -> None:
    assert profile_for(_config(profile="staging", rate_limit="2"), host=STAGING).rate_limit is None


@pytest.mark.parametrize(
    "allow_writes,allowlist,writes",
    [("true", STAGING, True), ("true", "other.example.org", False), ("false", STAGING, False)],
)
def test_staging_writes_need_the_flag_and_the_host_on_the_allowlist(
    allow_writes: str, allowlist: str, writes: bool
) -> None:
    config = _config(profile="staging", allow_writes=allow_writes, write_allowlist=allowlist)
    assert profile_for(config, host=STAGING).writes is writes


def test_guard_refuses_a_write_before_it_leaves_the_process() -> None:
    guard = staging_write_guard(_config(profile="staging"), exempt_urls=["http://127.0.0.1:9/t"])
    transport = Transport(write_guard=guard)
    # Port 9 (discard) is closed: a request that left the process would fail to connect.
    with pytest.raises(WriteRefused, match="staging profile is read-only"):
        transport.send("POST", "http://127.0.0.1:9/ims/ob/v3p0/credentials", json={})
    assert guard is not None
    guard("POST", "http://127.0.0.1:9/t")  # the token endpoint stays allowed
    guard("GET", "http://127.0.0.1:9/ims/ob/v3p0/credentials")


def test_no_guard_off_staging() -> None:
    assert staging_write_guard(_config()) is None
