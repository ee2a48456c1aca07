"""The Pact Broker client and broker-driven verification, against a fake broker on loopback."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from badgegate.cli import main
from badgegate.contracts.broker import BrokerSettings, PactBroker
from badgegate.contracts.broker_verify import BrokerVerification, verify_from_broker
from badgegate.contracts.consumer import ConsumerContract
from badgegate.contracts.reader import READER_CONTRACT
from badgegate.engine.faults import catalogue as faults
from badgegate.engine.server import EngineServer
from badgegate.errors import ConfigError, ExitCode

READS = ("a read of the first page of credentials", "a read of credentials valid since an instant")


@pytest.fixture(scope="module")
def reader_pact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pact of two badge-reader interactions the reference engine can set up."""
    subset = ConsumerContract(
        READER_CONTRACT.consumer, tuple(READER_CONTRACT.interaction(d) for d in READS)
    )
    return subset.write(tmp_path_factory.mktemp("pacts"))


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineServer]:
    """The clean reference engine with its provider-state endpoint."""
    with EngineServer(test_endpoints=True) as server:
        yield server


def _broker() -> PactBroker:
    settings = BrokerSettings.from_env()
    assert settings is not None
    return PactBroker(settings)


def _state_url(server: EngineServer) -> str:
    return server.root_url + "/_badgegate/provider-states"


def test_publish_sends_base64_pacts_with_branch(fake_broker: Any, reader_pact: Path) -> None:
    """`contracts publish` posts each pact, base64-encoded, under the consumer's version."""
    status = main(
        [
            "contracts",
            "publish",
            "--pacts",
            str(reader_pact.parent),
            "--consumer-app-version",
            "c1",
            "--branch",
            "main",
            "--tag",
            "ci",
        ]
    )
    assert status == ExitCode.OK
    (publication,) = fake_broker.publications
    assert publication["pacticipantName"] == "badge-reader"
    assert (publication["pacticipantVersionNumber"], publication["branch"]) == ("c1", "main")
    (contract,) = publication["contracts"]
    assert base64.b64decode(contract["content"]) == reader_pact.read_bytes()


def test_verification_from_broker_publishes_results(
    fake_broker: Any, reader_pact: Path, engine: EngineServer
) -> None:
    """Selected pacts are verified and a successful result goes back; can-i-deploy says yes."""
    with _broker() as broker:
        broker.publish([reader_pact], version="c1", branch="main")
        options = BrokerVerification(
            provider_version="p1",
            provider_branch="main",
            include_wip_since="2024-01-01",
            publish=True,
        )
        (pair,) = verify_from_broker(
            broker, engine.api_url, state_url=_state_url(engine), options=options
        )
    assert pair[1].passed and len(pair[1].outcomes) == 2
    (request,) = fake_broker.verification_requests
    assert request["consumerVersionSelectors"] == [
        {"mainBranch": True},
        {"deployedOrReleased": True},
    ]
    assert (
        request["includePendingStatus"] is True and request["includeWipPactsSince"] == "2024-01-01"
    )
    (results,) = fake_broker.results.values()
    assert results[0]["success"] is True and results[0]["providerApplicationVersion"] == "p1"
    assert fake_broker.branches == [("badge-engine", "main", "p1")]
    assert (
        main(["contracts", "can-i-deploy", "--pacticipant", "badge-engine", "--version", "p1"]) == 0
    )


@pytest.mark.slow
def test_failing_pending_pact_does_not_fail_the_build(fake_broker: Any, reader_pact: Path) -> None:
    """A pending pact that fails is reported and published as failed, without raising."""
    with _broker() as broker:
        broker.publish([reader_pact], version="c2")
        fake_broker.pending.update(fake_broker.pacts)
        options = BrokerVerification(provider_version="p2", publish=True)
        with EngineServer(test_endpoints=True, faults=[faults.WRONG_TOTAL]) as server:
            (pair,) = verify_from_broker(
                broker, server.api_url, state_url=_state_url(server), options=options
            )
    assert pair[0].pending and pair[1].pending_failures and pair[1].passed
    (results,) = fake_broker.results.values()
    assert results[0]["success"] is False
    failed = [item for item in results[0]["testResults"] if not item["success"]]
    assert failed and failed[0]["mismatches"][0]["location"]
    status = main(["contracts", "can-i-deploy", "--pacticipant", "badge-engine", "--version", "p2"])
    assert status == ExitCode.FAILED


def test_wrong_broker_token_is_a_usage_error(
    fake_broker: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused token exits 2 with a hint, without printing the token."""
    monkeypatch.setenv("PACT_BROKER_TOKEN", "not-the-token")
    status = main(["contracts", "can-i-deploy", "--pacticipant", "badge-engine", "--version", "p1"])
    assert status == ExitCode.USAGE
    error = capsys.readouterr().err
    assert "PACT_BROKER_TOKEN" in error and "not-the-token" not in error


def test_no_broker_configured_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PACT_BROKER_BASE_URL, publish refuses with exit 2."""
    monkeypatch.delenv("PACT_BROKER_BASE_URL", raising=False)
    assert main(["contracts", "publish", "--consumer-app-version", "c1"]) == ExitCode.USAGE


def test_token_and_basic_auth_together_are_refused() -> None:
    """Settings refuse both a token and a username."""
    env = {
        "PACT_BROKER_BASE_URL": "http://127.0.0.1:9",
        "PACT_BROKER_TOKEN": "t",
        "PACT_BROKER_USERNAME": "u",
    }
    with pytest.raises(ConfigError):
        BrokerSettings.from_env(env)


def test_unreachable_broker_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broker that refuses connections is exit 3."""
    monkeypatch.setenv("PACT_BROKER_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PACT_BROKER_TOKEN", "t")
    status = main(["contracts", "can-i-deploy", "--pacticipant", "badge-engine", "--version", "p1"])
    assert status == ExitCode.UNREACHABLE
