"""What a target offers, learned before the suites run: read-only probes and its OpenAPI.

OB 3.0 defines discovery, ``/credentials`` and ``/profile`` and leaves much to the Host:
badgegate's extension API (``/ext/*``), the provider-state endpoint of the contracts, the OAuth
endpoints at the paths badgegate's own document gives them, the page size when no ``limit`` is
asked for, compact JWS credentials. A check that needs one of these asks :class:`Capabilities`
and is *not applicable* (with the reason) where the target does not offer it: never failed,
never retried.

What the probes find decides. The discovery document is read for what it advertises (grants,
OAuth URLs, paths) and where it disagrees with the probes, that is reported as a disagreement —
a finding of its own, not a switch that turns checks off.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
import yaml

if TYPE_CHECKING:
    from badgegate.client import BadgeEngineClient
    from badgegate.config import HarnessConfig

#: The capabilities, by the name a "not applicable" reason gives them.
EXTENSION_API = "badgegate's extension API (/ext/*)"
PROVIDER_STATES = "a provider-state endpoint"
OAUTH_REGISTRATION = "dynamic client registration at <base>/oauth/register"
OAUTH_TOKEN = "a token endpoint at <base>/oauth/token"
OAUTH_AUTHORIZE = "an authorization endpoint at <base>/oauth/authorize"
OAUTH_REVOCATION = "token revocation at <base>/oauth/revoke"
CLIENT_CREDENTIALS = "the client-credentials grant"

#: badgegate's own document places the OAuth endpoints at these paths of the API base.
OAUTH_PATHS: dict[str, str] = {
    "/oauth/register": OAUTH_REGISTRATION,
    "/oauth/token": OAUTH_TOKEN,
    "/oauth/authorize": OAUTH_AUTHORIZE,
    "/oauth/revoke": OAUTH_REVOCATION,
}
#: OpenAPI flow names -> OAuth 2.0 grant types.
_FLOW_GRANTS = {
    "authorizationCode": "authorization_code",
    "clientCredentials": "client_credentials",
    "implicit": "implicit",
    "password": "password",
}
#: Answers that say "no such resource here" (RFC 9110 §15.5.5, §15.5.6, §15.6.2).
_ABSENT = frozenset({404, 405, 410, 501})


@dataclasses.dataclass(frozen=True)
class Capabilities:
    """What one target offers, and how each was learned (``evidence``)."""

    base_url: str
    offered: frozenset[str]
    grants: tuple[str, ...] = ()
    default_page_size: int | None = None
    jws: bool = False
    openapi: str = "discovery"
    described: frozenset[str] = frozenset()
    evidence: tuple[str, ...] = ()
    disagreements: tuple[str, ...] = ()

    def offers(self, capability: str) -> bool:
        """True when the target offers ``capability`` (one of this module's names)."""
        return capability in self.offered

    def missing(self, *capabilities: str) -> str | None:
        """The "not applicable" reason for a check needing ``capabilities``, or ``None``."""
        for capability in capabilities:
            if capability not in self.offered:
                return not_applicable(capability)
        return None

    def operation_reason(self, path: str) -> str | None:
        """Why an operation of badgegate's document at ``path`` does not apply here, or ``None``.

        ``/ext/*`` needs the extension API and ``/oauth/*`` the endpoint at that path; what OB
        3.0 itself defines always applies.
        """
        if path.startswith("/ext/"):
            return self.missing(EXTENSION_API)
        if path in OAUTH_PATHS:
            return self.missing(OAUTH_PATHS[path])
        return None

    def environment(self) -> dict[str, str]:
        """The capabilities as the report's environment shows them (no secrets)."""
        page = (
            str(self.default_page_size)
            if self.default_page_size is not None
            else "not learned (every credential fits one page)"
        )
        return {
            "base url": self.base_url,
            "openapi": self.openapi,
            "extension api": _yes_no(self.offers(EXTENSION_API)),
            "provider states": _yes_no(self.offers(PROVIDER_STATES)),
            "grants": ", ".join(self.grants) or "none advertised",
            "oauth endpoints": ", ".join(
                path for path, name in OAUTH_PATHS.items() if self.offers(name)
            )
            or "none at badgegate's paths",
            "page size without limit": page,
            "compact jws": _yes_no(self.jws),
            "discovery disagrees": "; ".join(self.disagreements) or "no",
        }

    def describe(self) -> list[str]:
        """One line per capability, for the terminal."""
        return [f"{key}: {value}" for key, value in self.environment().items()]


def not_applicable(capability: str) -> str:
    """The skip reason of a check that needs ``capability``."""
    return f"not applicable: {capability} not offered by the target"


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def learn(
    client: BadgeEngineClient,
    config: HarnessConfig,
    *,
    state_url: str | None,
    writable: bool,
) -> Capabilities:
    """Probe the target behind ``client`` (read-only unless ``writable``) and read its OpenAPI."""
    from badgegate.client.auth import ClientCredentials

    base = client.base_url.rstrip("/")
    evidence: list[str] = []
    offered: set[str] = set()
    discovery = _discovery(client, evidence)
    described_doc, openapi = _described_document(config, discovery, evidence)
    described = frozenset(_operations(described_doc))

    if _extension_api(client, evidence):
        offered.add(EXTENSION_API)
    if state_url and _provider_states(client.transport.session, state_url, evidence):
        offered.add(PROVIDER_STATES)
    advertised = _advertised_oauth(discovery, base)
    for path, name in OAUTH_PATHS.items():
        if path in advertised:
            offered.add(name)
            evidence.append(f"{path}: named by discovery")
    if OAUTH_REVOCATION not in offered and (
        "POST /oauth/revoke" in described
        or (writable and _revocation(client.transport.session, base, evidence))
    ):
        offered.add(OAUTH_REVOCATION)
    grants = list(_advertised_grants(discovery))
    if isinstance(client.tokens, ClientCredentials):
        # The harness itself logged in with the grant (the start-up check proved it works).
        offered.add(CLIENT_CREDENTIALS)
    if "client_credentials" in grants:
        offered.add(CLIENT_CREDENTIALS)
    elif CLIENT_CREDENTIALS in offered:
        grants.append("client_credentials (badgegate's own login; not advertised)")
    page_size, jws = _first_page(client, evidence)
    jws = jws or _accepts_jws(described_doc)

    disagreements = _disagreements(described, offered, base)
    return Capabilities(
        base_url=base,
        offered=frozenset(offered),
        grants=tuple(grants),
        default_page_size=page_size,
        jws=jws,
        openapi=openapi,
        described=described,
        evidence=tuple(evidence),
        disagreements=tuple(disagreements),
    )


def _discovery(client: BadgeEngineClient, evidence: list[str]) -> dict[str, Any]:
    from badgegate.client import EngineError, EngineUnreachable

    try:
        found = client.discovery()
    except EngineUnreachable:
        raise
    except EngineError as error:
        evidence.append(f"discovery: not read ({error})")
        return {}
    return found if isinstance(found, dict) else {}


def _described_document(
    config: HarnessConfig, discovery: dict[str, Any], evidence: list[str]
) -> tuple[dict[str, Any], str]:
    if config.openapi:
        location = str(config.openapi)
        if "://" not in location:
            try:
                loaded = yaml.safe_load(Path(location).read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError) as error:
                evidence.append(f"openapi: {location} not read ({error})")
                return discovery, "discovery"
            if isinstance(loaded, dict):
                return loaded, location
    return discovery, "discovery"


def _operations(document: Mapping[str, Any]) -> Iterable[str]:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in item:
            if method in ("get", "put", "post", "delete", "patch", "head", "options"):
                yield f"{method.upper()} {path}"


def _extension_api(client: BadgeEngineClient, evidence: list[str]) -> bool:
    from badgegate.client import EngineHTTPError, EngineUnreachable, ProtocolError

    try:
        client.list_achievements(limit=1)
    except EngineUnreachable:
        raise
    except EngineHTTPError as error:
        evidence.append(f"extension API: GET /ext/achievements answered {error.status}")
        return error.status not in _ABSENT and error.status < 500 and error.status != 400
    except ProtocolError as error:
        evidence.append(f"extension API: GET /ext/achievements is not a list page ({error})")
        return False
    evidence.append("extension API: GET /ext/achievements answered a page")
    return True


def _provider_states(session: requests.Session, state_url: str, evidence: list[str]) -> bool:
    """The endpoint takes ``POST`` only: a ``GET`` answered 405 shows it is there."""
    try:
        response = session.get(state_url, timeout=10)
    except requests.RequestException as error:
        evidence.append(f"provider states: {state_url} did not answer ({error})")
        return False
    evidence.append(f"provider states: GET {state_url} answered {response.status_code}")
    return response.status_code not in (404, 410, 501)


def _revocation(session: requests.Session, base: str, evidence: list[str]) -> bool:
    """RFC 7009 §2.2: a request without ``token`` is refused with 400 ``invalid_request``."""
    try:
        response = session.post(f"{base}/oauth/revoke", data={}, timeout=10)
    except requests.RequestException:
        return False
    evidence.append(
        f"revocation: POST /oauth/revoke without a token answered {response.status_code}"
    )
    return response.status_code not in _ABSENT


def _advertised_oauth(discovery: Mapping[str, Any], base: str) -> set[str]:
    found: set[str] = set()
    for scheme in _schemes(discovery):
        if scheme.get("x-imssf-registrationUrl") == f"{base}/oauth/register":
            found.add("/oauth/register")
        flows = scheme.get("flows")
        for flow in flows.values() if isinstance(flows, dict) else ():
            if not isinstance(flow, dict):
                continue
            if flow.get("authorizationUrl") == f"{base}/oauth/authorize":
                found.add("/oauth/authorize")
            if f"{base}/oauth/token" in (flow.get("tokenUrl"), flow.get("refreshUrl")):
                found.add("/oauth/token")
    return found


def _advertised_grants(discovery: Mapping[str, Any]) -> Iterable[str]:
    seen: list[str] = []
    for scheme in _schemes(discovery):
        flows = scheme.get("flows")
        for name, flow in flows.items() if isinstance(flows, dict) else ():
            grant = _FLOW_GRANTS.get(str(name), str(name))
            if grant not in seen:
                seen.append(grant)
            if isinstance(flow, dict) and flow.get("refreshUrl") and "refresh_token" not in seen:
                seen.append("refresh_token")
    return seen


def _schemes(discovery: Mapping[str, Any]) -> list[dict[str, Any]]:
    components = discovery.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if not isinstance(schemes, dict):
        return []
    return [s for s in schemes.values() if isinstance(s, dict) and s.get("type") == "oauth2"]


def _first_page(client: BadgeEngineClient, evidence: list[str]) -> tuple[int | None, bool]:
    """The page size the target chooses when no ``limit`` is asked for, and whether it serves
    compact JWS credentials (a page's items are ``credential[]`` and ``compactJwsString[]``)."""
    from badgegate.client import EngineError, EngineUnreachable

    try:
        page = client.list_credentials()
    except EngineUnreachable:
        raise
    except EngineError as error:
        evidence.append(f"page size: GET /credentials without limit failed ({error})")
        return None, False
    jws = bool(page.compact_jws)
    if page.total is not None and page.total > len(page):
        evidence.append(f"page size: {len(page)} of {page.total} credentials without limit")
        return len(page), jws
    evidence.append(f"page size: not learned ({len(page)} credential(s), all on one page)")
    return None, jws


def _accepts_jws(document: Mapping[str, Any]) -> bool:
    paths = document.get("paths")
    post = (paths or {}).get("/credentials", {}).get("post") if isinstance(paths, dict) else None
    body = post.get("requestBody") if isinstance(post, dict) else None
    content = body.get("content") if isinstance(body, dict) else None
    return isinstance(content, dict) and "text/plain" in content


def _disagreements(described: frozenset[str], offered: set[str], base: str) -> list[str]:
    """Where what the target's document describes and what the probes found differ."""
    problems = []
    ext_described = sorted(op for op in described if op.split(" ", 1)[1].startswith("/ext/"))
    if ext_described and EXTENSION_API not in offered:
        problems.append(
            f"the target's OpenAPI describes {ext_described[0]} but GET /ext/achievements at "
            f"{base} is not served"
        )
    return problems
