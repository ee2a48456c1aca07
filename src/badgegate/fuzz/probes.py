"""Follow-up probes of the OB 3.0 rules a single response cannot show.

Each returns a list of problems (a message ending in the curl reproduction of the request
that showed it); an empty list means the rule held. The registered checks run them on
generated traffic; the suite also runs them directly on the data the harness seeded.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from badgegate.checks.imsx import check_error_body
from badgegate.checks.paging import check_paging
from badgegate.checks.stored import (
    CREDENTIAL_SECTION,
    EXTENSION_SECTION,
    PROFILE_SECTION,
    stored_changes,
)
from badgegate.client.paging import parse_link_header
from badgegate.findings import Finding, failing, warnings_of
from badgegate.fuzz.records import identity, json_body, listed_records, parse_instant
from badgegate.fuzz.report import mask_reproduction
from badgegate.fuzz.session import FuzzSession, active_session
from badgegate.report.gate import note
from badgegate.transport import curl_command
from badgegate.transport.guard import UNKNOWN_METHOD_PROBE

LIST_PAGE = 500
MAX_PAGES = 200
FAR_FUTURE = "2999-01-01T00:00:00Z"
#: ``since`` values that are no RFC 3339 date-time: a number, a year, a fraction, nothing.
NOT_DATE_TIMES = ("1", "2024", "0.5", "")


def problem(message: str, response: requests.Response) -> str:
    """``message`` with the status and the masked curl reproduction of ``response``'s request."""
    reproduction = mask_reproduction(curl_command(response.request))
    return f"{message} (answered {response.status_code})\n  reproduce: {reproduction}"


def guarded(run: Callable[[FuzzSession], list[str]], session: FuzzSession) -> list[str]:
    """Run a probe; a request that fails outright (reset, refused) is a problem too."""
    try:
        return run(session)
    except requests.RequestException as error:
        return [f"a probe request failed: {error}"]


@dataclasses.dataclass
class Walk:
    """Every record of a list walked page by page, and what went wrong on the way."""

    records: list[Any] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)
    total: int | None = None


def walk(session: FuzzSession, path: str, *, page_size: int, since: str | None = None) -> Walk:
    """Follow ``next`` links from offset 0, checking every page's paging headers."""
    result = Walk()
    params: dict[str, Any] | None = {"limit": page_size, "offset": 0}
    if since is not None and params is not None:
        params["since"] = since
    url, offset = session.url(path), 0
    for _ in range(MAX_PAGES):
        response = session.send("GET", url, params=params)
        if response.status_code != 200:
            result.problems.append(problem(f"GET {path} page at offset {offset} failed", response))
            return result
        items = listed_records(path, json_body(response.text))
        total_text = response.headers.get("X-Total-Count", "")
        total = int(total_text) if total_text.isdigit() else None
        result.total = total if result.total is None else result.total
        links = parse_link_header(response.headers.get("Link"))
        findings = check_paging(
            limit=page_size, offset=offset, total=total, links=links, item_count=len(items)
        )
        result.problems += [problem(f.render(), response) for f in findings]
        result.records += items
        if "next" not in links:
            return result
        url, params, offset = links["next"], None, offset + page_size
    result.problems.append(f"GET {path}: more than {MAX_PAGES} pages of {page_size}")
    return result


def served_credential(session: FuzzSession, sent: dict[str, Any]) -> list[dict[str, Any]]:
    """Every served credential with the identity (issuer id, id) of ``sent``."""
    wanted = identity(sent)
    records = walk(session, "/credentials", page_size=LIST_PAGE).records
    return [r for r in records if isinstance(r, dict) and identity(r) == wanted]


def read_back(session: FuzzSession, path: str, sent: Any) -> list[str]:
    """An upsert of ``sent`` at ``path`` is served back equal as JSON (no lost write)."""
    if not isinstance(sent, dict):
        return []
    if path == "/credentials":
        found = served_credential(session, sent)
        if len(found) != 1:
            return [
                f"credential {sent.get('id')!r} is served {len(found)} time(s) after its upsert"
            ]
        return changed_messages(sent, as_sent(found[0], sent))
    response = session.send("GET", path)
    if response.status_code != 200:
        return [problem(f"GET {path} after its upsert is not 200", response)]
    section = PROFILE_SECTION if path == "/profile" else EXTENSION_SECTION
    return changed_messages(sent, json_body(response.text), response, section=section)


#: Findings shown per changed record (the rest are counted).
CHANGES_SHOWN = 8


def changed_messages(
    sent: dict[str, Any],
    served: Any,
    response: requests.Response | None = None,
    *,
    section: str = CREDENTIAL_SECTION,
    heading: str | None = None,
) -> list[str]:
    """What came back different from the accepted ``sent``: one message (``heading``, else
    "record … is served changed after its upsert") naming the record and the JSON pointer of
    each change (none when it is served as sent)."""
    record_id = sent.get("id") if isinstance(sent.get("id"), str) else None
    findings = stored_changes(sent, served, record_id=record_id, section=section)
    if not findings:
        return []
    lines = [f"  {finding.render()}" for finding in findings[:CHANGES_SHOWN]]
    if len(findings) > CHANGES_SHOWN:
        lines.append(f"  ... and {len(findings) - CHANGES_SHOWN} more change(s)")
    heading = heading or f"record {record_id!r} is served changed after its upsert:"
    message = "\n".join([heading, *lines])
    return [problem(message, response) if response is not None else message]


def as_sent(served: Any, sent: Any) -> Any:
    """A served credential without the proof the target signed it with, when ``sent`` had
    none (a target that signs what it issues adds one); else ``served`` itself."""
    if isinstance(served, dict) and isinstance(sent, dict) and "proof" not in sent:
        return {name: value for name, value in served.items() if name != "proof"}
    return served


def double_upsert(session: FuzzSession, request: requests.PreparedRequest, sent: Any) -> list[str]:
    """Sending the same upsert ``request`` again answers 200 or 304 and leaves one record."""
    again = session.session.send(request.copy(), timeout=session.transport.timeout)
    what = f"{request.method} {urlsplit(request.url or '').path}"
    if again.status_code not in (200, 304):
        return [problem(f"the same {what} sent twice must answer 200 or 304", again)]
    if request.method == "POST" and isinstance(sent, dict):
        count = len(served_credential(session, sent))
        if count != 1:
            return [
                problem(f"after the same {what} twice the credential is served {count}x", again)
            ]
    return []


def error_body_problems(response: requests.Response) -> list[str]:
    """Problems of an error answer's body: an Imsx_StatusInfo whose minor code fits the status."""
    findings = check_error_body(
        response.status_code, response.headers.get("Content-Type", ""), response.text
    )
    return [problem(f.render(), response) for f in gated(findings)]


def gated(findings: list[Finding]) -> list[Finding]:
    """The findings that fail a check: errors, and warnings too when the run is strict.

    Warnings that do not fail are noted for the end-of-run summary.
    """
    session = active_session()
    config = session.report.config if session is not None else None
    strict = bool(config is not None and config.strict)
    if not strict:
        note(warnings_of(findings))
    return failing(findings, strict=strict)


def strictly_after(records: list[Any], since: str) -> list[str]:
    """Messages for listed credentials whose ``validFrom`` is not strictly after ``since``."""
    boundary = parse_instant(since)
    if boundary is None:
        return []
    late = []
    for record in records:
        moment = parse_instant(record.get("validFrom")) if isinstance(record, dict) else None
        if moment is not None and moment <= boundary:
            late.append(
                f"{record.get('id')} has validFrom {record.get('validFrom')} <= since {since}"
            )
    return late


def since_boundary(session: FuzzSession, credential: dict[str, Any]) -> list[str]:
    """``since`` equal to a credential's own ``validFrom`` leaves that credential out."""
    since = credential.get("validFrom")
    if not isinstance(since, str):
        return []
    listed = walk(session, "/credentials", page_size=LIST_PAGE, since=since)
    problems = listed.problems + strictly_after(listed.records, since)
    wanted = identity(credential)
    if any(isinstance(r, dict) and identity(r) == wanted for r in listed.records):
        problems.append(f"since={since} (the credential's own validFrom) still lists {wanted[1]}")
    return problems


def _isolation_headers(session: FuzzSession) -> dict[str, str] | None:
    tokens = session.isolation.tokens if session.isolation is not None else None
    return {"Authorization": f"Bearer {tokens.token()}"} if tokens else None


def isolation_list_leaks(session: FuzzSession, path: str, ids: set[str]) -> list[str]:
    """Records of the run's tenant (``ids``) that the isolation tenant's list at ``path`` shows."""
    headers = _isolation_headers(session)
    if headers is None or not ids:
        return []
    response = session.send("GET", path, params={"limit": LIST_PAGE}, headers=headers)
    records = listed_records(path, json_body(response.text))
    seen = {str(r.get("id")) for r in records if isinstance(r, dict)}
    leaked = sorted(seen & ids)
    return [problem(f"another tenant's token lists {leaked[:5]}", response)] if leaked else []


def isolation_read_leaks(session: FuzzSession, path: str) -> list[str]:
    """The isolation tenant reading this tenant's record at ``path`` gets 404."""
    headers = _isolation_headers(session)
    if headers is None:
        return []
    response = session.send("GET", path, headers=headers)
    if response.status_code != 404:
        return [problem(f"another tenant's token reads {path}; expected 404", response)]
    return []


#: What a target may be sent to see how it refuses a method where nothing may change: TRACE
#: and a method token no server defines (both let through by the staging guard).
SAFE_METHOD_PROBES = ("TRACE", UNKNOWN_METHOD_PROBE)


def undocumented_methods(session: FuzzSession, *, safe_only: bool = False) -> list[str]:
    """Undocumented methods answer 405, ``Allow`` listing exactly the path's documented
    methods, with an Imsx body (RFC 9110 §15.5.6; OB 3.0 errors); a plain 404 is a finding.
    For TRACE and the unknown method token, which a server may implement for no resource at
    all, a 501 is right too (RFC 9110 §15.6.2).
    ``safe_only`` (the staging profile) sends only :data:`SAFE_METHOD_PROBES`."""
    problems = []
    for path, item in session.schema.raw_schema["paths"].items():
        if session.not_applicable(path):
            continue
        documented = {
            m.upper() for m in item if m.lower() in {"get", "post", "put", "patch", "delete"}
        }
        concrete = path.replace("{key}", str(uuid.uuid4())).replace("{run_id}", "fuzz-run")
        candidates = (
            set(SAFE_METHOD_PROBES)
            if safe_only
            else {"GET", "POST", "PUT", "PATCH", "DELETE", *SAFE_METHOD_PROBES}
        )
        for method in sorted(candidates - documented):
            response = session.send(method, concrete)
            if method in SAFE_METHOD_PROBES and response.status_code == 501:
                continue  # RFC 9110 §15.6.2: 501 for a method the server implements nowhere
            allow = {
                part.strip()
                for part in response.headers.get("Allow", "").split(",")
                if part.strip()
            }
            if response.status_code != 405 or allow != documented:
                problems.append(
                    problem(
                        f"{method} {path}: expected 405 with Allow {sorted(documented)}, "
                        f"got Allow {sorted(allow)}",
                        response,
                    )
                )
            problems += error_body_problems(response)
    return problems


def loose_since(session: FuzzSession) -> list[str]:
    """``since`` is an RFC 3339 date-time (OB 3.0 §getCredentials, RFC 3339 §5.6): anything
    else is a 400 with an Imsx_StatusInfo, never a 200 that filters by something or nothing.
    Read-only: safe on every profile."""
    problems: list[str] = []
    for since in NOT_DATE_TIMES:
        response = session.send("GET", "/credentials", params={"since": since, "limit": 1})
        if response.status_code != 400:
            problems.append(
                problem(
                    f"since={since!r} is no RFC 3339 date-time (OB 3.0 getCredentials): "
                    "expected 400 invalid_query_parameter",
                    response,
                )
            )
            continue
        problems += error_body_problems(response)
    return problems
