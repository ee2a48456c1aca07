"""Records badge-engine serves that no legacy badge accounts for, traced back where possible.

An achievement names its legacy id in ``otherIdentifier``; a credential through its embedded
achievement; a progress record through the achievement it links to. Each is re-fetched first, so
a record deleted during the run is not reported. Credentials whose achievement badge-engine does
not serve break an invariant and are reported too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from badgegate.client import BadgeEngineClient
from badgegate.mapping import MigrationMapping
from badgegate.mapping import documents as docs
from badgegate.mapping.legacy_checks import printable
from badgegate.reconcile.engine_side import refetch
from badgegate.reconcile.forwarder import chunked
from badgegate.reconcile.spill import Spill

CHUNK = 500


def unexpected_batches(
    client: BadgeEngineClient, spill: Spill, *, mapping: MigrationMapping, workers: int = 4
) -> Iterator[list[dict[str, Any]]]:
    """Report entries for unaccounted records and orphan credentials, in batches."""
    for chunk in chunked(list_unmatched(spill), CHUNK):
        fresh = refetch(client, [(kind, key) for kind, key, _, _ in chunk], workers=workers)
        yield [
            _unexpected(kind, key, trace, mapping)
            for kind, key, trace, _ in chunk
            if (kind, key) in fresh
        ]
    yield [_orphan(key, trace) for key, trace, _ in spill.orphan_credentials()]


def list_unmatched(spill: Spill) -> Iterator[tuple[str, str, str | None, str | None]]:
    """Unmatched records with the legacy id each traces to (progress through its achievement)."""
    for kind, key, trace, link in list(spill.unmatched()):
        if trace is None and link is not None:
            trace = spill.trace_of(link)
        yield kind, key, trace, link


def _unexpected(
    kind: str, key: str, trace: str | None, mapping: MigrationMapping
) -> dict[str, Any]:
    if trace is None:
        message = (
            f"badge-engine has a {kind} no legacy badge accounts for, and it names no legacy id"
        )
    elif key.startswith("jws:"):
        message = "a compact JWS credential no legacy badge accounts for"
    elif str(docs.key(mapping, kind, trace)) != key:  # type: ignore[arg-type]
        message = (
            f"a second {kind} for legacy badge {printable(trace)!r} under another key (a duplicate)"
        )
    else:
        message = (
            f"the {kind} of legacy badge {printable(trace)!r}, which the legacy data lacks "
            "(deleted?)"
        )
    return {
        "class": "unexpected",
        "kind": kind,
        "legacyId": printable(trace) if trace is not None else None,
        "engineId": None if key.startswith("jws:") else f"urn:uuid:{key}",
        "status": None,
        "rules": ["unexpected-record"],
        "message": message,
        "fields": [],
    }


def _orphan(key: str, trace: str | None) -> dict[str, Any]:
    return {
        "class": "invariant",
        "kind": "credential",
        "legacyId": printable(trace) if trace is not None else None,
        "engineId": f"urn:uuid:{key}",
        "status": None,
        "rules": ["credential-achievement-missing"],
        "message": "the credential's achievement is not served by badge-engine",
        "fields": [],
    }
