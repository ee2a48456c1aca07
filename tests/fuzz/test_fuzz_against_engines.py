"""The fuzz machinery against real reference engines: failures carry curl and seed, the
staging profile sends no write, and a clean engine passes a few generated calls."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from badgegate.config import load_config
from badgegate.engine.faults.catalogue import JSON_CONTENT_TYPE_LOST
from badgegate.fuzz.runner import CaseRunner, fuzz_operation
from badgegate.fuzz.session import FuzzSession, open_session
from badgegate.selftest.target import FaultTarget, fault_target

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def broken_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultTarget]:
    """One engine labelling its JSON answers text/html, shared by the tests that only read it."""
    config = load_config({"report_dir": str(tmp_path_factory.mktemp("reports"))}, env={})
    with fault_target(JSON_CONTENT_TYPE_LOST, config, examples=2) as engine:
        yield engine


def _get_credentials(session: FuzzSession) -> list:  # type: ignore[type-arg]
    return fuzz_operation(CaseRunner(session), session.schema["/credentials"]["GET"])


def test_failures_carry_a_masked_curl_and_the_seed(broken_engine: FaultTarget) -> None:
    failures = _get_credentials(broken_engine.fuzz)
    assert failures, "a JSON answer labelled text/html went unnoticed"
    token = broken_engine.fuzz.auth.bearer()["Authorization"].split()[1]
    for failure in failures:
        assert failure.curl.startswith("curl ") and "/credentials" in failure.curl
        assert token not in failure.curl and token not in failure.message
        assert failure.seed == broken_engine.fuzz.profile.seed
        assert "reproduce: curl" in failure.render()


def test_staging_profile_sends_no_write(broken_engine: FaultTarget) -> None:
    """The session installs no guard: the staging client's transport carries it."""
    from badgegate.client import BadgeEngineClient
    from badgegate.transport import WriteRefused

    config = broken_engine.target.config.replace(profile="staging", rate_limit=1000.0)
    with BadgeEngineClient.from_config(config) as client:
        target = dataclasses.replace(
            broken_engine.target, embedded=False, config=config, client=client
        )
        session = open_session(target)
        assert not session.profile.writes
        before = broken_engine.target.client.list_credentials(limit=1).total
        with pytest.raises(WriteRefused):
            session.send("POST", "/credentials", json={})
        operations = [r.ok() for r in session.schema.get_all_operations()]
        runner = CaseRunner(dataclasses.replace(session, profile=session.profile.with_examples(1)))
        for operation in operations:
            if operation.method.upper() == "GET":
                fuzz_operation(runner, operation)
    assert broken_engine.target.client.list_credentials(limit=1).total == before


def test_clean_engine_passes_generated_reads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = load_config({"report_dir": str(tmp_path)}, env={})
    with fault_target(None, config, examples=3) as engine:
        assert _get_credentials(engine.fuzz) == []
