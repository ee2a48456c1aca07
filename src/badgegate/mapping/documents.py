"""What forward and recover share: JSON pointer access, record skeletons, derived values.

Derived values (the credential's ``validFrom``, the recipient's hashed identity, a result's
status) are computed here once, so the migration and the checks cannot drift apart.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from badgegate.ids import RecordKind, record_key, record_urn, uuid5
from badgegate.mapping.model import MigrationMapping
from badgegate.mapping.transforms import MISSING

CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
PROGRESS_TYPE = "BadgegateProgressRecord"
COMPLETED_STATUS = "Completed"
OPEN_STATUS = "InProgress"
ACHIEVEMENT_ORDER = (
    "id", "type", "name", "description", "criteria", "resultDescription", "otherIdentifier",
)  # fmt: skip
PROGRESS_ORDER = (
    "id", "type", "achievement", "credential", "progress", "status", "requirements", "legacy",
)  # fmt: skip

JsonObject = dict[str, Any]


@functools.lru_cache(maxsize=4096)
def _cached_key(namespace: uuid.UUID, kind: RecordKind, legacy_id: str) -> uuid.UUID:
    return record_key(namespace, kind, legacy_id)


def key(mapping: MigrationMapping, kind: RecordKind, legacy_id: str) -> uuid.UUID:
    """The engine key of the ``kind`` record made from legacy row ``legacy_id``."""
    return _cached_key(mapping.namespace, kind, legacy_id)


@functools.lru_cache(maxsize=4096)
def _cached_urn(namespace: uuid.UUID, kind: RecordKind, legacy_id: str) -> str:
    return record_urn(namespace, kind, legacy_id)


def urn(mapping: MigrationMapping, kind: RecordKind, legacy_id: str) -> str:
    """The ``urn:uuid:`` id of the ``kind`` record made from legacy row ``legacy_id``."""
    return _cached_urn(mapping.namespace, kind, legacy_id)


def urns(mapping: MigrationMapping, kind: RecordKind, legacy_ids: Iterable[str]) -> list[str]:
    """:func:`urn` of each of ``legacy_ids``, made afresh (ids met once per badge, not cached)."""
    namespace = mapping.namespace
    return [record_urn(namespace, kind, legacy_id) for legacy_id in legacy_ids]


def resolve(pointer: Sequence[str], position: int | None) -> tuple[str, ...] | None:
    """Replace ``*`` in ``pointer`` by ``position``; None when a ``*`` has no position."""
    if "*" not in pointer:
        return tuple(pointer)
    if position is None:
        return None
    return tuple(str(position) if token == "*" else token for token in pointer)


def place(document: JsonObject, pointer: Sequence[str], value: Any) -> None:
    """Set ``value`` at ``pointer``, creating missing objects on the way (lists must exist)."""
    node = parent_node(document, pointer[:-1])
    if isinstance(node, list):
        node[int(pointer[-1])] = value
    else:
        node[pointer[-1]] = value


def parent_node(document: JsonObject, parents: Sequence[str]) -> Any:
    """The object or list at ``parents``, creating missing objects on the way."""
    node: Any = document
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node.setdefault(token, {})
    return node


def read(document: Any, pointer: Sequence[str] | None) -> Any:
    """The value at ``pointer`` in ``document``, or MISSING."""
    if pointer is None:
        return MISSING
    node = document
    for token in pointer:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (dicts and lists copied, anything else through deepcopy)."""
    kind = type(value)
    if kind is dict:
        return {name: copy_json(member) for name, member in value.items()}
    if kind is list:
        return [copy_json(item) for item in value]
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value)


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def ordered(document: JsonObject, order: Sequence[str]) -> JsonObject:
    """``document`` with the members of ``order`` first, in that order, then the rest."""
    reordered = {name: document[name] for name in order if name in document}
    reordered.update(document)  # members already there keep their place
    return reordered


def valid_from(
    mapping: MigrationMapping, created_at: dt.datetime, updated_at: dt.datetime | None
) -> str | None:
    """``COALESCE(updated_at, created_at)`` read in the mapping's zone, in UTC with ``Z``.

    A nonexistent or ambiguous local time (DST change) takes the offset before the change
    (``fold=0``). None when the instant falls outside the years 1–9999 in UTC.
    """
    local = updated_at if updated_at is not None else created_at
    try:
        instant = local.replace(tzinfo=mapping.timezone, fold=0).astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    return instant.replace(tzinfo=None).isoformat() + "Z"


def recipient_salt(mapping: MigrationMapping, legacy_id: str) -> str:
    """The IdentityObject salt of a badge: ``uuid5(namespace, "recipient-salt:<id>")``."""
    return uuid5(mapping.namespace, f"recipient-salt:{legacy_id}").hex


def identity_object(mapping: MigrationMapping, legacy_id: str) -> JsonObject:
    """The recipient as a hashed IdentityObject (salted per badge, so reruns are identical)."""
    salt = recipient_salt(mapping, legacy_id)
    digest = hashlib.sha256((mapping.recipient_email + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "identityType": mapping.identity_type,
        "salt": salt,
    }


def result_status(completed: Any) -> str:
    """A requirement's ``completed`` flag as a ResultStatusType."""
    return COMPLETED_STATUS if completed is True else OPEN_STATUS
