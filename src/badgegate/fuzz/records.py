"""Where records sit in the API: list bodies, single-record paths, identities, timestamps."""

from __future__ import annotations

import datetime
import json
from typing import Any

from badgegate.validate import Kind

#: List operations: path -> (record kind, body member holding the records).
LISTS: dict[str, tuple[Kind, str]] = {
    "/credentials": ("credential", "credential"),
    "/ext/achievements": ("achievement", "achievement"),
    "/ext/progress": ("progress", "progress"),
}
#: Single-record paths (GET and PUT) -> kind.
RECORDS: dict[str, Kind] = {
    "/profile": "profile",
    "/ext/achievements/{key}": "achievement",
    "/ext/progress/{key}": "progress",
}
#: Upsert operations: (method, path) -> kind.
UPSERTS: dict[tuple[str, str], Kind] = {
    ("POST", "/credentials"): "credential",
    ("PUT", "/ext/achievements/{key}"): "achievement",
    ("PUT", "/ext/progress/{key}"): "progress",
}
#: Paths whose errors follow OAuth (RFC 6749 / RFC 7591), not Imsx_StatusInfo.
OAUTH_PATHS = frozenset({"/oauth/token", "/oauth/register", "/oauth/revoke"})


def json_body(text: str) -> Any:
    """The parsed JSON of ``text``, or ``None`` when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def listed_records(path: str, body: Any) -> list[Any]:
    """The records of a list answer (compact JWS credentials included, as strings)."""
    if path not in LISTS or not isinstance(body, dict):
        return []
    items = body.get(LISTS[path][1])
    records = list(items) if isinstance(items, list) else []
    if path == "/credentials" and isinstance(body.get("compactJwsString"), list):
        records += body["compactJwsString"]
    return records


def issuer_id(credential: dict[str, Any]) -> str | None:
    """The issuer id of a credential (issuer given as a string or a Profile)."""
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer.strip() if isinstance(issuer, str) else None


def identity(credential: dict[str, Any]) -> tuple[str | None, str | None]:
    """The equality key of a credential: issuer id and credential id (trimmed)."""
    found = credential.get("id")
    return issuer_id(credential), found.strip() if isinstance(found, str) else None


def parse_instant(text: object) -> datetime.datetime | None:
    """An RFC 3339 date-time with zone as an aware datetime, else ``None``."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def query_integer(query: Any, name: str, default: int) -> int | None:
    """The integer query parameter ``name`` of a case (``default`` when absent, ``None`` when
    it is not a plain integer)."""
    value = (query or {}).get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text) if text.isdigit() else None
