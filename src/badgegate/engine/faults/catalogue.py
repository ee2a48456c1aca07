"""The fault catalogue: realistic defects the engine can be started with (``--fault NAME``).

Each fault is switched on at one hook point in the engine and names the suite that exists to
catch its class of defect. ``tests/engine/test_faults.py`` demonstrates every entry.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DROP_REQUIRED_FIELD = "drop-required-field"
WRONG_STATUS = "wrong-status"
EDGE_500 = "edge-500"
PAGE_SKIP = "page-skip"
PAGE_DUPLICATE = "page-duplicate"
INCLUSIVE_SINCE = "inclusive-since"
UNENFORCED_SCOPE = "unenforced-scope"
TENANT_LEAK = "tenant-leak"
NON_IMSX_ERROR = "non-imsx-error"
SILENT_LIMIT_CAP = "silent-limit-cap"
LOST_UNKNOWN_PROPERTY = "lost-unknown-property"
TIMEZONE_SHIFT = "timezone-shift"
NFD = "nfd"
LOST_WRITE = "lost-write"
WRONG_TOTAL = "wrong-total"
BROKEN_LINK_HEADER = "broken-link-header"
CONTEXT_CHANGE = "context-change"
FLAKY = "flaky"
ACCEPT_INVALID = "accept-invalid"
NAIVE_TIMESTAMPS = "naive-timestamps"
JSON_CONTENT_TYPE_LOST = "json-content-type-lost"
NO_WWW_AUTHENTICATE = "no-www-authenticate"
WRONG_ALLOW_HEADER = "wrong-allow-header"
REUPSERT_DUPLICATES = "reupsert-duplicates"
LOOSE_SINCE = "loose-since"
UNSUPPORTED_METHOD_404 = "unsupported-method-404"
IGNORED_AUTH = "ignored-auth"
EMPTY_DISCOVERY = "empty-discovery"
ROOT_BASE_PATH = "root-base-path"
RELATIVE_URI = "relative-uri"
NULL_MEMBERS = "null-members"
CONTEXT_RENAMED = "context-renamed"
PROFILE_TAKEOVER = "profile-takeover"
REFUSE_UPLOADS = "refuse-uploads"
FORGED_SIGNATURE = "forged-signature"
UNSIGNED = "unsigned"
OTHER_KEY = "other-key"
ACCEPTS_BAD_SIGNATURE = "accepts-bad-signature"

SILENT_LIMIT = 50


@dataclass(frozen=True)
class Fault:
    """One switchable defect: its name, what it does, and the suite that should catch it."""

    name: str
    description: str
    caught_by: str


CATALOGUE: tuple[Fault, ...] = (
    Fault(DROP_REQUIRED_FIELD, "served credentials lack credentialSubject", "schema"),
    Fault(WRONG_STATUS, "creating a record answers 200 instead of 201", "contracts"),
    Fault(EDGE_500, "500 on limit=1000 or on a since that matches nothing", "fuzz"),
    Fault(PAGE_SKIP, "pages after the first skip one record", "fuzz"),
    Fault(PAGE_DUPLICATE, "pages after the first repeat the previous page's last record", "fuzz"),
    Fault(
        INCLUSIVE_SINCE,
        "since keeps records whose validFrom equals it (>= instead of >)",
        "contracts",
    ),
    Fault(UNENFORCED_SCOPE, "any valid token may write, whatever its scopes", "fuzz"),
    Fault(TENANT_LEAK, "lists include other tenants' records", "fuzz"),
    Fault(NON_IMSX_ERROR, "error bodies are FastAPI-style {'detail'} or plain text", "fuzz"),
    Fault(
        SILENT_LIMIT_CAP,
        "limit above 50 is silently capped to 50; headers claim the request",
        "fuzz",
    ),
    Fault(LOST_UNKNOWN_PROPERTY, "unknown top-level properties are dropped on store", "fuzz"),
    Fault(
        TIMEZONE_SHIFT,
        "served validFrom keeps its wall-clock time but moves to +02:00",
        "fuzz",
    ),
    Fault(NFD, "strings are stored NFD-normalised", "fuzz"),
    Fault(LOST_WRITE, "creates answer 201 but store nothing", "fuzz"),
    Fault(WRONG_TOTAL, "X-Total-Count is one more than the real total", "fuzz"),
    Fault(BROKEN_LINK_HEADER, "the Link header lacks rel=next while more records remain", "fuzz"),
    Fault(CONTEXT_CHANGE, "served records have their first two @context entries swapped", "schema"),
    Fault(FLAKY, "every fourth request fails: 503 with Retry-After, or a connection reset", "fuzz"),
    Fault(
        ACCEPT_INVALID,
        "uploads are not validated: invalid credentials and records are stored and served",
        "fuzz",
    ),
    Fault(NAIVE_TIMESTAMPS, "served validFrom/validUntil lose their time zone", "schema"),
    Fault(JSON_CONTENT_TYPE_LOST, "JSON answers are labelled text/html", "fuzz"),
    Fault(NO_WWW_AUTHENTICATE, "401 answers lack the WWW-Authenticate challenge", "smoke"),
    Fault(
        WRONG_ALLOW_HEADER,
        "405 answers list every method of the API in Allow, not the path's own",
        "fuzz",
    ),
    Fault(
        REUPSERT_DUPLICATES,
        "an identical re-upsert stores a second copy and answers 201 instead of 304",
        "fuzz",
    ),
    Fault(
        UNSUPPORTED_METHOD_404,
        "a method a path does not support (TRACE, an unknown one, ...) gets a plain-text 404",
        "fuzz",
    ),
    Fault(
        RELATIVE_URI,
        "served credentials name their achievement by a relative id with a space, no scheme",
        "schema",
    ),
    Fault(
        LOOSE_SINCE,
        "a since that is no RFC 3339 date-time (1, 2024, 0.5, empty) is ignored: 200, unfiltered",
        "fuzz",
    ),
    Fault(
        EMPTY_DISCOVERY,
        "discovery passes the official schema but is empty: blank terms, privacy and "
        "registration URLs, no refreshUrl, no scopes, servers or paths",
        "smoke",
    ),
    Fault(
        ROOT_BASE_PATH,
        "the API is served at the root (/) instead of under /ims/ob/v3p0",
        "smoke",
    ),
    Fault(
        NULL_MEMBERS,
        "served credentials gain members set to null (evidence, credentialSubject.result)",
        "fuzz",
    ),
    Fault(CONTEXT_RENAMED, "served credentials carry @context as context", "fuzz"),
    Fault(
        REFUSE_UPLOADS,
        "every POST /credentials is refused with 400, a correctly formed credential too",
        "fuzz",
    ),
    Fault(
        PROFILE_TAKEOVER,
        "PUT /profile naming another Profile id is accepted: the tenant's Profile is replaced",
        "fuzz",
    ),
    Fault(
        IGNORED_AUTH,
        "GET /profile answers 200 without a token or with an unknown one (a tenant's Profile)",
        "fuzz",
    ),
    Fault(
        FORGED_SIGNATURE,
        "issued credentials carry a proof whose signature does not verify",
        "schema",
    ),
    Fault(UNSIGNED, "issued credentials carry no proof", "schema"),
    Fault(
        OTHER_KEY,
        "issued credentials are signed with a key the tenant does not publish",
        "schema",
    ),
    Fault(
        ACCEPTS_BAD_SIGNATURE,
        "uploads whose proof does not verify are stored and served",
        "fuzz",
    ),
)

FAULT_NAMES: tuple[str, ...] = tuple(fault.name for fault in CATALOGUE)

#: The top-level properties OB 3.0 defines (what lost-unknown-property keeps).
_KNOWN_CREDENTIAL_PROPERTIES = frozenset(
    [
        "@context",
        "id",
        "type",
        "name",
        "description",
        "image",
        "credentialSubject",
        "issuer",
        "validFrom",
        "validUntil",
        "awardedDate",
        "endorsement",
        "endorsementJwt",
        "evidence",
        "proof",
        "credentialSchema",
        "credentialStatus",
        "refreshService",
        "termsOfUse",
    ]
)
_KNOWN_EXT_PROPERTIES = frozenset(
    [
        "@context",
        "id",
        "type",
        "name",
        "description",
        "criteria",
        "achievementType",
        "alignment",
        "creator",
        "creditsAvailable",
        "endorsement",
        "endorsementJwt",
        "fieldOfStudy",
        "humanCode",
        "specialization",
        "version",
        "image",
        "inLanguage",
        "otherIdentifier",
        "related",
        "resultDescription",
        "tag",
        "achievement",
        "credential",
        "progress",
        "status",
        "requirements",
        "legacy",
    ]
)


def active_faults(names: Iterable[str]) -> frozenset[str]:
    """Return ``names`` as a set, refusing unknown ones with the list of known faults."""
    chosen = frozenset(names)
    unknown = sorted(chosen - set(FAULT_NAMES))
    if unknown:
        raise ValueError(
            f"unknown fault(s) {', '.join(unknown)}; known faults: {', '.join(FAULT_NAMES)}"
        )
    return chosen


STORE_FAULTS = frozenset({LOST_UNKNOWN_PROPERTY, NFD})
READ_FAULTS = frozenset(
    {
        DROP_REQUIRED_FIELD,
        TIMEZONE_SHIFT,
        CONTEXT_CHANGE,
        NAIVE_TIMESTAMPS,
        RELATIVE_URI,
        NULL_MEMBERS,
        CONTEXT_RENAMED,
    }
)
HEADER_FAULTS = frozenset({JSON_CONTENT_TYPE_LOST, NO_WWW_AUTHENTICATE, WRONG_ALLOW_HEADER})
_ZONE = re.compile(r"(Z|[+-][0-9]{2}:[0-9]{2})$")


def on_store(kind: str, record: Any, faults: frozenset[str]) -> Any:
    """The store hook: apply the store-time faults to a record about to be serialised."""
    if LOST_UNKNOWN_PROPERTY in faults and isinstance(record, dict):
        known = _KNOWN_CREDENTIAL_PROPERTIES if kind == "credential" else _KNOWN_EXT_PROPERTIES
        record = {name: value for name, value in record.items() if name in known}
    if NFD in faults:
        record = _normalise_strings(record)
    return record


def on_read(kind: str, body: str, faults: frozenset[str]) -> str:
    """The read hook: apply the read-time faults to a stored JSON record about to be served."""
    record = json.loads(body)
    if not isinstance(record, dict):
        return body
    if DROP_REQUIRED_FIELD in faults and kind == "credential":
        record.pop("credentialSubject", None)
    if TIMEZONE_SHIFT in faults and isinstance(record.get("validFrom"), str):
        record["validFrom"] = record["validFrom"][:19] + "+02:00"
    if NAIVE_TIMESTAMPS in faults:
        for name in ("validFrom", "validUntil"):
            if isinstance(record.get(name), str):
                record[name] = _ZONE.sub("", record[name])
    context = record.get("@context")
    if CONTEXT_CHANGE in faults and isinstance(context, list) and len(context) >= 2:
        record["@context"] = [context[1], context[0], *context[2:]]
    if kind == "credential":
        record = _credential_read_faults(record, faults)
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _credential_read_faults(record: dict[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    """relative-uri, null-members and context-renamed: what a Host's serialiser does to a
    stored credential."""
    if RELATIVE_URI in faults:
        _relative_achievement_id(record)
    if NULL_MEMBERS in faults:
        record.setdefault("evidence", None)
        subject = record.get("credentialSubject")
        if isinstance(subject, dict):
            subject.setdefault("result", None)
    if CONTEXT_RENAMED in faults and "@context" in record:
        record = {("context" if name == "@context" else name): v for name, v in record.items()}
    return record


def _relative_achievement_id(record: dict[str, Any]) -> None:
    """``urn:uuid:1f…`` becomes ``achievements/1f… v1``: no scheme, and a space."""
    subject = record.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if isinstance(achievement, dict) and isinstance(achievement.get("id"), str):
        tail = re.split(r"[:/]", achievement["id"])[-1]
        achievement["id"] = f"achievements/{tail} v1"


def _normalise_strings(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFD", value)
    if isinstance(value, list):
        return [_normalise_strings(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalise_strings(item) for key, item in value.items()}
    return value
