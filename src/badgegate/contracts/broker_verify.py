"""Verification of the pacts a Pact Broker selects, with results published back.

The broker chooses the pacts (consumer version selectors, pending and WIP pacts); each one is
replayed on its own, so a pending or WIP pact that fails is reported without failing the
build, and each result goes back to that pact's verification link.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from badgegate.config import HarnessConfig
from badgegate.contracts.broker import DEFAULT_SELECTORS, PactBroker, VerifiablePact
from badgegate.contracts.names import PROVIDER
from badgegate.contracts.verify import VerificationFailed, VerificationReport, run_verification
from badgegate.secret import Secret


@dataclasses.dataclass(frozen=True)
class BrokerVerification:
    """How to pick the pacts and whether (as what provider version) to publish results."""

    provider_version: str | None = None
    provider_branch: str | None = None
    selectors: Sequence[Mapping[str, Any]] = DEFAULT_SELECTORS
    include_wip_since: str | None = None
    publish: bool = False
    build_url: str | None = None


def verify_from_broker(
    broker: PactBroker,
    provider_url: str,
    *,
    state_url: str | None,
    options: BrokerVerification,
    provider: str = PROVIDER,
    config: HarnessConfig | None = None,
    only_state_free: bool = False,
    token: Secret | None = None,
) -> list[tuple[VerifiablePact, VerificationReport]]:
    """Verify every pact the broker selects; raise :class:`VerificationFailed` if one must pass.

    ``token`` replaces the pacts' recorded bearer tokens as in :func:`run_verification`."""
    if options.publish and not options.provider_version:
        raise ValueError("publishing verification results needs the provider version")
    selected = broker.pacts_for_verification(
        provider,
        selectors=options.selectors,
        provider_branch=options.provider_branch,
        include_wip_since=options.include_wip_since,
    )
    if options.publish and options.provider_branch and options.provider_version:
        broker.record_branch(provider, options.provider_branch, options.provider_version)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="badgegate-broker-pacts-") as folder:
        for number, verifiable in enumerate(selected):
            pact = broker.fetch_pact(verifiable.url)
            path = Path(folder) / f"pact-{number}.json"
            path.write_text(json.dumps(pact), encoding="utf-8")
            report = run_verification(
                [path],
                provider_url,
                state_url=state_url,
                provider=provider,
                config=config,
                only_state_free=only_state_free,
                token=token,
            )
            if verifiable.pending or verifiable.wip:
                pended = tuple(dataclasses.replace(o, pending=True) for o in report.outcomes)
                report = dataclasses.replace(report, outcomes=pended)
            if options.publish and options.provider_version:
                _publish(broker, pact, report, options)
            outcomes.append((verifiable, report))
    failing = [report for _pact, report in outcomes if not report.passed]
    if failing:
        merged = dataclasses.replace(
            failing[0], outcomes=tuple(o for report in failing for o in report.outcomes)
        )
        raise VerificationFailed(merged)
    return outcomes


def _publish(
    broker: PactBroker,
    pact: Mapping[str, Any],
    report: VerificationReport,
    options: BrokerVerification,
) -> None:
    results = [
        {
            "interactionDescription": outcome.description,
            "success": outcome.passed,
            "mismatches": [mismatch.to_dict() for mismatch in outcome.mismatches],
        }
        for outcome in report.outcomes
    ]
    assert options.provider_version is not None
    broker.publish_verification(
        pact,
        success=all(outcome.passed for outcome in report.outcomes),
        provider_version=options.provider_version,
        test_results=results,
        build_url=options.build_url,
    )
