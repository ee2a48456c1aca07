"""The API client of badge-engine: every part of badgegate talks to an engine through it.

:class:`BadgeEngineClient` covers the OB 3.0 API (discovery, profile, credentials) and the
extension API (achievements, progress records, batch upserts, migration runs). It sends through
:class:`badgegate.transport.Transport`, so the write guard, rate cap, retries and redaction
apply to it as to everything else.
"""

from __future__ import annotations

from badgegate.client.auth import ClientCredentials, StaticToken, TokenSource
from badgegate.client.client import BadgeEngineClient
from badgegate.client.connection import EngineConnection, check_run_id
from badgegate.client.errors import (
    EngineError,
    EngineHTTPError,
    EngineUnreachable,
    Forbidden,
    InvalidRequest,
    NotFound,
    ProtocolError,
    ServerError,
    Unauthorized,
)
from badgegate.client.paging import Page, parse_link_header, walk_pages
from badgegate.client.results import (
    BatchOperation,
    BatchResult,
    RollbackResult,
    UpsertResult,
    record_key,
)

__all__ = [
    "BadgeEngineClient",
    "BatchOperation",
    "BatchResult",
    "ClientCredentials",
    "EngineConnection",
    "EngineError",
    "EngineHTTPError",
    "EngineUnreachable",
    "Forbidden",
    "InvalidRequest",
    "NotFound",
    "Page",
    "ProtocolError",
    "RollbackResult",
    "ServerError",
    "StaticToken",
    "TokenSource",
    "Unauthorized",
    "UpsertResult",
    "check_run_id",
    "parse_link_header",
    "record_key",
    "walk_pages",
]
