"""Serving records: paged lists and single records, with the read and paging fault hooks and
the variants of a list answer (its default page size, its members)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from badgegate.engine.context import EngineContext
from badgegate.engine.faults import catalogue as fault
from badgegate.engine.model.proofs import IssuerKey, vc_jwt
from badgegate.engine.routes.paging import (
    DEFAULT_LIMIT,
    PageRequest,
    page_request,
    paging_headers,
)
from badgegate.engine.storage.store import ListQuery, Page
from badgegate.engine.variants import JWS_LIST, PAGE_SIZE_50, VARIANT_PAGE_SIZE
from badgegate.engine.wire.imsx import ApiError
from badgegate.vocabulary import ENGINE_KIND_ORDER

JSON_MEDIA = "application/json"
#: ``Prefer: credential-format=vc-jwt`` asks for the credentials the tenant signed as VC-JWTs.
PREFER_VC_JWT = "credential-format=vc-jwt"
#: A list answer holds its records in a member named after their kind.
_LIST_MEMBER: dict[str, str] = {kind: kind for kind in ENGINE_KIND_ORDER}


def render_record(context: EngineContext, kind: str, body: str) -> str:
    """The read hook: the stored JSON as served (read-time faults applied)."""
    if context.faults & fault.READ_FAULTS:
        return fault.on_read(kind, body, context.faults)
    return body


async def list_response(
    context: EngineContext, request: Request, kind: str, tenant: str
) -> Response:
    """Answer a paged list of ``kind`` records of ``tenant`` with the paging headers."""
    faults = context.faults
    page = page_request(
        request,
        allow_since=kind == "credential",
        loose_since=fault.LOOSE_SINCE in faults,
        default_limit=VARIANT_PAGE_SIZE if PAGE_SIZE_50 in context.variants else DEFAULT_LIMIT,
    )
    if fault.EDGE_500 in faults and page.limit == 1000:
        raise ApiError(500, "internal error while paging")
    query = _list_query(page, kind, tenant, faults)
    result: Page = await context.store.page(query)
    if fault.EDGE_500 in faults and page.since is not None and result.total == 0:
        raise ApiError(500, "internal error while filtering by since")
    headers = paging_headers(request, page, result.total)
    if fault.WRONG_TOTAL in faults:
        headers["X-Total-Count"] = str(result.total + 1)
    if fault.BROKEN_LINK_HEADER in faults:
        headers["Link"] = ", ".join(
            link for link in headers["Link"].split(", ") if 'rel="next"' not in link
        )
    if kind == "credential" and _prefers_vc_jwt(request):
        headers["Preference-Applied"] = PREFER_VC_JWT
        result = await _as_vc_jwts(context, tenant, result)
    return Response(_list_body(context, kind, result), 200, headers, media_type=JSON_MEDIA)


def _prefers_vc_jwt(request: Request) -> bool:
    """Whether the request's ``Prefer`` header (RFC 7240) asks for VC-JWTs."""
    preferences = ",".join(request.headers.getlist("prefer"))
    return any(
        part.strip().lower() == PREFER_VC_JWT
        for item in preferences.split(",")
        for part in item.split(";")[:1]
    )


async def _as_vc_jwts(context: EngineContext, tenant: str, page: Page) -> Page:
    """The page with each JSON credential signed by one of the tenant's keys as a VC-JWT
    (served in ``compactJwsString``); other credentials stay as they are."""
    published = await context.storage(context.keyring.published_for_tenant, tenant)
    keys = {key.method: key for key in published}
    items: list[tuple[str, str]] = []
    for media, body in page.items:
        document = (
            json.loads(render_record(context, "credential", body)) if media == "json" else None
        )
        key = _signing_key(document, keys)
        if key is None or document is None:
            items.append((media, body))
        else:
            items.append(("jws", vc_jwt(document, key)))
    return Page(page.total, items)


def _signing_key(document: Any, keys: dict[str, IssuerKey]) -> IssuerKey | None:
    proofs = document.get("proof") if isinstance(document, dict) else None
    for proof in proofs if isinstance(proofs, list) else []:
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if isinstance(method, str) and method in keys:
            return keys[method]
    return None


def _list_query(page: PageRequest, kind: str, tenant: str, faults: frozenset[str]) -> ListQuery:
    offset, limit = page.offset, page.limit
    if page.offset > 0 and fault.PAGE_SKIP in faults:
        offset += 1
    if page.offset > 0 and fault.PAGE_DUPLICATE in faults:
        offset -= 1
    if fault.SILENT_LIMIT_CAP in faults:
        limit = min(limit, fault.SILENT_LIMIT)
    return ListQuery(
        tenant=None if fault.TENANT_LEAK in faults else tenant,
        kind=kind,
        limit=limit,
        offset=offset,
        since_key=page.since_key,
        inclusive=fault.INCLUSIVE_SINCE in faults,
    )


def _list_body(context: EngineContext, kind: str, page: Page) -> str:
    """The list answer: JSON records in the kind's member, compact JWS credentials in
    ``compactJwsString`` when there are any (jws-list: a credential page carries each member
    only when it has items)."""
    documents = [
        render_record(context, kind, body) for media, body in page.items if media == "json"
    ]
    jws = [json.dumps(text) for media, text in page.items if media == "jws"]
    members = []
    if documents or kind != "credential" or JWS_LIST not in context.variants:
        members.append(_member(_LIST_MEMBER[kind], documents))
    if jws:
        members.append(_member("compactJwsString", jws))
    return "{" + ",".join(members) + "}"


def _member(name: str, items: list[str]) -> str:
    return f'"{name}":[' + ",".join(items) + "]"
