"""Schema (b): every record the target serves, paged to the end, is valid OB 3.0."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from badgegate.capabilities import EXTENSION_API, Capabilities
from badgegate.findings import Finding
from badgegate.report import attach_evidence
from badgegate.report.gate import gate
from badgegate.stack import Target
from badgegate.validate import Kind, validate_served_record

pytestmark = pytest.mark.suite("schema")


def _served(target: Target, kind: str) -> Iterable[Any]:
    client = target.client
    walks: dict[str, Callable[[], Iterable[Any]]] = {
        "credential": client.iter_credentials,
        "achievement": client.iter_achievements,
        "progress": client.iter_progress,
    }
    return walks[kind]()


def _findings_of(record: Any, kind: Kind) -> list[Finding]:
    if isinstance(record, str):
        from badgegate.validate.jws import claim_findings, credential_of, decode

        _, payload = decode(record)
        credential = credential_of(payload)
        record_id = str(credential.get("id", "<compact JWS without id>"))
        claims = [dataclasses.replace(f, record_id=record_id) for f in claim_findings(payload)]
        return claims + validate_served_record(credential, kind, record_id=record_id)
    return validate_served_record(record, kind)


@pytest.fixture
def served_kind(request: pytest.FixtureRequest, target_capabilities: Capabilities) -> Kind:
    """The record kind to walk; achievements and progress are served by the extension API."""
    kind: Kind = request.param
    if kind != "credential" and (reason := target_capabilities.missing(EXTENSION_API)):
        pytest.skip(reason)
    return kind


@pytest.mark.parametrize(
    "served_kind", ["credential", "achievement", "progress"], indirect=True, ids=str
)
def test_every_served_record_is_valid(badgegate_target: Target, served_kind: Kind) -> None:
    """Walk every page of the kind and validate each record; a failure names the record."""
    kind = served_kind
    findings: list[Finding] = []
    count = 0
    for record in _served(badgegate_target, kind):
        count += 1
        findings += _findings_of(record, kind)
    errors = gate(findings, config=badgegate_target.config, name=f"served {kind} records")
    if badgegate_target.embedded and kind == "credential":
        assert count > 0, "the embedded stack served no credentials to validate"
    if errors:
        attach_evidence(
            f"schema findings ({kind})",
            [finding.to_dict() for finding in errors],
            config=badgegate_target.config,
        )
    assert not errors, (
        f"{len(errors)} finding(s) in {count} served {kind} record(s):\n"
        + "\n".join(finding.render() for finding in errors[:50])
    )


def test_served_issuer_profile_is_valid(badgegate_target: Target) -> None:
    """GET /profile answers a valid OB 3.0 Profile."""
    profile = badgegate_target.client.get_profile()
    errors = gate(
        validate_served_record(profile, "profile"),
        config=badgegate_target.config,
        name="served profile",
    )
    if errors:
        attach_evidence(
            "schema findings (profile)",
            {"profile": profile, "findings": [finding.to_dict() for finding in errors]},
            config=badgegate_target.config,
        )
    assert not errors, "GET /profile:\n" + "\n".join(finding.render() for finding in errors)


def test_every_served_proof_verifies(badgegate_target: Target) -> None:
    """Every served JSON credential's proof verifies, with a key the issuer publishes. Unsigned:
    an error where the target publishes issuer keys (or with require_proofs), else a warning."""
    from badgegate.client import EngineError
    from badgegate.verify import Keys
    from badgegate.verify.keys import KeyFormatError
    from badgegate.verify.served import named_methods, published_keys_url, served_proof_findings

    client = badgegate_target.client
    profile = client.get_profile()
    keys = named_methods(profile)
    findings: list[Finding] = []
    url = published_keys_url(profile)
    if url is not None:
        try:
            keys = Keys({**keys.by_id, **Keys.from_document(client.get_public_keys(url)).by_id})
        except (EngineError, KeyFormatError) as error:
            findings.append(Finding("published-keys", f"the keys at {url}: {error}", "/profile"))
    published = keys if len(keys) or url is not None else None
    require = badgegate_target.config.require_proofs
    count = 0
    for record in client.iter_credentials():
        if isinstance(record, dict):
            count += 1
            findings += served_proof_findings(
                record, published, issuer_id=profile.get("id"), require=require
            )
    errors = gate(findings, config=badgegate_target.config, name="served proofs")
    if findings:
        attach_evidence(
            "proof findings (credential)",
            [finding.to_dict() for finding in findings],
            config=badgegate_target.config,
        )
    assert not errors, f"{len(errors)} proof error(s) in {count} served credential(s):\n" + (
        "\n".join(finding.render() for finding in errors[:50])
    )
