"""The Service Description rules follow OB 3.0's text: each catches its defect, and neither the
reference engine's document nor the official OpenAPI file's own shape draws a false finding."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from badgegate.checks.discovery import (
    check_base_path,
    check_service_description,
    served_operations,
)
from badgegate.engine.routes.discovery import service_description
from badgegate.findings import Finding
from badgegate.scopes import OB3_SCOPES

ORIGIN = "https://host.example"
BASE = ORIGIN + "/ims/ob/v3p0"
OFFICIAL_BASE = "https://example.org/ims/ob/v3p0"
ALL_SERVED = {("get", "/credentials"): True, ("get", "/profile"): True, ("get", "/discovery"): True}
OAUTH = ("components", "securitySchemes", "OAuth2ACG")
FLOW = (*OAUTH, "flows", "authorizationCode")


def _document() -> dict[str, Any]:
    return service_description(ORIGIN)


def _official(shared_dir: Path) -> dict[str, Any]:
    text = (shared_dir / "ob3-official" / "openapi" / "ob_v3p0_oas.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _at(document: dict[str, Any], *path: str) -> dict[str, Any]:
    node = document
    for name in path:
        node = node[name]
    return node


def _rules(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(finding.rule, finding.pointer) for finding in findings]


def test_the_reference_engines_document_draws_no_finding() -> None:
    assert check_service_description(_document(), BASE, ALL_SERVED) == []


def test_the_official_files_info_and_components_draw_only_what_a_host_must_fill_in(
    shared_dir: Path,
) -> None:
    """The official file is the template a Host profiles: it lacks the two URLs only a Host
    can give, and nothing else about its ``info`` and ``components`` is a finding."""
    official = _official(shared_dir)
    assert _rules(check_service_description(official, OFFICIAL_BASE, ALL_SERVED)) == [
        ("discovery-info", "/info/x-imssf-privacyPolicyUrl"),
        ("discovery-oauth", "/components/securitySchemes/OAuth2ACG/x-imssf-registrationUrl"),
    ]
    official["info"]["x-imssf-privacyPolicyUrl"] = "https://example.org/privacy"
    _at(official, *OAUTH)["x-imssf-registrationUrl"] = OFFICIAL_BASE + "/oauth/register"
    assert check_service_description(official, OFFICIAL_BASE, ALL_SERVED) == []


def test_the_empty_discovery_fault_passes_the_official_schema_but_not_the_text(
    shared_dir: Path,
) -> None:
    """What the rules add: the official schema accepts the empty document they refuse."""
    official = _official(shared_dir)
    document_schema = official["components"]["schemas"]["ServiceDescriptionDocument"]
    empty = service_description(ORIGIN, empty=True)
    jsonschema.validate(empty, {**document_schema, "components": official["components"]})
    assert {rule for rule, _ in _rules(check_service_description(empty, BASE, ALL_SERVED))} == {
        "discovery-info",
        "discovery-oauth",
        "discovery-flows",
        "discovery-scopes",
        "discovery-servers",
        "discovery-paths",
    }


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        (("info", "termsOfService"), None, "discovery-info"),
        (("info", "termsOfService"), "", "discovery-info"),
        (("info", "termsOfService"), "/terms", "discovery-info"),
        (("info", "x-imssf-privacyPolicyUrl"), None, "discovery-info"),
        (("info", "title"), None, "discovery-info"),
        (("info", "title"), "  ", "discovery-info"),
        (("info", "version"), 3, "discovery-info"),
        (("info", "x-imssf-image"), None, "discovery-info"),
        (("info", "x-imssf-image"), "logo.png", "discovery-info"),
        (("openapi",), "3.1.0", "discovery-openapi"),
        (("openapi",), None, "discovery-openapi"),
        ((*OAUTH, "type"), "http", "discovery-oauth"),
        ((*OAUTH, "x-imssf-registrationUrl"), None, "discovery-oauth"),
        ((*FLOW, "authorizationUrl"), None, "discovery-flows"),
        ((*FLOW, "tokenUrl"), "", "discovery-flows"),
        ((*FLOW, "refreshUrl"), None, "discovery-flows"),
        ((*FLOW, "scopes"), {}, "discovery-scopes"),
        ((*FLOW, "scopes", OB3_SCOPES[0]), None, "discovery-scopes"),
        (("servers",), [{"url": "https://elsewhere.example/ims/ob/v3p0"}], "discovery-servers"),
        (("servers",), [{"url": "/"}], "discovery-servers"),
    ],
)
def test_a_member_the_text_requires_is_a_finding_when_wrong(
    path: tuple[str, ...], value: Any, rule: str
) -> None:
    document = _document()
    _at(document, *path[:-1])[path[-1]] = value
    findings = check_service_description(document, BASE, ALL_SERVED)
    assert [finding.rule for finding in findings] == [rule], findings
    assert all(finding.section for finding in findings)


@pytest.mark.parametrize(
    "path",
    [("info", "termsOfService"), ("info", "x-imssf-privacyPolicyUrl"), (*FLOW, "refreshUrl")],
)
def test_a_missing_member_is_a_finding(path: tuple[str, ...]) -> None:
    document = _document()
    del _at(document, *path[:-1])[path[-1]]
    (finding,) = check_service_description(document, BASE, ALL_SERVED)
    assert "is required" in finding.message


def test_no_oauth_scheme_is_one_finding() -> None:
    document = _document()
    document["components"]["securitySchemes"] = {}
    assert _rules(check_service_description(document, BASE, ALL_SERVED)) == [
        ("discovery-oauth", "/components/securitySchemes/OAuth2ACG")
    ]


@pytest.mark.parametrize(
    "servers",
    [
        [{"url": "/ims/ob/v3p0"}],
        [{"url": "HTTPS://Host.Example:443/ims/ob/v3p0/"}],
        [{"url": "https://other.example"}, {"url": BASE}],
        [
            {
                "url": "https://host.example/{prefix}",
                "variables": {"prefix": {"default": "ims/ob/v3p0"}},
            }
        ],
    ],
)
def test_servers_naming_the_base_in_any_legitimate_spelling_draw_no_finding(
    servers: list[dict[str, Any]],
) -> None:
    document = _document()
    document["servers"] = servers
    assert check_service_description(document, BASE, ALL_SERVED) == []


def test_an_operation_served_but_not_described_is_a_finding() -> None:
    document = _document()
    del document["paths"]["/profile"]
    assert _rules(check_service_description(document, BASE, ALL_SERVED)) == [
        ("discovery-paths", "/paths/~1profile/get")
    ]


def test_an_operation_described_but_not_served_is_a_finding() -> None:
    served = {**ALL_SERVED, ("get", "/profile"): False}
    (finding,) = check_service_description(_document(), BASE, served)
    assert finding.pointer == "/paths/~1profile/get" and "not served" in finding.message


def test_operations_not_probed_are_not_judged() -> None:
    document = _document()
    document["paths"] = {}
    assert check_service_description(document, BASE, None) == []
    assert check_service_description(document, BASE, {}) == []


def test_served_operations_reads_the_answers_without_a_token() -> None:
    answers = {"/credentials": 401, "/profile": 404, "/discovery": 200}
    asked: list[tuple[str, str]] = []

    def probe(method: str, url: str) -> int | None:
        asked.append((method, url))
        return answers[url.removeprefix(BASE)]

    assert served_operations(BASE, probe) == {
        ("get", "/credentials"): True,
        ("get", "/profile"): False,
        ("get", "/discovery"): True,
    }
    assert {method for method, _ in asked} == {"GET"}


@pytest.mark.parametrize("status", [None, 500, 503])
def test_an_answer_that_says_nothing_leaves_the_operation_out(status: int | None) -> None:
    assert served_operations(BASE, lambda _method, _url: status) == {}


@pytest.mark.parametrize(
    ("base", "servers"),
    [
        (BASE, []),
        (ORIGIN + "/tenant-a/ims/ob/v3p0", []),
        (ORIGIN + "/ims/ob/v3p0/", []),
        # Another way in to a Host that names the OB 3.0 base: the servers rule says so.
        (ORIGIN + "/gateway", [{"url": BASE}]),
    ],
)
def test_the_ob3_base_path_draws_no_base_path_finding(
    base: str, servers: list[dict[str, str]]
) -> None:
    assert check_base_path(base, {"servers": servers}) == []


@pytest.mark.parametrize(
    ("base", "document", "served_at"),
    [
        (ORIGIN, {"servers": [{"url": ORIGIN}]}, "/"),
        (ORIGIN, None, "/"),
        (ORIGIN + "/api/v1", {"servers": [{"url": "/api/v1"}]}, "/api/v1"),
    ],
)
def test_a_host_serving_the_api_elsewhere_gets_one_base_path_finding(
    base: str, document: Any, served_at: str
) -> None:
    (finding,) = check_base_path(base, copy.deepcopy(document))
    assert finding.rule == "base-path" and finding.actual == served_at
    assert finding.section
