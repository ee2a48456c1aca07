"""Accepting negative data is a failure only when the body is invalid by the API's own rules:
the document's upsert and registration schemas are generation profiles, narrower than OB 3.0
and RFC 7591."""

from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from badgegate.config import load_config
from badgegate.engine.faults.catalogue import ACCEPT_INVALID
from badgegate.fuzz.document import default_document, load_document, read_document
from badgegate.fuzz.negative import BODY_RULES, acceptance_is_correct, waived
from badgegate.fuzz.report import FuzzFailure
from badgegate.fuzz.runner import CaseRunner, run_strategy
from badgegate.samples import sample_achievement, sample_credential
from badgegate.scopes import CREDENTIAL_READONLY
from badgegate.selftest.target import FaultTarget, fault_target

REJECTED = "Schema-violating request accepted"


def _credential_with_issuer_email(email: str) -> dict[str, Any]:
    credential = sample_credential(str(uuid.uuid4()))
    credential["issuer"]["email"] = email
    return credential


def _client(**members: Any) -> dict[str, Any]:
    base = {"client_name": "x", "redirect_uris": ["https://a.example/cb"]}
    return {**base, "scope": CREDENTIAL_READONLY, **members}


@pytest.mark.parametrize(
    "operation,body,invalid",
    [
        # OB 3.0's EmailAddress is a plain string (no `format: email` in the official schema).
        ("upsertCredential", _credential_with_issuer_email("Õ"), False),
        ("upsertCredential", {**sample_credential(str(uuid.uuid4())), "issuer": 7}, True),
        ("upsertAchievement", sample_achievement(str(uuid.uuid4())), False),
        ("upsertAchievement", {**sample_achievement(str(uuid.uuid4())), "type": []}, True),
        ("putProfile", {"id": "urn:uuid:" + str(uuid.uuid4()), "type": ["Profile"]}, False),
        ("putProfile", {"id": "urn:uuid:" + str(uuid.uuid4())}, True),
        ("upsertProgress", [], True),
        ("registerClient", _client(redirect_uris=["https://a.example/x*"]), False),
        ("registerClient", _client(redirect_uris=["https://a.example*"]), True),
        ("registerClient", _client(grant_types=False), True),
    ],
)
def test_body_rules_follow_ob3_and_rfc_7591(operation: str, body: Any, invalid: bool) -> None:
    assert BODY_RULES[operation](body) is invalid


def _negative_failures(engine: FaultTarget, path: str) -> list[FuzzFailure]:
    """Failures of the ci profile's negative cases of ``POST path`` (seed 0, 10 examples)."""
    from schemathesis.generation import GenerationMode

    runner = CaseRunner(engine.fuzz)
    strategy = engine.fuzz.schema[path]["POST"].as_strategy(generation_mode=GenerationMode.NEGATIVE)
    run_strategy(strategy, 10, engine.fuzz.profile.seed, runner.exchange)
    return list(runner.failures.values())


def _negative_case(path: str, body: Any, *negative: str) -> SimpleNamespace:
    """A ``POST path`` case whose ``negative`` components (``"body"``, ``"header"``, ...)
    schemathesis generated as negative data."""
    from schemathesis.core.parameters import ParameterLocation
    from schemathesis.generation import GenerationMode
    from schemathesis.generation.meta import ComponentInfo

    components = {
        ParameterLocation(location): ComponentInfo(GenerationMode.NEGATIVE) for location in negative
    }
    operation = load_document(read_document(str(default_document())))[path]["POST"]
    return SimpleNamespace(
        operation=operation, body=body, meta=SimpleNamespace(components=components)
    )


def _accepted(case: SimpleNamespace) -> Any:
    from schemathesis.core.failures import AcceptedNegativeData

    return AcceptedNegativeData(
        operation=case.operation.label, message="accepted", status_code=201, expected_statuses=[]
    )


@pytest.mark.parametrize(
    "path,body,negative,correct",
    [
        ("/credentials", _credential_with_issuer_email("Õ"), ("body",), True),
        ("/credentials", _credential_with_issuer_email("Õ"), ("body", "header"), False),
        ("/credentials", {"issuer": 7}, ("body",), False),
        ("/oauth/register", _client(redirect_uris=["https://a.example/x*"]), ("body",), True),
        (
            "/oauth/register",
            _client(redirect_uris=["https://hnbmxsyft.example*"]),
            ("body",),
            False,
        ),
        ("/oauth/register", _client(grant_types=False), ("body",), False),
    ],
)
def test_accepting_a_body_valid_by_the_api_rules_is_no_failure(
    path: str, body: Any, negative: tuple[str, ...], correct: bool
) -> None:
    case = _negative_case(path, body, *negative)
    assert acceptance_is_correct(case) is correct
    assert waived(case, _accepted(case)) is correct
    assert not waived(case, AssertionError("another check failed"))


@pytest.mark.slow
def test_engine_storing_invalid_credentials_is_still_caught(tmp_path: Path) -> None:
    config = load_config({"report_dir": str(tmp_path)}, env={})
    with fault_target(ACCEPT_INVALID, config) as engine:
        failures = _negative_failures(engine, "/credentials")
    assert REJECTED in {failure.check for failure in failures}
