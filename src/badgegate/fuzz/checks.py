"""badgegate's OB 3.0 checks, registered with schemathesis so every fuzzed call runs them.

Response checks look at one answer; the others make follow-up calls through the active
:class:`~badgegate.fuzz.session.FuzzSession` (outside a session they only look). Findings reuse
:mod:`badgegate.checks` and :mod:`badgegate.validate`: no rule is written twice.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from badgegate.checks.imsx import check_error_body
from badgegate.checks.paging import check_page
from badgegate.client.paging import parse_link_header
from badgegate.fuzz import probes
from badgegate.fuzz.records import (
    LISTS,
    OAUTH_PATHS,
    RECORDS,
    UPSERTS,
    json_body,
    listed_records,
    query_integer,
)
from badgegate.fuzz.session import active_session
from badgegate.validate import validate_served_record

#: How many 201s per operation also get the double-upsert probe.
DOUBLE_UPSERTS_PER_OPERATION = 3


def _fail(problems: list[str]) -> None:
    if problems:
        raise AssertionError("\n".join(problems))


def _path(case: Any) -> str:
    return str(case.operation.path)


def _served_records(case: Any, body: Any) -> list[tuple[str, Any]]:
    path, method = _path(case), str(case.method).upper()
    if path in LISTS and method == "GET":
        listed = LISTS[path][0]
        return [(listed, r) for r in listed_records(path, body) if isinstance(r, dict)]
    kind = RECORDS.get(path) or UPSERTS.get((method, path))
    return [(kind, body)] if kind and isinstance(body, dict) else []


@schemathesis.check
def badgegate_ob3_valid_records(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every credential, achievement, progress record and profile in a 2xx body is valid."""
    if not 200 <= response.status_code < 300:
        return None
    records = _served_records(case, json_body(response.text))
    errors = [
        f.render()
        for kind, record in records
        for f in validate_served_record(record, kind)  # type: ignore[arg-type]
        if f.is_error
    ]
    _fail(errors[:20])
    return True


@schemathesis.check
def badgegate_imsx_error_body(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx/5xx body is an Imsx_StatusInfo whose minor code fits the status; 304 is empty."""
    if _path(case) in OAUTH_PATHS:
        return None
    if response.status_code == 304:
        _fail(["304 must not carry a body"] if response.content else [])
        return True
    content_type = _header(response, "Content-Type")
    findings = check_error_body(response.status_code, content_type, response.text)
    _fail([f.render() for f in findings])
    return True


@schemathesis.check
def badgegate_paging_headers(ctx: Any, response: Any, case: Any) -> bool | None:
    """``X-Total-Count`` and the ``Link`` rels of a list follow from limit, offset and total."""
    path = _path(case)
    # Paging headers belong to list reads: a POST answering 200 (a replace) has none.
    if path not in LISTS or str(case.method).upper() != "GET" or response.status_code != 200:
        return None
    asked = "limit" in (case.query or {})
    limit = query_integer(case.query, "limit", 0)
    offset = query_integer(case.query, "offset", 0)
    if limit is None or offset is None or (asked and limit < 1):
        return None
    total = _header(response, "X-Total-Count")
    session = active_session()
    findings = check_page(
        requested=limit if asked else None,
        offset=offset,
        total=int(total) if total.isdigit() else None,
        links=parse_link_header(_header(response, "Link") or None),
        item_count=len(listed_records(path, json_body(response.text))),
        default=session.default_page_size if session else None,
    )
    _fail([f.render() for f in findings])
    return True


def _header(response: Any, name: str) -> str:
    value = response.headers.get(name) or response.headers.get(name.lower()) or ""
    return str(value[0] if isinstance(value, list) else value)


@schemathesis.check
def badgegate_since_strictly_after(ctx: Any, response: Any, case: Any) -> bool | None:
    """``since`` lists only credentials whose ``validFrom`` is strictly after it; once per run,
    querying with a listed credential's own ``validFrom`` leaves that credential out."""
    if _path(case) != "/credentials" or str(case.method).upper() != "GET":
        return None
    if response.status_code != 200:
        return None
    records = listed_records("/credentials", json_body(response.text))
    since = (case.query or {}).get("since")
    problems = probes.strictly_after(records, since) if isinstance(since, str) else []
    session = active_session()
    first = next((r for r in records if isinstance(r, dict) and "validFrom" in r), None)
    if session is not None and first is not None and session.first_time("since-boundary"):
        problems += probes.since_boundary(session, first)
    _fail(problems)
    return True


@schemathesis.check
def badgegate_upsert_read_back(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 201/200 upsert is served back equal to what was sent (a lost write fails), and the
    same upsert sent again answers 200/304 and leaves one record."""
    method, template = str(case.method).upper(), _path(case)
    session = active_session()
    if (
        session is None
        or (method, template) not in UPSERTS
        or response.status_code not in (200, 201)
    ):
        return None
    path = _concrete_path(case)
    problems = probes.read_back(session, path, case.body)
    if response.status_code == 201 and _budget(session, f"double:{template}"):
        problems += probes.double_upsert(session, response.request, case.body)
    _fail(problems)
    return True


def _budget(session: Any, key: str) -> bool:
    return any(session.first_time(f"{key}:{n}") for n in range(DOUBLE_UPSERTS_PER_OPERATION))


def _concrete_path(case: Any) -> str:
    path = _path(case)
    for name, value in (case.path_parameters or {}).items():
        path = path.replace("{" + name + "}", str(value))
    return path


@schemathesis.check
def badgegate_tenant_isolation(ctx: Any, response: Any, case: Any) -> bool | None:
    """Another tenant's token never sees the records this tenant was just served."""
    session = active_session()
    if session is None or str(case.method).upper() != "GET" or response.status_code != 200:
        return None
    path = _path(case)
    if path in RECORDS and path != "/profile":
        _fail(probes.isolation_read_leaks(session, _concrete_path(case)))
    elif path in LISTS and session.first_time(f"isolation:{path}"):
        records = listed_records(path, json_body(response.text))
        ids = {str(r["id"]) for r in records if isinstance(r, dict) and "id" in r}
        _fail(probes.isolation_list_leaks(session, path, ids))
    return True


@schemathesis.check
def badgegate_auth_enforced(ctx: Any, response: Any, case: Any) -> bool | None:
    """A call that succeeded with the token is refused without one (401) and, for a write,
    with a token lacking its scope (403); once per operation, through the harness transport."""
    session = active_session()
    security = case.operation.definition.raw.get("security")
    if session is None or not security or not 200 <= response.status_code < 300:
        return None
    if _path(case) in OAUTH_PATHS or _path(case) == "/ext/batch":
        return None
    if not session.first_time(f"auth:{case.operation.label}"):
        return None
    write = (str(case.method).upper(), _path(case)) in UPSERTS or str(case.method).upper() == "PUT"
    _fail(probes.auth_refusals(session, response.request, write))
    return True


OB3_CHECKS = (
    badgegate_ob3_valid_records,
    badgegate_imsx_error_body,
    badgegate_paging_headers,
    badgegate_since_strictly_after,
    badgegate_upsert_read_back,
    badgegate_tenant_isolation,
    badgegate_auth_enforced,
)
