"""Turning request bodies into storable records of the three kinds, with their storage keys.

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

from badgegate.engine.credential_check import check_credential, credential_issuer_id
from badgegate.engine.datetimes import instant_key, numeric_date_key
from badgegate.engine.faults import on_store
from badgegate.engine.imsx import ApiError
from badgegate.engine.inbound import canonical_json

RecordKind = Literal["credential", "achievement", "progress"]
RECORD_KINDS: tuple[RecordKind, ...] = ("credential", "achievement", "progress")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I | re.A)
_JWS_PART = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)


@dataclass(frozen=True)
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


def credential_record(doc: Any, faults: frozenset[str] = frozenset()) -> StoredRecord:
    """Check an AchievementCredential and return it as a storable record (400 when invalid)."""
    problems = check_credential(doc)
    if problems:
        raise invalid(problems)
    issuer = credential_issuer_id(doc) or ""
    return StoredRecord(
        kind="credential",
        key=equality_key(issuer, doc["id"]),
        record_id=doc["id"],
        body=canonical_json(on_store("credential", doc, faults)),
        valid_from=instant_key(doc["validFrom"]),
    )


def jws_record(text: str) -> StoredRecord:
    """Check a compact JWS (three base64url parts, JSON header and payload) and return it."""
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
    kind: RecordKind, key: str, doc: Any, faults: frozenset[str] = frozenset()
) -> StoredRecord:
    """Check an achievement or progress record at ``key`` and return it (400 when invalid)."""
    problems = check_achievement(doc) if kind == "achievement" else check_progress(doc)
    if not problems and str(doc["id"]).lower() != f"urn:uuid:{key}":
        problems.append(f"/id: must be urn:uuid:{key}, the key of the path")
    if problems:
        raise invalid(problems)
    return StoredRecord(kind, key, doc["id"], canonical_json(on_store(kind, doc, faults)))


def check_achievement(doc: Any) -> list[str]:
    """Return what is structurally wrong with an OB 3.0 Achievement (§2.3)."""
    if not isinstance(doc, dict):
        return ["/: an Achievement must be a JSON object"]
    problems = _type_problems(doc, "Achievement") + _string_problems(
        doc, "id", "name", "description"
    )
    if not isinstance(doc.get("criteria"), dict):
        problems.append("/criteria: required, a JSON object")
    return problems


def check_progress(doc: Any) -> list[str]:
    """What is wrong with a progress record (schemas/badgegate/progress-record.schema.json)."""
    if not isinstance(doc, dict):
        return ["/: a progress record must be a JSON object"]
    problems = _type_problems(doc, "BadgegateProgressRecord")
    problems += _string_problems(doc, "id", "achievement", "status")
    for name in ("id", "achievement", "credential"):
        value = doc.get(name)
        if isinstance(value, str) and not _is_uuid_urn(value):
            problems.append(f"/{name}: must be a urn:uuid: URI")
    if "credential" in doc and not isinstance(doc["credential"], str):
        problems.append("/credential: must be a urn:uuid: URI")
    progress = doc.get("progress")
    if isinstance(progress, bool) or not isinstance(progress, int):
        problems.append("/progress: required, an integer")
    if not isinstance(doc.get("legacy"), dict):
        problems.append("/legacy: required, a JSON object")
    return problems + _requirement_problems(doc.get("requirements"))


def _requirement_problems(requirements: Any) -> list[str]:
    if not isinstance(requirements, list):
        return ["/requirements: required, an array"]
    problems = []
    for index, item in enumerate(requirements):
        if not isinstance(item, dict):
            problems.append(f"/requirements/{index}: must be a JSON object")
            continue
        if not (isinstance(item.get("id"), str) and _is_uuid_urn(item["id"])):
            problems.append(f"/requirements/{index}/id: required, a urn:uuid: URI")
        if not isinstance(item.get("completed"), bool):
            problems.append(f"/requirements/{index}/completed: required, a boolean")
    return problems


def _is_uuid_urn(value: str) -> bool:
    return value.startswith("urn:uuid:") and _UUID.fullmatch(value[9:]) is not None


def _type_problems(doc: dict[str, Any], required: str) -> list[str]:
    types = doc.get("type")
    if not isinstance(types, list) or required not in types:
        return [f"/type: required, an array containing {required}"]
    return []


def _string_problems(doc: dict[str, Any], *names: str) -> list[str]:
    return [
        f"/{name}: required, a non-empty string"
        for name in names
        if not (isinstance(doc.get(name), str) and doc[name].strip())
    ]
