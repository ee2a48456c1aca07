"""The reference engine answers as its OpenAPI document says: a short, derandomized
schemathesis run (positive data only) over real HTTP, every operation."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from badgegate.engine.server import ClientSpec, EngineServer
from badgegate.fuzz.alignment import align_case

DOCUMENT_PATH = Path(__file__).resolve().parents[2] / "schemas" / "openapi" / "badge-engine.yaml"
CLIENT_ID = "openapi-conformance"
CLIENT_SECRET = "openapi-conformance-secret"
EXAMPLES_PER_OPERATION = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]


def load_document() -> Any:
    """The document loaded by schemathesis, generating positive data without NUL characters."""
    config = SchemathesisConfig.from_dict({"generation": {"allow-x00": False, "mode": "positive"}})
    return schemathesis.openapi.from_path(DOCUMENT_PATH, config=config)


DOCUMENT = load_document()
OPERATIONS = [result.ok() for result in DOCUMENT.get_all_operations()]


@dataclass
class EngineUnderTest:
    """The running engine, a bearer token of its one tenant, and that tenant's Profile id."""

    api_url: str
    bearer: dict[str, str]
    basic: dict[str, str]
    profile_id: str
    statuses: dict[str, set[int]] = field(default_factory=dict)


def example_wallet() -> ClientSpec:
    """The client the authorization request's examples name, with their redirect URI."""
    operation = DOCUMENT.raw_schema["paths"]["/oauth/authorize"]["get"]
    examples = {parameter["name"]: parameter["example"] for parameter in operation["parameters"]}
    return ClientSpec(
        examples["client_id"], "example-secret", redirect_uris=(examples["redirect_uri"],)
    )


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineUnderTest]:
    """A clean reference engine with one all-scopes client (and the documented example one)."""
    with EngineServer(clients=[ClientSpec(CLIENT_ID, CLIENT_SECRET), example_wallet()]) as server:
        answer = requests.post(
            server.api_url + "/oauth/token",
            auth=(CLIENT_ID, CLIENT_SECRET),
            data={"grant_type": "client_credentials"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        bearer = {"Authorization": "Bearer " + answer.json()["access_token"]}
        profile = requests.get(server.api_url + "/profile", headers=bearer, timeout=10).json()
        pair = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        seed_examples(server.api_url, bearer)
        yield EngineUnderTest(
            server.api_url, bearer, {"Authorization": "Basic " + pair}, profile["id"]
        )


def seed_examples(api_url: str, bearer: dict[str, str]) -> None:
    """Store the document's own example records under its example keys and run id, so the
    explicit examples of the read, run and rollback operations find them."""
    raw = DOCUMENT.raw_schema["components"]
    run = raw["parameters"]["runId"]["example"]
    for path, key, example in (
        ("/ext/achievements/", "achievementKey", "MigratedAchievement"),
        ("/ext/progress/", "progressKey", "MigratedProgress"),
    ):
        answer = requests.put(
            api_url + path + raw["parameters"][key]["example"],
            json=raw["examples"][example]["value"],
            headers={**bearer, "X-Badgegate-Run": run},
            timeout=10,
        )
        assert answer.status_code == 201, answer.text


def auth_headers(operation_id: str, engine: EngineUnderTest) -> dict[str, str]:
    """The credentials an operation needs: Basic at the token and revocation endpoints, else
    the bearer token."""
    client_authenticated = ("requestAccessToken", "revokeToken")
    return engine.basic if operation_id in client_authenticated else engine.bearer


def run_cases(strategy: Any, max_examples: int, exchange: Callable[[Any], None]) -> None:
    """Run ``exchange`` on up to ``max_examples`` derandomized cases drawn from ``strategy``."""

    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        exchange(case)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_engine_conforms_to_the_document(operation: Any, engine: EngineUnderTest) -> None:
    operation_id = operation.definition.raw["operationId"]
    statuses: set[int] = set()

    def exchange(case: Any) -> None:
        align_case(case, engine.profile_id)
        response = case.call_and_validate(
            base_url=engine.api_url, headers=auth_headers(operation_id, engine), checks=CHECKS
        )
        statuses.add(response.status_code)

    for example in operation.get_strategies_from_examples():
        run_cases(example, 1, exchange)
    # A generated redirect URI is never one the example client registered (a 400 by design).
    if operation_id != "requestAuthorization":
        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
        run_cases(strategy, EXAMPLES_PER_OPERATION, exchange)
    # The authorization endpoint succeeds with a redirect back to the client.
    success = {302} if operation_id == "requestAuthorization" else set(range(200, 300))
    assert statuses & success, statuses


#: The independent JSON Schema every generated body of an upsert operation must satisfy.
BODY_SCHEMAS = {
    "upsertCredential": "ob3/strict/achievement-credential.schema.json",
    "upsertAchievement": "ob3/strict/achievement.schema.json",
    "putProfile": "ob3/strict/profile.schema.json",
    "upsertProgress": "badgegate/progress-record.schema.json",
}


@pytest.mark.parametrize("operation_id", sorted(BODY_SCHEMAS))
def test_generated_bodies_are_valid_by_the_record_schemas(operation_id: str) -> None:
    """The request schemas are generation profiles: what they generate is valid OB 3.0."""
    from jsonschema import Draft201909Validator

    path = DOCUMENT_PATH.parents[1] / BODY_SCHEMAS[operation_id]
    validator = Draft201909Validator(
        json.loads(path.read_text(encoding="utf-8")),
        format_checker=Draft201909Validator.FORMAT_CHECKER,
    )
    operation = DOCUMENT.find_operation_by_id(operation_id)
    invalid: list[str] = []

    def validate(case: Any) -> None:
        if case.media_type != "text/plain":
            invalid.extend(
                f"{error.json_path}: {error.message}" for error in validator.iter_errors(case.body)
            )

    run_cases(operation.as_strategy(generation_mode=GenerationMode.POSITIVE), 12, validate)
    assert not invalid, invalid[:5]


@pytest.mark.parametrize("path", sorted(DOCUMENT.raw_schema["paths"]))
def test_undocumented_methods_get_405_with_the_documented_allow(
    path: str, engine: EngineUnderTest
) -> None:
    documented = {
        method.upper() for method in DOCUMENT.raw_schema["paths"][path] if method != "parameters"
    }
    url = engine.api_url + re.sub(r"\{[^}]+\}", "3c1b7e0e-5d52-5c6f-9d35-4a7b0f6e2a10", path)
    answer = requests.patch(url, headers=engine.bearer, timeout=10)
    assert answer.status_code == 405, answer.text
    assert {name.strip() for name in answer.headers["Allow"].split(",")} == documented
    assert answer.json()["imsx_codeMinor"]["imsx_codeMinorField"][0][
        "imsx_codeMinorFieldValue"
    ] == ("not_allowed")


def test_progress_accepts_an_integer_spelled_as_a_whole_float(engine: EngineUnderTest) -> None:
    raw = DOCUMENT.raw_schema["components"]
    record = {**raw["examples"]["MigratedProgress"]["value"], "progress": 57.0}
    key = record["id"].removeprefix("urn:uuid:")
    answer = requests.put(
        f"{engine.api_url}/ext/progress/{key}", json=record, headers=engine.bearer, timeout=10
    )
    assert answer.status_code in (200, 201), answer.text
