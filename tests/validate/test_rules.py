"""Every rule beyond the schema has a passing and a failing case (ids in schemas/README.md)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from badgegate.validate import validate, validate_credential, validate_served_record
from badgegate.validate.jws import claim_findings, header_findings

REPO = Path(__file__).resolve().parents[2]
VALID = REPO / "fixtures" / "credentials" / "valid"
AT = datetime(2026, 1, 1, tzinfo=UTC)
FULL: dict[str, Any] = json.loads((VALID / "achievement-credential-full.json").read_text())
A = ("credentialSubject", "achievement")
Mutate = Callable[[dict[str, Any]], None]


def _set(*path: Any, value: Any) -> Mutate:
    def mutate(document: dict[str, Any]) -> None:
        node = document
        for key in path[:-1]:
            node = node[key]
        if value is KeyError:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return mutate


RD = (*A, "resultDescription")
CASES: dict[str, tuple[Mutate, str]] = {
    "context-order": (
        _set("@context", value=[FULL["@context"][1], FULL["@context"][0]]),
        "conformance",
    ),
    "context-version": (
        _set("@context", 1, value=FULL["@context"][1].replace("3.0.3", "3.0.2")),
        "conformance",
    ),
    "type-set": (_set(*A, "type", value=["Badge"]), "conformance"),
    "subject-identity": (_set("credentialSubject", "identifier", value=KeyError), "conformance"),
    "datetime-zone": (_set("awardedDate", value="2024-05-01T10:00:00"), "conformance"),
    "date-order": (_set("validUntil", value="2000-01-01T00:00:00Z"), "conformance"),
    "awarded-date": (_set("awardedDate", value="2024-06-01T00:00:00Z"), "conformance"),
    "result-description-ref": (
        _set("credentialSubject", "result", 0, "resultDescription", value="urn:x"),
        "conformance",
    ),
    "achieved-level-ref": (
        _set("credentialSubject", "result", 1, "achievedLevel", value="urn:x"),
        "conformance",
    ),
    "result-status": (
        _set("credentialSubject", "result", 2, "status", value=KeyError),
        "conformance",
    ),
    "required-level-ref": (_set(*RD, 1, "requiredLevel", value="urn:x"), "conformance"),
    "required-value-range": (_set(*RD, 2, "requiredValue", value="-1"), "conformance"),
    "enum-term": (_set(*A, "achievementType", value="ext:a b"), "conformance"),
    "identity-hash": (
        _set("credentialSubject", "identifier", 0, "identityHash", value="md5$00"),
        "conformance",
    ),
    "credential-schema-official": (
        _set("credentialSchema", 0, "id", value="https://example.org/s.json"),
        "conformance",
    ),
    "no-proof": (_set("proof", value=KeyError), "conformance"),
    "vc11-form": (
        _set("@context", 0, value="https://www.w3.org/2018/credentials/v1"),
        "conformance",
    ),
    "expired": (_set("validUntil", value="2025-01-01T00:00:00Z"), "verify"),
    "not-yet-valid": (_set("validFrom", value="2027-01-01T00:00:00Z"), "verify"),
}
JWS_RULES = {"jws-malformed", "jws-header", "jwt-claims", "jwt-nbf-missing"}
WARNINGS = {"awarded-date", "credential-schema-official", "no-proof", "vc11-form"}


def _readme_rule_ids() -> set[str]:
    text = (REPO / "schemas" / "README.md").read_text(encoding="utf-8")
    section = text.split("## What the rules beyond the schema check", 1)[1]
    return set(re.findall(r"`([a-z0-9-]+)`", section))


def test_every_rule_with_cases_here_is_documented() -> None:
    assert (set(CASES) | JWS_RULES) - _readme_rule_ids() == set()


def test_every_rule_the_validator_emits_has_cases_here(emitted_rule_ids: set[str]) -> None:
    assert len(emitted_rule_ids) >= 15
    assert emitted_rule_ids - set(CASES) == set()


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_passes_the_full_fixture_and_fails_its_mutation(rule: str) -> None:
    mutate, mode = CASES[rule]
    assert [f.rule for f in validate_credential(FULL, mode=mode, at=AT) if f.rule == rule] == []
    broken = copy.deepcopy(FULL)
    mutate(broken)
    hits = [f for f in validate_credential(broken, mode=mode, at=AT) if f.rule == rule]
    assert hits, f"{rule} did not fire"
    assert all(
        f.severity == ("warning" if rule in WARNINGS else "error") for f in hits
    ) or rule in ("context-version", "achieved-level-ref")


def test_status_rules_are_warnings_in_conformance_mode() -> None:
    expired = copy.deepcopy(FULL)
    expired["validUntil"] = "2025-01-01T00:00:00Z"
    findings = [f for f in validate_credential(expired, at=AT) if f.rule == "expired"]
    assert [f.severity for f in findings] == ["warning"]


def test_older_context_is_a_warning_and_an_unknown_one_an_error() -> None:
    for version, severity in (("3.0.2", "warning"), ("3.7.7", "error")):
        document = copy.deepcopy(FULL)
        document["@context"][1] = document["@context"][1].replace("3.0.3", version)
        found = [
            f.severity for f in validate_credential(document, at=AT) if f.rule == "context-version"
        ]
        assert found == [severity]


def test_jwt_claims_pass_when_they_match_and_fail_when_they_differ() -> None:
    payload = dict(FULL, iss=FULL["issuer"]["id"], jti=FULL["id"], nbf=1714557600, exp=2030090400)
    assert claim_findings(payload) == []
    assert [f.rule for f in claim_findings(dict(payload, jti="urn:other"))] == ["jwt-claims"]
    no_nbf = {k: v for k, v in payload.items() if k != "nbf"}
    assert [(f.rule, f.severity) for f in claim_findings(no_nbf)] == [
        ("jwt-nbf-missing", "warning")
    ]


def test_jws_header_rules() -> None:
    assert header_findings({"alg": "RS256", "kid": "https://example.org/k#1", "typ": "JWT"}) == []
    bad = header_findings({"alg": "none", "typ": "JOSE", "x5u": "https://example.org"})
    assert {f.pointer for f in bad} == {"/alg", "/typ", ""}
    assert all(f.rule == "jws-header" for f in bad)


def test_endorsements_are_checked_with_the_credential_rules() -> None:
    document = copy.deepcopy(FULL)
    document["endorsement"][0]["credentialSubject"].pop("id")
    pointers = {f.pointer for f in validate_credential(document, at=AT) if f.is_error}
    assert "/endorsement/0/credentialSubject" in pointers


def test_served_record_findings_name_the_record() -> None:
    document = copy.deepcopy(FULL)
    document["credentialSubject"]["type"] = ["Subject"]
    findings = validate_served_record(document, "credential", at=AT)
    assert findings and {f.record_id for f in findings} == {FULL["id"]}


def test_progress_record_kind_validates_against_its_schema() -> None:
    if not (REPO / "schemas" / "badgegate" / "progress-record.schema.json").is_file():
        pytest.skip("schemas/badgegate/progress-record.schema.json is not written yet")
    good = {
        "id": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
        "type": ["BadgegateProgressRecord"],
        "achievement": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca428",
        "progress": 40,
        "status": "IN_PROGRESS",
        "requirements": [],
        "legacy": {},
    }
    assert [f for f in validate(good, "progress") if f.is_error] == []
    assert any(f.is_error for f in validate(dict(good, progress="forty"), "progress"))
