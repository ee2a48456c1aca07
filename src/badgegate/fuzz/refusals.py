"""Authentication of the oauth2 scheme: what every protected operation must refuse.

schemathesis's ``ignored_auth`` covers apiKey, basic and http schemes, not the oauth2 scheme
OB 3.0 declares, so badgegate asks itself. A *protected* operation is one whose security
requirement names an oauth2 scheme of the document. For each, the same generated request — the
first of the document's examples and positive cases the target accepts with the run's token —
is sent again (OB 3.0 API Security: a bearer token with the operation's scope; RFC 6750 §3):

* without a token, with a malformed token, with an unknown token, and without a token but with
  query and JSON body members claiming groups, a role and every scope (an unknown
  ``access_token`` in the query too, RFC 6750 §2.3): 401 with a ``Bearer`` challenge;
* with another tenant's token (reads only, when an isolation token is configured): never this
  tenant's records — a 2xx for one of its records by key, or a list holding any of them, is a
  finding; the other tenant's own (or an empty) list is fine;
* with a token lacking the operation's scopes, as is and with the claiming members: 403 with
  ``error="insufficient_scope"`` in its ``Bearer`` challenge (RFC 6750 §3.1) — when such a token
  can be had; otherwise not applicable, with the reason.

None of these may be answered 2xx. When the target accepts none of the generated cases (a
record by an unknown key, say), "never 2xx" is all that is asked: a target may route before it
authenticates. On a read-only profile only safe operations are probed, and operations the
target does not offer (its learned capabilities) never.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
from collections.abc import Iterator
from typing import Any

import requests

from badgegate.errors import BadgegateError
from badgegate.fuzz.probes import error_body_problems, problem
from badgegate.fuzz.session import FuzzSession

#: What every finding of these checks names.
REQUIREMENT = "OB 3.0 API Security, RFC 6750 §3"
SCOPE_REQUIREMENT = "OB 3.0 API Security, RFC 6750 §3.1"
#: Cases drawn per protected operation while looking for one the target accepts.
CASES_PER_OPERATION = 5
#: A token no server issued that looks like one: an unsigned JWT (``alg: none``) claiming
#: every scope, the way a Host that decodes tokens without verifying them would take it.
MALFORMED_TOKEN = (
    "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
    "eyJzdWIiOiJhZG1pbiIsInNjb3BlIjoiYWxsIiwiZ3JvdXBzIjpbImFkbWluIl19."
)
_COMPACT_JWS = re.compile(r"[\w-]+\.[\w-]+\.[\w-]*")
#: Members a request may carry that claim rights no token granted.
CLAIMED_GROUPS = ["admin"]
#: A token in the query (RFC 6750 §2.3) that no server issued.
UNKNOWN_QUERY_TOKEN = "badgegate-unknown-query-token"


@dataclasses.dataclass(frozen=True)
class Protected:
    """A protected operation, the scopes its oauth2 requirements name, and the request the
    target accepted with the run's token (or the first it refused, when it accepted none)."""

    operation: Any
    scopes: tuple[str, ...]
    request: requests.PreparedRequest
    answer: requests.Response | Any

    @property
    def accepted(self) -> bool:
        """Whether the target answered the request with the run's token 2xx."""
        return 200 <= self.answer.status_code < 300

    @property
    def label(self) -> str:
        """``METHOD /path`` of the operation."""
        return str(self.operation.label)

    @property
    def safe(self) -> bool:
        """Whether the operation reads only."""
        return str(self.operation.method).upper() in ("GET", "HEAD")


def oauth2_scopes(
    raw_document: dict[str, Any], raw_operation: dict[str, Any]
) -> tuple[str, ...] | None:
    """The scopes ``raw_operation``'s oauth2 security requirements name (``None`` when the
    operation is not protected by an oauth2 scheme, or may also be called anonymously)."""
    schemes = (raw_document.get("components") or {}).get("securitySchemes") or {}
    oauth2 = {name for name, scheme in schemes.items() if scheme.get("type") == "oauth2"}
    requirements = raw_operation.get("security", raw_document.get("security")) or []
    if any(not requirement for requirement in requirements):
        return None  # an empty requirement: the operation may be called without credentials
    named = [r for r in requirements if any(name in oauth2 for name in r)]
    if not named:
        return None
    found = {s for r in named for name, listed in r.items() if name in oauth2 for s in listed}
    return tuple(sorted(found))


def protected_operations(session: FuzzSession) -> list[Protected]:
    """Every protected operation the profile may call, with the request the target accepted
    (found once per session: both probes resend the same requests)."""
    if session.protected is None:
        session.protected = list(_find_protected(session))
    return list(session.protected)


def _find_protected(session: FuzzSession) -> Iterator[Protected]:
    from badgegate.fuzz.runner import CaseRunner, operation_allowed

    runner = CaseRunner(session)
    raw = session.schema.raw_schema
    for result in session.schema.get_all_operations():
        operation = result.ok()
        scopes = oauth2_scopes(raw, operation.definition.raw)
        if scopes is None or not operation_allowed(session, operation):
            continue
        if session.not_applicable(str(operation.path)):
            continue  # an operation the target does not offer (its capabilities say why)
        sent = _accepted_or_first(runner, operation)
        if sent is not None:
            yield Protected(operation, scopes, sent.request, sent)


def _accepted_or_first(runner: Any, operation: Any) -> Any:
    """The answer to the first case the target accepts (or to the first case sent)."""
    from schemathesis.generation import GenerationMode

    from badgegate.fuzz.runner import run_strategy

    answers: list[Any] = []

    def send(case: Any) -> None:
        if answers and 200 <= answers[-1].status_code < 300:
            return
        answers.append(runner.call(case))

    def accepted() -> list[Any]:
        return [a for a in answers if 200 <= a.status_code < 300]

    profile = runner.session.profile
    for example in operation.get_strategies_from_examples():
        run_strategy(example, 1, profile.seed, send)
    if not accepted():
        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
        run_strategy(strategy, CASES_PER_OPERATION, profile.seed, send)
    found = accepted()
    return found[0] if found else (answers[0] if answers else None)


def _resend(
    session: FuzzSession,
    request: requests.PreparedRequest,
    authorization: str | None,
    *,
    claims: bool = False,
) -> requests.Response:
    """``request`` again with ``authorization`` (``None``: no header), optionally carrying
    query and JSON body members that claim groups and every scope."""
    probe = request.copy()
    probe.headers.pop("Authorization", None)
    if authorization is not None:
        probe.headers["Authorization"] = authorization
    if claims:
        _add_claims(probe, session)
    return session.session.send(probe, timeout=session.transport.timeout)


def _add_claims(probe: requests.PreparedRequest, session: FuzzSession) -> None:
    every_scope = " ".join(declared_scopes(session.schema.raw_schema))
    claims = {"scope": every_scope, "groups": CLAIMED_GROUPS, "role": "admin"}
    query = {**claims, "groups": ",".join(CLAIMED_GROUPS), "access_token": UNKNOWN_QUERY_TOKEN}
    probe.prepare_url(probe.url, query)
    body = _json_object(probe.body)
    if body is not None:
        body.update({"scopes": every_scope.split(), "groups": CLAIMED_GROUPS, "claims": claims})
        probe.prepare_body(data=None, files=None, json=body)


def _json_object(body: Any) -> dict[str, Any] | None:
    if not body:
        return None
    try:
        parsed = json.loads(body)
    except (ValueError, TypeError):
        return None
    return parsed if isinstance(parsed, dict) else None


def declared_scopes(raw_document: dict[str, Any]) -> tuple[str, ...]:
    """Every scope the document's oauth2 schemes declare, in a stable order."""
    schemes = (raw_document.get("components") or {}).get("securitySchemes") or {}
    found: dict[str, None] = {}
    for scheme in schemes.values():
        if scheme.get("type") != "oauth2":
            continue
        for flow in (scheme.get("flows") or {}).values():
            found.update(dict.fromkeys((flow or {}).get("scopes") or {}))
    return tuple(found)


def _judge_401(protected: Protected, what: str, response: requests.Response) -> list[str]:
    status = response.status_code
    head = f"{protected.label} {what}"
    if 200 <= status < 300:
        return [problem(f"{head} must be refused, never answered 2xx ({REQUIREMENT})", response)]
    problems = []
    if protected.accepted and status != 401:
        problems.append(
            problem(f"{head}: expected 401 with a Bearer challenge ({REQUIREMENT})", response)
        )
    challenge = response.headers.get("WWW-Authenticate", "")
    if status == 401 and not challenge.lower().startswith("bearer"):
        problems.append(
            problem(f"{head}: a 401 must carry WWW-Authenticate: Bearer ({REQUIREMENT})", response)
        )
    return problems + error_body_problems(response)


def token_refusals(session: FuzzSession) -> list[str]:
    """Every protected operation refuses its accepted request without a valid token: none,
    malformed, unknown, claiming groups and scopes, another tenant's (see the module docstring)."""
    unknown = secrets.token_urlsafe(32)
    attempts = (
        ("without a token", None, False),
        ("with a malformed token", f"Bearer {MALFORMED_TOKEN}", False),
        ("with an unknown token", f"Bearer {unknown}", False),
        ("without a token, claiming groups and scopes", None, True),
    )
    problems: list[str] = []
    for protected in protected_operations(session):
        for what, authorization, claims in attempts:
            response = _resend(session, protected.request, authorization, claims=claims)
            problems += _judge_401(protected, what, response)
        if protected.safe:
            problems += _other_tenant(session, protected)
    return problems


def _other_tenant(session: FuzzSession, protected: Protected) -> list[str]:
    tokens = session.isolation.tokens if session.isolation is not None else None
    if tokens is None:
        return []
    response = _resend(session, protected.request, f"Bearer {tokens.token()}")
    if not 200 <= response.status_code < 300 or not protected.accepted:
        return []
    head = f"{protected.label} with another tenant's token"
    if protected.operation.path_parameters:
        return [problem(f"{head} reads this tenant's record ({REQUIREMENT})", response)]
    leaked = sorted(served_ids(response.text) & served_ids(protected.answer.text))
    if leaked:
        return [problem(f"{head} is served this tenant's {leaked[:5]} ({REQUIREMENT})", response)]
    return []


def served_ids(text: str) -> set[str]:
    """The ``id`` of a JSON object and of the objects in its top-level arrays; compact JWS
    strings in those arrays (``compactJwsString``) count as themselves."""
    try:
        body = json.loads(text)
    except ValueError:
        return set()
    if not isinstance(body, dict):
        return set()
    found = {body["id"]} if isinstance(body.get("id"), str) else set()
    for member in body.values():
        for item in member if isinstance(member, list) else ():
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found.add(item["id"])
            elif isinstance(item, str) and _COMPACT_JWS.fullmatch(item):
                found.add(item)
    return found


@dataclasses.dataclass
class ScopeRefusals:
    """What the insufficient-scope probe found, and where it did not apply and why."""

    problems: list[str] = dataclasses.field(default_factory=list)
    not_applicable: list[str] = dataclasses.field(default_factory=list)
    probed: int = 0


def scope_refusals(session: FuzzSession, result: ScopeRefusals | None = None) -> ScopeRefusals:
    """Every protected operation refuses its accepted request with a token lacking its scopes
    (as is and claiming every scope): 403 with ``error="insufficient_scope"``, never 2xx.
    Findings and reasons go into ``result`` (a new one when not given) as they are found."""
    result = ScopeRefusals() if result is None else result
    for protected in protected_operations(session):
        if not protected.scopes:
            result.not_applicable.append(f"{protected.label}: its requirement names no scope")
            continue
        try:
            authorization = session.auth.bearer_without(protected.scopes)
        except BadgegateError as error:
            result.not_applicable.append(f"{protected.label}: {error}")
            continue
        result.probed += 1
        for what, claims in (("", False), (", claiming every scope", True)):
            response = _resend(session, protected.request, authorization, claims=claims)
            result.problems += _judge_403(
                protected, f"with a token lacking its scope{what}", response
            )
    return result


def lacking_scope(session: FuzzSession) -> list[str]:
    """The problems :func:`scope_refusals` found (for callers wanting a plain list)."""
    return scope_refusals(session).problems


def _judge_403(protected: Protected, what: str, response: requests.Response) -> list[str]:
    status = response.status_code
    head = f"{protected.label} {what}"
    if 200 <= status < 300:
        return [
            problem(f"{head} must be refused, never answered 2xx ({SCOPE_REQUIREMENT})", response)
        ]
    if not protected.accepted:
        return []
    challenge = response.headers.get("WWW-Authenticate", "")
    problems = []
    if (
        status != 403
        or "insufficient_scope" not in challenge
        or not challenge.lower().startswith("bearer")
    ):
        problems.append(
            problem(
                f'{head}: expected 403 with WWW-Authenticate: Bearer error="insufficient_scope"'
                f" ({SCOPE_REQUIREMENT}); got WWW-Authenticate {challenge!r}",
                response,
            )
        )
    return problems + error_body_problems(response)
