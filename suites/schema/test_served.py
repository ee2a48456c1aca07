"""Schema (b): every record the target serves, paged to the end, is valid OB 3.0."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from badgegate.findings import Finding
from badgegate.report import attach_evidence
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
        claims = [
            Finding(f.rule, f.message, f.pointer, f.severity, record_id, f.expected, f.actual)
            for f in claim_findings(payload)
        ]
        return claims + validate_served_record(credential, kind, record_id=record_id)
    return validate_served_record(record, kind)


@pytest.mark.parametrize("kind", ["credential", "achievement", "progress"])
def test_every_served_record_is_valid(badgegate_target: Target, kind: Kind) -> None:
    """Walk every page of the kind and validate each record; a failure names the record."""
    errors: list[Finding] = []
    count = 0
    for record in _served(badgegate_target, kind):
        count += 1
        errors += [f for f in _findings_of(record, kind) if f.is_error]
    if badgegate_target.embedded and kind == "credential":
        assert count > 0, "the embedded stack served no credentials to validate"
    if errors:
        attach_evidence(
            f"schema findings ({kind})",
            [finding.to_dict() for finding in errors],
            config=badgegate_target.config,
        )
    assert not errors, f"{len(errors)} error(s) in {count} served {kind} record(s):\n" + "\n".join(
        finding.render() for finding in errors[:50]
    )


def test_served_issuer_profile_is_valid(badgegate_target: Target) -> None:
    """GET /profile answers a valid OB 3.0 Profile."""
    profile = badgegate_target.client.get_profile()
    errors = [f for f in validate_served_record(profile, "profile") if f.is_error]
    if errors:
        attach_evidence(
            "schema findings (profile)",
            {"profile": profile, "findings": [finding.to_dict() for finding in errors]},
            config=badgegate_target.config,
        )
    assert not errors, "\n".join(finding.render() for finding in errors)


def test_every_served_proof_verifies(badgegate_target: Target) -> None:
    """Every served JSON credential's proof verifies, with a key the issuer publishes. Unsigned:
    an error where the target publishes issuer keys (or with require_proofs), else a warning."""
    from badgegate.verify import Keys
    from badgegate.verify.served import published_keys_url, served_proof_findings

    client = badgegate_target.client
    url = published_keys_url(client.get_profile())
    published = Keys.from_document(client.get_public_keys(url)) if url else None
    require = badgegate_target.config.require_proofs
    findings: list[Finding] = []
    count = 0
    for record in client.iter_credentials():
        if isinstance(record, dict):
            count += 1
            findings += served_proof_findings(record, published, require=require)
    errors = [finding for finding in findings if finding.is_error]
    if findings:
        attach_evidence(
            "proof findings (credential)",
            [finding.to_dict() for finding in findings],
            config=badgegate_target.config,
        )
    assert not errors, f"{len(errors)} proof error(s) in {count} served credential(s):\n" + (
        "\n".join(finding.render() for finding in errors[:50])
    )
