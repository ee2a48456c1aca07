"""The Service Description Document (``GET /discovery``) judged by the text of OB 3.0.

The official schema of the document is looser than the specification's text: it types
``info.termsOfService`` as any string and says nothing of the OAuth flows or their scopes. The
rules here follow the text: the data model of the document (``ServiceDescriptionDocument``,
``OpenApiInfo``, ``OpenApiOAuth2SecurityScheme``), the OAuth 2.0 Authorization Code Grant it
must describe, and a description that matches what the Host serves at the base it names.
Each rule returns findings; none sends a request (the suites probe and pass the answers in).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

from badgegate.findings import Finding
from badgegate.ob3 import API_BASE_PATH
from badgegate.scopes import OB3_SCOPES

SDD = "OB 3.0 ServiceDescriptionDocument"
INFO = "OB 3.0 OpenApiInfo"
OAUTH = "OB 3.0 OpenApiOAuth2SecurityScheme"
FLOW = "OB 3.0 API Security (ACG), OpenAPI 3.0 OAuth Flow Object"
API = "OB 3.0 Open Badges API"
#: The OB 3.0 operations a read-only probe may call: (method, path under the base, operationId).
READ_OPERATIONS: tuple[tuple[str, str, str], ...] = (
    ("get", "/credentials", "getCredentials"),
    ("get", "/profile", "getProfile"),
    ("get", "/discovery", "getServiceDescription"),
)
#: Answers that say an operation is not there (RFC 9110: not found, gone, method not allowed,
#: not implemented).
NOT_SERVED = frozenset({404, 405, 410, 501})
_OPENAPI_30 = re.compile(r"3\.0\.[0-9]+")
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_VARIABLE = re.compile(r"\{([^{}]+)\}")

#: ``status(method, url)``: the status a read-only request answers, ``None`` when none came.
Probe = Callable[[str, str], int | None]


def check_service_description(
    document: Any, base_url: str, served: Mapping[tuple[str, str], bool] | None = None
) -> list[Finding]:
    """Every finding about ``document`` served at ``<base_url>/discovery``: the info, the
    OAuth 2.0 scheme, the servers and, when ``served`` says which OB 3.0 operations answer
    (see :func:`served_operations`), the paths."""
    if not isinstance(document, dict):
        return [
            _finding("discovery", "", "the document is no JSON object", "object", document, SDD)
        ]
    findings = _openapi(document) + check_info(document.get("info"))
    findings += check_oauth_scheme(document.get("components"))
    findings += check_servers(document, base_url)
    if served is not None:
        findings += check_paths(document.get("paths"), served)
    return findings


def _openapi(document: dict[str, Any]) -> list[Finding]:
    version = document.get("openapi")
    if isinstance(version, str) and _OPENAPI_30.fullmatch(version):
        return []
    return [
        _finding(
            "discovery-openapi",
            "/openapi",
            "openapi must be the 3.0.x version of the profiled OB 3.0 OpenAPI document",
            "3.0.x",
            version,
            SDD,
        )
    ]


def check_info(info: Any) -> list[Finding]:
    """``info``: ``title`` and ``version`` non-empty strings, ``termsOfService`` and
    ``x-imssf-privacyPolicyUrl`` fully qualified URLs, ``x-imssf-image`` a URI when present."""
    if not isinstance(info, dict):
        return [_finding("discovery-info", "/info", "info is required", "object", info, INFO)]
    findings = [
        *_text(info, "title", "/info/title", INFO),
        *_text(info, "version", "/info/version", INFO),
        *_url(info, "termsOfService", "/info", INFO),
        *_url(info, "x-imssf-privacyPolicyUrl", "/info", INFO),
    ]
    if "x-imssf-image" in info:
        image = info["x-imssf-image"]
        if not (isinstance(image, str) and _URI_SCHEME.match(image)):
            findings.append(
                _finding(
                    "discovery-info",
                    "/info/x-imssf-image",
                    "x-imssf-image, when present, must be a URI (a URL or a data: URI)",
                    "URI",
                    image,
                    INFO,
                )
            )
    return findings


def check_oauth_scheme(components: Any) -> list[Finding]:
    """``components.securitySchemes.OAuth2ACG``: ``type: oauth2``, a registration URL and the
    authorization code flow with its URLs and the four OB 3.0 scopes."""
    where = "/components/securitySchemes/OAuth2ACG"
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    scheme = schemes.get("OAuth2ACG") if isinstance(schemes, dict) else None
    if not isinstance(scheme, dict):
        return [
            _finding(
                "discovery-oauth",
                where,
                "the OAuth2ACG scheme is required: a Host supports the Authorization Code Grant",
                "object",
                scheme,
                OAUTH,
            )
        ]
    findings = []
    if scheme.get("type") != "oauth2":
        kind = scheme.get("type")
        findings.append(
            _finding(
                "discovery-oauth", where + "/type", "type must be oauth2", "oauth2", kind, OAUTH
            )
        )
    findings += _url(scheme, "x-imssf-registrationUrl", where, OAUTH)
    return findings + _authorization_code(scheme.get("flows"), where + "/flows/authorizationCode")


def _authorization_code(flows: Any, where: str) -> list[Finding]:
    flow = flows.get("authorizationCode") if isinstance(flows, dict) else None
    if not isinstance(flow, dict):
        return [
            _finding(
                "discovery-oauth", where, "the authorizationCode flow is required", "object", flow
            )
        ]
    findings = [
        finding
        for name in ("authorizationUrl", "tokenUrl", "refreshUrl")
        for finding in _text(flow, name, f"{where}/{name}", FLOW)
    ]
    scopes = flow.get("scopes")
    if not isinstance(scopes, dict):
        return [
            *findings,
            _finding(
                "discovery-scopes",
                where + "/scopes",
                "scopes must map each scope to a description",
                "object",
                scopes,
            ),
        ]
    missing = [scope for scope in OB3_SCOPES if scope not in scopes]
    if missing:
        findings.append(
            _finding(
                "discovery-scopes",
                where + "/scopes",
                f"scopes lack {len(missing)} of the four OB 3.0 scopes",
                list(OB3_SCOPES),
                sorted(scopes),
                FLOW,
            )
        )
    for scope, text in scopes.items():
        if not isinstance(text, str):
            pointer = f"{where}/scopes/{_escape(scope)}"
            findings.append(
                _finding(
                    "discovery-scopes",
                    pointer,
                    "a scope's description must be a string",
                    "string",
                    text,
                    FLOW,
                )
            )
    return findings


def check_servers(document: dict[str, Any], base_url: str) -> list[Finding]:
    """``servers`` names the base the API is served at (a relative server URL is resolved
    against the document's own URL; no ``servers`` means ``/``, as OpenAPI 3.0 says)."""
    servers = document.get("servers")
    if servers is None:
        servers = [{"url": "/"}]
    urls = server_urls(servers, base_url + "/discovery")
    if _normal(base_url) in {_normal(url) for url in urls}:
        return []
    return [
        _finding(
            "discovery-servers",
            "/servers",
            "servers name no server at the base the API is served at",
            base_url,
            urls or servers,
            SDD,
        )
    ]


def server_urls(servers: Any, document_url: str) -> list[str]:
    """The absolute URL of each server entry (variables set to their defaults)."""
    if not isinstance(servers, list):
        return []
    return [
        urljoin(document_url, _expand(server["url"], server.get("variables")))
        for server in servers
        if isinstance(server, dict) and isinstance(server.get("url"), str)
    ]


def _expand(url: str, variables: Any) -> str:
    """``url`` with each ``{name}`` replaced by the variable's default."""
    known = variables if isinstance(variables, dict) else {}

    def default(match: re.Match[str]) -> str:
        variable = known.get(match.group(1))
        value = variable.get("default") if isinstance(variable, dict) else None
        return str(value) if value is not None else match.group(0)

    return _VARIABLE.sub(default, url)


def served_operations(base_url: str, probe: Probe) -> dict[tuple[str, str], bool]:
    """Which of OB 3.0's read operations the target serves: ``probe`` is asked for each
    (without a token: a 401 is served too); a 404, 405, 410 or 501 is not served. An
    operation whose answer says neither (no answer, a 5xx) is left out."""
    served = {}
    for method, path, _ in READ_OPERATIONS:
        status = probe(method.upper(), base_url + path)
        if status is None or (status >= 500 and status not in NOT_SERVED):
            continue
        served[(method, path)] = status not in NOT_SERVED
    return served


def check_paths(paths: Any, served: Mapping[tuple[str, str], bool]) -> list[Finding]:
    """``paths`` describes every OB 3.0 operation that is served and none that is not."""
    described = _described(paths)
    findings = []
    names = {(method, path): name for method, path, name in READ_OPERATIONS}
    for (method, path), is_served in sorted(served.items()):
        operation = f"{method.upper()} {path} ({names.get((method, path), 'OB 3.0')})"
        if is_served and (method, path) not in described:
            message = f"{operation} is served but not described"
        elif not is_served and (method, path) in described:
            message = f"{operation} is described but not served (404/405/410/501)"
        else:
            continue
        pointer = f"/paths/{_escape(path)}/{method}"
        findings.append(_finding("discovery-paths", pointer, message, None, None, SDD))
    return findings


def _described(paths: Any) -> set[tuple[str, str]]:
    if not isinstance(paths, dict):
        return set()
    return {
        (method.lower(), path)
        for path, item in paths.items()
        if isinstance(item, dict)
        for method in item
        if isinstance(item[method], dict)
    }


def check_base_path(base_url: str, document: Any) -> list[Finding]:
    """The API is served under ``/ims/ob/v3p0`` (a tenant prefix before it is allowed).

    One finding when the base given does not end in it and the document's ``servers`` name no
    such base either: the Host itself serves the API elsewhere (at its root, say). When the
    servers do name an OB 3.0 base, the base given is only another way in, and
    :func:`check_servers` reports the mismatch instead.
    """
    given = urlsplit(base_url).path.rstrip("/")
    if given.endswith(API_BASE_PATH):
        return []
    servers = document.get("servers") if isinstance(document, dict) else None
    named = server_urls(servers, base_url + "/discovery")
    if any(urlsplit(url).path.rstrip("/").endswith(API_BASE_PATH) for url in named):
        return []
    return [
        _finding(
            "base-path",
            "",
            f"the OB 3.0 API is served at {given or '/'}, not under {API_BASE_PATH}",
            API_BASE_PATH,
            given or "/",
            API,
        )
    ]


def _text(owner: dict[str, Any], name: str, pointer: str, section: str) -> list[Finding]:
    value = owner.get(name)
    if isinstance(value, str) and value.strip():
        return []
    message = f"{name} is required" if name not in owner else f"{name} must be a non-empty string"
    return [_finding("discovery-" + _rule(pointer), pointer, message, "string", value, section)]


def _url(owner: dict[str, Any], name: str, where: str, section: str) -> list[Finding]:
    value = owner.get(name)
    pointer = f"{where}/{name}"
    if isinstance(value, str):
        parts = urlsplit(value.strip())
        if parts.scheme and parts.netloc:
            return []
    problem = "is required" if name not in owner else "must be"
    message = f"{name} {problem} a fully qualified URL"
    return [_finding("discovery-" + _rule(pointer), pointer, message, "URL", value, section)]


def _rule(pointer: str) -> str:
    if pointer.startswith("/info"):
        return "info"
    return "flows" if "/flows/" in pointer else "oauth"


def _normal(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    host = (parts.hostname or "").lower()
    netloc = host if port in (None, default) else f"{host}:{port}"
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _finding(
    rule: str,
    pointer: str,
    message: str,
    expected: Any,
    actual: Any,
    section: str = FLOW,
) -> Finding:
    return Finding(
        rule,
        message,
        pointer,
        expected=expected,
        actual=actual,
        section=section,
    )


def render(findings: Iterable[Finding]) -> str:
    """One line per finding, naming the section of the specification it breaks."""
    return "\n".join(
        f"{finding.render()} [{finding.section}]" if finding.section else finding.render()
        for finding in findings
    )
