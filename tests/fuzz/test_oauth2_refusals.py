"""The oauth2 refusal checks: which operations are protected, what each attempt must get,
a fault caught with a masked reproduction, silence on a clean engine, and staging kept to reads."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from badgegate.config import load_config
from badgegate.engine.faults.catalogue import IGNORED_AUTH, TENANT_LEAK, UNENFORCED_SCOPE
from badgegate.fuzz.document import default_document, read_document
from badgegate.fuzz.refusals import (
    oauth2_scopes,
    protected_operations,
    scope_refusals,
    served_ids,
    token_refusals,
)
from badgegate.fuzz.session import FuzzAuth
from badgegate.scopes import CREDENTIAL_READONLY, PROFILE_UPDATE
from badgegate.selftest.target import fault_target

OWN = read_document(str(default_document()))


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return dict(document["paths"][path][method])


def test_an_oauth2_requirement_makes_an_operation_protected() -> None:
    assert oauth2_scopes(OWN, _operation(OWN, "get", "/credentials")) == (CREDENTIAL_READONLY,)
    assert oauth2_scopes(OWN, _operation(OWN, "put", "/profile")) == (PROFILE_UPDATE,)
    assert oauth2_scopes(OWN, _operation(OWN, "post", "/ext/batch")) == ()


def test_discovery_client_authentication_and_anonymous_alternatives_are_not() -> None:
    assert oauth2_scopes(OWN, _operation(OWN, "get", "/discovery")) is None
    assert oauth2_scopes(OWN, _operation(OWN, "post", "/oauth/token")) is None  # HTTP Basic
    anonymous_too = {"security": [{"OAuth2ACG": [CREDENTIAL_READONLY]}, {}]}
    assert oauth2_scopes(OWN, anonymous_too) is None
    inherited = {**OWN, "security": [{"OAuth2ACG": [CREDENTIAL_READONLY]}]}
    assert oauth2_scopes(inherited, {}) == (CREDENTIAL_READONLY,)


def test_the_official_document_protects_its_four_operations(shared_dir: Path) -> None:
    official = json.loads(
        (shared_dir / "ob3-official" / "openapi" / "ob_v3p0_oas.json").read_text("utf-8")
    )
    protected = {
        f"{method.upper()} {path}"
        for path, item in official["paths"].items()
        for method, operation in item.items()
        if oauth2_scopes(official, operation) is not None
    }
    assert protected == {"GET /credentials", "POST /credentials", "GET /profile", "PUT /profile"}


def test_another_tenants_list_is_judged_by_the_records_it_holds() -> None:
    listed = {"credential": [{"id": "urn:a", "type": ["x"]}], "compactJwsString": ["h.p.s"]}
    assert served_ids(json.dumps(listed)) == {"urn:a", "h.p.s"}
    assert served_ids(json.dumps({"id": "urn:p", "type": ["Profile"], "@context": ["c"]})) == {
        "urn:p"
    }
    assert served_ids("not json") == set()


@pytest.mark.slow
def test_ignored_auth_is_caught_with_the_token_masked(tmp_path: Path) -> None:
    config = load_config({"report_dir": str(tmp_path)}, env={})
    with fault_target(IGNORED_AUTH, config, examples=1) as engine:
        problems = token_refusals(engine.fuzz)
        token = engine.fuzz.auth.bearer()["Authorization"].split()[1]
    assert problems and all("GET /profile" in p for p in problems), problems
    assert any("without a token must be refused, never answered 2xx" in p for p in problems)
    assert any("with an unknown token" in p and "Bearer ***" in p for p in problems)
    assert all("RFC 6750 §3" in p and "reproduce: curl" in p for p in problems)
    assert not any(token in p for p in problems)


@pytest.mark.slow
def test_another_tenants_token_is_served_none_of_this_tenants_records(tmp_path: Path) -> None:
    config = load_config({"report_dir": str(tmp_path)}, env={})
    with fault_target(TENANT_LEAK, config, examples=1) as engine:
        problems = token_refusals(engine.fuzz)
    assert problems, "a list holding this tenant's credentials went unnoticed"
    assert all(
        p.startswith("GET /credentials with another tenant's token is served") for p in problems
    )


@pytest.mark.slow
def test_a_token_lacking_the_scope_may_not_write(tmp_path: Path) -> None:
    config = load_config({"report_dir": str(tmp_path)}, env={})
    with fault_target(UNENFORCED_SCOPE, config, examples=1) as engine:
        found = scope_refusals(engine.fuzz)
        assert token_refusals(engine.fuzz) == []
    assert all(" with a token lacking its scope" in p for p in found.problems)
    refused_never = {p.split(" with ")[0] for p in found.problems if "never answered 2xx" in p}
    assert refused_never >= {"POST /credentials", "PUT /profile"}


@pytest.mark.slow
def test_the_clean_engine_refuses_everything_it_should(tmp_path: Path, shared_dir: Path) -> None:
    official = str(shared_dir / "ob3-official" / "openapi" / "ob_v3p0_oas.json")
    for openapi in (None, official):
        config = load_config({"report_dir": str(tmp_path), "openapi": openapi}, env={})
        with fault_target(None, config, examples=1) as engine:
            assert token_refusals(engine.fuzz) == []
            found = scope_refusals(engine.fuzz)
            assert found.problems == [] and found.probed >= 4


@pytest.mark.slow
def test_staging_probes_reads_only_and_says_why_scopes_do_not_apply(tmp_path: Path) -> None:
    config = load_config({"report_dir": str(tmp_path)}, env={})
    with fault_target(IGNORED_AUTH, config, examples=1) as engine:
        reads_only = dataclasses.replace(engine.fuzz.profile, writes=False)
        staging = dataclasses.replace(engine.fuzz, profile=reads_only)
        labels = {p.label for p in protected_operations(staging)}
        assert labels and all(label.startswith("GET ") for label in labels)
        assert any("GET /profile" in p for p in token_refusals(staging))
        without_client = engine.target.config.replace(client_id=None, client_secret=None)
        no_client = dataclasses.replace(
            staging, auth=FuzzAuth(engine.target.client, without_client), protected=None
        )
        found = scope_refusals(no_client)
    assert found.probed == 0 and found.problems == []
    assert all("no client credentials" in reason for reason in found.not_applicable)
