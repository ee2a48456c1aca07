"""badge-engine's OpenAPI document: valid OpenAPI 3.1, every reference resolves, and it
describes exactly the routes and scopes of the reference engine."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest
import yaml

from badgegate import scopes

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCUMENT_PATH = REPO_ROOT / "schemas" / "openapi" / "badge-engine.yaml"
API_BASE = "/ims/ob/v3p0"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TEST_ENDPOINT_PREFIX = "/_badgegate/"
OAUTH_OPERATIONS = {"registerClient", "requestAccessToken", "revokeToken"}
IMSX_FAILURE = "#/components/schemas/ImsxFailure"


def load(path: Path) -> Any:
    """Parse a YAML or JSON file."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The OpenAPI document as a dict."""
    loaded: dict[str, Any] = load(DOCUMENT_PATH)
    return loaded


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (path, method, operation) of the document."""
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def resolve(root: dict[str, Any], fragment: str) -> Any:
    """Follow a JSON pointer fragment (``/a/b``) inside ``root``."""
    node: Any = root
    for token in [part for part in fragment.split("/") if part]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def references(node: Any) -> Iterator[str]:
    """Every ``$ref`` value anywhere under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    assert document["openapi"].startswith("3.1.")
    try:
        validate(document, base_uri=DOCUMENT_PATH.as_uri())
    except OpenAPIValidationError as error:  # pragma: no cover - the failure message is the point
        pytest.fail(f"openapi-spec-validator rejects {DOCUMENT_PATH.name}: {error}")


def test_every_reference_resolves() -> None:
    pending = [DOCUMENT_PATH.resolve()]
    seen: set[Path] = set()
    unresolved = []
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        root = load(path)
        for reference in references(root):
            target, fragment = urldefrag(reference)
            file = (path.parent / target).resolve() if target else path
            if target and not file.is_file():
                unresolved.append(f"{path.name}: {reference} (no file {file})")
                continue
            if file != path:
                pending.append(file)
            try:
                resolve(load(file) if file != path else root, fragment)
            except (KeyError, IndexError, ValueError):
                unresolved.append(f"{path.name}: {reference}")
    assert not unresolved, "unresolved $ref:\n" + "\n".join(unresolved)


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids)), ids


def engine_routes(tmp_path: Path) -> set[tuple[str, str]]:
    """(method, path) of every route the engine's app factory mounts, outside /_badgegate/.

    Read through FastAPI's own description of ``app.routes`` (``app.openapi()``), which
    flattens included routers.
    """
    from fastapi import FastAPI

    from badgegate.engine.app import create_app
    from badgegate.engine.context import EngineSettings

    app: Any = create_app(
        EngineSettings(engine_db=str(tmp_path / "engine.db"), test_endpoints=True)
    )
    while not isinstance(app, FastAPI):
        app = app.app
    routes = set()
    for path, item in app.openapi()["paths"].items():
        if path.startswith(TEST_ENDPOINT_PREFIX):
            continue
        for method in set(item) & set(HTTP_METHODS) - {"head", "options"}:
            routes.add((method.upper(), normalise_template(path)))
    assert routes, "the engine's app factory mounted no routes"
    return routes


def normalise_template(path: str) -> str:
    """A path template with its parameter names blanked (``/runs/{run}`` -> ``/runs/{}``)."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_document_and_engine_have_the_same_operations(
    document: dict[str, Any], tmp_path: Path
) -> None:
    server = document["servers"][0]["url"]
    documented = {
        (method.upper(), normalise_template(server + path))
        for path, method, _ in operations(document)
    }
    routed = engine_routes(tmp_path)
    assert sorted(routed - documented) == [], "routed by the engine but not documented"
    assert sorted(documented - routed) == [], "documented but not routed by the engine"


def test_security_schemes_offer_every_scope_and_both_grants(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    code_flow = schemes["OAuth2ACG"]["flows"]["authorizationCode"]
    client_flow = schemes["OAuth2ClientCredentials"]["flows"]["clientCredentials"]
    assert set(code_flow["scopes"]) == set(scopes.ALL_SCOPES)
    assert set(client_flow["scopes"]) == set(scopes.ALL_SCOPES)
    assert client_flow["tokenUrl"] == API_BASE + "/oauth/token"


def test_every_operation_states_its_security(document: dict[str, Any]) -> None:
    unauthenticated = {
        "getServiceDescription",
        "registerClient",
        "requestAuthorization",
        "getIssuerKeys",
    }
    for path, method, operation in operations(document):
        requirements = operation["security"]
        used = {
            scope
            for requirement in requirements
            for names in requirement.values()
            for scope in names
        }
        assert used <= set(scopes.ALL_SCOPES), (path, method, used)
        if operation["operationId"] in unauthenticated:
            assert requirements == [], (path, method)
        elif operation["operationId"] in ("requestAccessToken", "revokeToken"):
            assert requirements == [{"ClientBasic": []}]
        else:
            assert {name for requirement in requirements for name in requirement} == {
                "OAuth2ACG",
                "OAuth2ClientCredentials",
            }, (path, method)
            assert "401" in operation["responses"], (path, method)


def test_error_responses_are_imsx_status_info(document: dict[str, Any]) -> None:
    components = document["components"]
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if not status.startswith(("4", "5")):
                continue
            if operation["operationId"] in OAUTH_OPERATIONS and status in ("400", "401"):
                continue
            assert "$ref" in response, (path, method, status)
            body = resolve(components, response["$ref"].split("/components", 1)[1])
            schema_ref = body["content"]["application/json"]["schema"]["$ref"]
            schema = resolve(components, schema_ref.split("/components", 1)[1])
            assert {"$ref": IMSX_FAILURE} in schema["allOf"], (path, method, status)


def test_required_headers_of_errors_and_lists(document: dict[str, Any]) -> None:
    responses = document["components"]["responses"]
    assert "WWW-Authenticate" in responses["Unauthorized"]["headers"]
    assert "Allow" in responses["MethodNotAllowed"]["headers"]
    assert "Retry-After" in responses["ServiceUnavailable"]["headers"]
    assert "content" not in responses["NotModified"]
    for path, method, operation in operations(document):
        if method == "get" and {"limit", "offset"} <= parameter_names(document, operation):
            headers = operation["responses"]["200"]["headers"]
            assert {"X-Total-Count", "Link"} <= set(headers), (path, method)


def parameter_names(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    """The names of an operation's own parameters."""
    names = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = resolve(document, parameter["$ref"].lstrip("#"))
        names.add(parameter["name"])
    return names


def test_paging_parameters_have_the_engine_bounds(document: dict[str, Any]) -> None:
    from badgegate.engine.routes.paging import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET

    parameters = document["components"]["parameters"]
    limit, offset = parameters["limit"]["schema"], parameters["offset"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, MAX_LIMIT, DEFAULT_LIMIT)
    assert (offset["minimum"], offset["maximum"], offset["default"]) == (0, MAX_OFFSET, 0)
    assert parameters["since"]["schema"]["format"] == "date-time"


def test_links_name_existing_operations(document: dict[str, Any]) -> None:
    ids = {operation["operationId"] for _, _, operation in operations(document)}
    links = document["components"]["links"]
    assert {link["operationId"] for link in links.values()} <= ids
    expected = {
        "upsertCredential": "getCredentials",
        "putProfile": "getProfile",
        "upsertAchievement": "getAchievement",
        "upsertProgress": "getProgress",
    }
    for _, _, operation in operations(document):
        target = expected.get(operation["operationId"])
        if target is None:
            continue
        for status in ("200", "201") if operation["operationId"] != "putProfile" else ("200",):
            (link,) = operation["responses"][status]["links"].values()
            assert links[link["$ref"].rsplit("/", 1)[1]]["operationId"] == target


def test_links_build_a_schemathesis_state_machine() -> None:
    import schemathesis

    document = schemathesis.openapi.from_path(DOCUMENT_PATH)
    workflow = document.as_state_machine()
    assert len(workflow.bundles) >= 4
