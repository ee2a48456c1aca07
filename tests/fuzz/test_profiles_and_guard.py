"""Fuzz profiles follow the README's profile table; on staging the transport every fuzz call goes
through carries badgegate.transport.guard's write guard and rate cap."""

from __future__ import annotations

import pytest

from badgegate.config import load_config
from badgegate.fuzz import profile_for
from badgegate.fuzz.profiles import FIXED_SEED
from badgegate.transport import Transport, WriteRefused
from badgegate.transport.guard import STAGING_RATE_LIMIT

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


def test_staging_is_read_only_and_does_not_probe_methods() -> None:
    profile = profile_for(_config(profile="staging"), host=STAGING)
    assert not profile.writes and not profile.probe_methods and not profile.stateful


@pytest.mark.parametrize("rate_limit,expected", [(None, STAGING_RATE_LIMIT), ("2", 2.0)])
def test_staging_transport_is_rate_capped_once(rate_limit: str | None, expected: float) -> None:
    """The transport holds the one rate cap: the guard's default or the configured one."""
    configured = {"rate_limit": rate_limit} if rate_limit else {}
    transport = Transport.from_config(_config(profile="staging", **configured))
    assert transport.rate_limiter is not None and transport.rate_limiter.rate == expected


@pytest.mark.parametrize(
    "allow_writes,allowlist,writes",
    [("true", STAGING, True), ("true", "other.example.org", False), ("false", STAGING, False)],
)
def test_staging_writes_need_the_flag_and_the_host_on_the_allowlist(
    allow_writes: str, allowlist: str, writes: bool
) -> None:
    config = _config(profile="staging", allow_writes=allow_writes, write_allowlist=allowlist)
    assert profile_for(config, host=STAGING).writes is writes


@pytest.mark.parametrize(
    "allow_writes,allowlist,writable",
    [("true", STAGING, True), ("true", "other.example.org", False), ("false", STAGING, False)],
)
def test_a_given_target_is_written_to_only_where_the_guard_lets_writes_through(
    allow_writes: str, allowlist: str, writable: bool
) -> None:
    """The fuzz suite seeds (and checks profile ownership) only on a writable target."""
    from badgegate.stack import Target

    config = _config(profile="staging", allow_writes=allow_writes, write_allowlist=allowlist)
    target = Target(f"https://{STAGING}/ims/ob/v3p0", None, None, False, None, config)  # type: ignore[arg-type]
    assert target.writable is writable
    assert Target(target.api_url, None, None, False, None, _config()).writable  # type: ignore[arg-type]


def test_staging_transport_refuses_a_write_before_it_leaves_the_process() -> None:
    # Port 9 (discard) is closed: a request that left the process would fail to connect.
    config = _config(profile="staging", engine_url="http://127.0.0.1:9/ims/ob/v3p0")
    transport = Transport.from_config(config)
    with pytest.raises(WriteRefused, match="staging profile is read-only"):
        transport.send("POST", "http://127.0.0.1:9/ims/ob/v3p0/credentials", json={})
    assert transport.write_guard is not None
    transport.write_guard("POST", "http://127.0.0.1:9/ims/ob/v3p0/oauth/token")  # token: allowed
    transport.write_guard("GET", "http://127.0.0.1:9/ims/ob/v3p0/credentials")


def test_no_guard_off_staging() -> None:
    assert Transport.from_config(_config()).write_guard is None
