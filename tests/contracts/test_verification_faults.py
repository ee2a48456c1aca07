"""Verification catches each contract-breaking fault of the engine, naming the interaction."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from badgegate.contracts import VerificationFailed, committed_pacts_dir, verify_provider
from badgegate.engine.faults import catalogue as faults
from badgegate.engine.server import EngineServer
from badgegate.errors import ExitCode

FIRST_PAGE = "a read of the first page of credentials"
MIDDLE_PAGE = "a read of a middle page of credentials"
SINCE = "a read of credentials valid since an instant"
BAD_LIMIT = "a read of credentials with a limit above 1000"
NO_TOKEN = "a read of credentials without a token"
CREATED = "an upsert of a new credential"
ACHIEVEMENT = "a read of an achievement by key"

# fault -> (interactions replayed, the interaction that must fail, the mismatch location)
CONTRACT_FAULTS = {
    faults.DROP_REQUIRED_FIELD: ((FIRST_PAGE,), FIRST_PAGE, "$.credential[0]"),
    faults.WRONG_STATUS: ((CREATED,), CREATED, "status"),
    faults.NON_IMSX_ERROR: ((BAD_LIMIT, NO_TOKEN), BAD_LIMIT, "$"),
    faults.BROKEN_LINK_HEADER: ((FIRST_PAGE, MIDDLE_PAGE), MIDDLE_PAGE, "Link"),
    faults.CONTEXT_CHANGE: (
        (FIRST_PAGE, ACHIEVEMENT),
        FIRST_PAGE,
        "$.credential[0]['@context'][0]",
    ),
    faults.TIMEZONE_SHIFT: ((SINCE,), SINCE, "$.credential[0].validFrom"),
    faults.INCLUSIVE_SINCE: ((SINCE,), SINCE, "X-Total-Count"),
    faults.WRONG_TOTAL: ((SINCE, FIRST_PAGE), SINCE, "X-Total-Count"),
}


def _pattern(descriptions: tuple[str, ...]) -> str:
    return "^(" + "|".join(descriptions) + ")$"


@pytest.fixture(scope="module")
def clean_engine() -> Iterator[EngineServer]:
    """The reference engine without faults, with its provider-state endpoint."""
    with EngineServer(test_endpoints=True) as server:
        yield server


def test_clean_engine_honours_every_pact(clean_engine: EngineServer) -> None:
    """Every interaction of both committed pacts passes against the clean engine."""
    report = verify_provider(
        [committed_pacts_dir()], clean_engine.api_url, state_url=_state_url(clean_engine)
    )
    consumers = {outcome.consumer for outcome in report.outcomes}
    assert consumers == {"badge-migrator", "badge-reader"}
    pacts = sorted(committed_pacts_dir().glob("*.json"))
    committed = sum(len(json.loads(path.read_text())["interactions"]) for path in pacts)
    assert report.passed and len(report.outcomes) == committed >= 24


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(CONTRACT_FAULTS))
def test_fault_fails_verification_naming_the_interaction(fault: str) -> None:
    """Against the faulty engine the relevant interaction fails with a typed mismatch."""
    descriptions, failing, location = CONTRACT_FAULTS[fault]
    with (
        EngineServer(test_endpoints=True, faults=[fault]) as server,
        pytest.raises(VerificationFailed) as caught,
    ):
        verify_provider(
            [committed_pacts_dir()],
            server.api_url,
            state_url=_state_url(server),
            description=_pattern(descriptions),
        )
    report = caught.value.report
    failed = {outcome.description: outcome for outcome in report.failures}
    assert failing in failed, report.render()
    assert location in {m.location for m in failed[failing].mismatches}, report.render()
    assert caught.value.exit_code == ExitCode.FAILED
    assert "1) " in str(caught.value) and failing in str(caught.value)


def _state_url(server: EngineServer) -> str:
    return server.root_url + "/_badgegate/provider-states"
