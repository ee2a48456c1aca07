"""Turning request bodies into storable records of the three kinds, with their storage keys.

Every JSON record is validated first (:mod:`badgegate.engine.model.validation`).

A credential's key is a digest of its equality identity (issuer id + credential id, both
percent-decoded and trimmed, OB 3.0 §8.5); an achievement's or progress record's key is the
bare UUID of its path.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

from badgegate.engine.faults.catalogue import ACCEPT_INVALID, STORE_FAULTS, on_store
from badgegate.engine.model.datetimes import instant_key, numeric_date_key
from badgegate.engine.model.validation import credential_issuer_id, rejection, upload_errors
from badgegate.engine.wire.imsx import ApiError
from badgegate.engine.wire.inbound import canonical_json
from badgegate.findings import Finding
from badgegate.vocabulary import ExtensionKind, RecordKind

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I | re.A)
_JWS_PART = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record ready to store: ``body`` is canonical JSON, or the JWS text when ``media='jws'``."""

    kind: RecordKind
    key: str
    record_id: str
    body: str
    media: Literal["json", "jws"] = "json"
    valid_from: str | None = None


def invalid(problems: list[str]) -> ApiError:
    """A 400 ``invalid_data`` listing what is wrong with a record."""
    return ApiError(400, "invalid record: " + "; ".join(problems))


def credential_record(
    doc: Any,
    faults: frozenset[str] = frozenset(),
    *,
    errors: list[Finding] | None = None,
    text: str | None = None,
) -> StoredRecord:
    """Validate an AchievementCredential and return it as a storable record (400 when invalid).

    ``errors`` are the validator's error findings and ``text`` the document's
    :func:`canonical_json` when the caller already has them (a batch validates its documents
    in one pass). The accept-invalid fault skips validation.
    """
    text = canonical_json(doc) if text is None else text
    validated = ACCEPT_INVALID not in faults
    if validated:
        errors = upload_errors("credential", doc) if errors is None else errors
        if errors:
            raise rejection("credential", errors)
    issuer = credential_issuer_id(doc) if isinstance(doc, dict) else None
    record_id = doc.get("id") if isinstance(doc, dict) else None
    if issuer is None or not isinstance(record_id, str) or not record_id.strip():
        raise invalid(["/id, /issuer: a credential needs an id and an issuer id to be stored"])
    valid_from = instant_key(doc.get("validFrom"))
    if valid_from is None and validated:
        raise invalid(["/validFrom: must be an RFC 3339 date-time with a time zone"])
    return StoredRecord(
        kind="credential",
        key=equality_key(issuer, record_id),
        record_id=record_id,
        body=_stored_body(doc, "credential", text, faults),
        valid_from=valid_from,
    )


def _stored_body(doc: Any, kind: RecordKind, text: str, faults: frozenset[str]) -> str:
    """The JSON to store: ``text`` itself unless a store-time fault changes the record."""
    if faults & STORE_FAULTS:
        return canonical_json(on_store(kind, doc, faults))
    return text


def jws_record(text: str, *, validate: bool = True) -> StoredRecord:
    """Check a compact JWS (three base64url parts, JSON header and payload) and return it.

    With ``validate`` the header, the JWT claims and the credential in the payload must be
    valid OB 3.0 (VC-JWT, §8.4); the signature is stored as sent, not verified.
    """
    compact = text.strip()
    parts = compact.split(".")
    if len(parts) != 3 or not all(_JWS_PART.fullmatch(part) for part in parts):
        raise invalid(["compact JWS must be three base64url parts separated by dots"])
    header, payload = _jws_json(parts[0], "header"), _jws_json(parts[1], "payload")
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise invalid(["compact JWS header and payload must be JSON objects"])
    issuer, credential_id = payload.get("iss"), payload.get("jti")
    if not isinstance(issuer, str) or not isinstance(credential_id, str):
        raise invalid(["compact JWS payload must carry string iss and jti claims"])
    if "\x00" in compact:
        raise invalid(["compact JWS contains a NUL character"])
    if validate:
        from badgegate.engine.model.validation import jws_errors, rejection

        errors = jws_errors(header, payload)
        if errors:
            raise rejection("credential", errors)
    return StoredRecord(
        kind="credential",
        key=equality_key(issuer, credential_id),
        record_id=credential_id,
        body=compact,
        media="jws",
        valid_from=numeric_date_key(payload.get("nbf")),
    )


def _jws_json(part: str, name: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, RecursionError):
        raise invalid([f"compact JWS {name} is not base64url-encoded JSON"]) from None


def equality_key(issuer_id: str, credential_id: str) -> str:
    """The storage key of a credential: a digest of its OB 3.0 §8.5 equality identity."""
    identity = unquote(issuer_id).strip() + "\n" + unquote(credential_id).strip()
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


def record_key(key: str, *, status: int = 404) -> str:
    """Validate a path ``{key}``: a bare UUID (else ``status``); returned in lower case."""
    if not _UUID.fullmatch(key):
        raise ApiError(status, f"no record at key {key[:80]!r}: a key is a bare UUID")
    return key.lower()


def extension_record(
    kind: ExtensionKind,
    key: str,
    doc: Any,
    faults: frozenset[str] = frozenset(),
    *,
    errors: list[Finding] | None = None,
    text: str | None = None,
) -> StoredRecord:
    """Validate an achievement or progress record at ``key`` and return it (400 when invalid).

    The record's ``id`` must be ``urn:uuid:{key}`` whatever the faults; ``errors`` and
    ``text`` as for :func:`credential_record`.
    """
    text = canonical_json(doc) if text is None else text
    if ACCEPT_INVALID in faults:
        errors = []
    elif errors is None:
        errors = upload_errors(kind, doc)
    record_id = doc.get("id") if isinstance(doc, dict) else None
    if not isinstance(record_id, str) or record_id.lower() != f"urn:uuid:{key}":
        mismatch = f"[path-key] /id: must be urn:uuid:{key}, the key of the path"
        raise rejection(kind, errors, mismatch)
    if errors:
        raise rejection(kind, errors)
    return StoredRecord(kind, key, record_id, _stored_body(doc, kind, text, faults))
