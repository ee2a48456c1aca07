"""What reconciliation keeps of a served record: its key, a digest, and how to trace it back.

Two records agree when the digests of their canonical JSON agree, so the engine side can be
spilled to disk as a few dozen bytes per record and compared without holding either side. A
served credential is compared without its ``proof`` (the mapping makes the data, the engine
signs it); a proof that does not verify makes its digest one nothing expects, so the badge is
looked at again and the proof reported.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from badgegate import json_text
from badgegate.json_text import canonical
from badgegate.mapping.transforms import system_identifier_inverse

URN_PREFIX = "urn:uuid:"
#: How records are digested; a spill made with another digest is not resumed.
DIGEST = "sha256-128"


class SpilledRecord(NamedTuple):
    """A served record as spilled: ``trace`` a legacy id, ``link`` the key of its achievement.

    A tuple, so that pages of them cross between processes and into the spill cheaply.
    """

    key: str
    kind: str
    digest: bytes
    trace: str | None
    link: str | None


def digest(record: Any) -> bytes:
    """A 16-byte digest of the record's canonical JSON (:data:`DIGEST`)."""
    return _digest_of(canonical(record))


def _digest_of(text: bytes) -> bytes:
    # SHA-256 runs in hardware on current x86 and ARM processors: faster there than BLAKE2b.
    return hashlib.sha256(text).digest()[:16]


def key_of(record_id: Any) -> str:
    """The engine key of a record id: the bare lowercase UUID of a ``urn:uuid:``, else the id."""
    text = str(record_id)
    if text[: len(URN_PREFIX)].lower() == URN_PREFIX:
        return text[len(URN_PREFIX) :].lower()
    return text


def legacy_id_of_achievement(achievement: Any) -> str | None:
    """The legacy id an Achievement carries in its ``systemId`` identifier, if any."""
    if not isinstance(achievement, dict):
        return None
    found = system_identifier_inverse(achievement.get("otherIdentifier"))
    return found if isinstance(found, str) else None


def spilled(kind: str, record: Any) -> SpilledRecord:
    """Reduce one served record (a dict, or a compact JWS string) to what is spilled."""
    data = _data(kind, record) if isinstance(record, dict) else str(record)
    return _reduced(kind, record, canonical(data))


def data_of(kind: str, record: Any) -> Any:
    """What is compared of a served record: a credential without its proof."""
    if kind != "credential" or not isinstance(record, dict) or "proof" not in record:
        return record
    return {name: value for name, value in record.items() if name != "proof"}


_data = data_of


def proof_problem(record: Any) -> str | None:
    """Why a served credential's proof does not verify (keys from ``did:key`` only), or None
    when it verifies or there is none."""
    if not isinstance(record, dict) or "proof" not in record:
        return None
    from badgegate.verify import Keys
    from badgegate.verify.integrity import Verifying, proof_findings

    verifying = Verifying(Keys(), datetime.now(UTC))
    errors = [f for f in proof_findings(record, verifying) if f.is_error]
    return "; ".join(f"[{f.rule}] {f.message}" for f in errors[:3]) or None


def _reduced(kind: str, record: Any, text: bytes) -> SpilledRecord:
    """:func:`spilled`, given the canonical JSON ``text`` of the record."""
    if not isinstance(record, dict):
        jws = str(record)
        return SpilledRecord(
            "jws:" + hashlib.sha256(jws.encode()).hexdigest(), kind, _digest_of(text), None, None
        )
    trace: str | None = None
    link: str | None = None
    if kind == "credential" and proof_problem(record) is not None:
        # A proof that does not verify: a digest nothing expects, so the badge is looked at.
        text += b"\0proof does not verify"
    if kind == "achievement":
        trace = legacy_id_of_achievement(record)
    elif kind == "progress":
        link = key_of(record.get("achievement")) if record.get("achievement") else None
    else:
        subject = record.get("credentialSubject")
        embedded = subject.get("achievement") if isinstance(subject, dict) else None
        trace = legacy_id_of_achievement(embedded)
        if isinstance(embedded, dict) and embedded.get("id"):
            link = key_of(embedded["id"])
    return SpilledRecord(key_of(record.get("id")), kind, _digest_of(text), trace, link)


def spilled_page(kind: str, content: bytes) -> list[SpilledRecord] | None:
    """The records of one page of ``kind``'s list (its body), as spilled; ``None`` when the body
    is not such a page.

    Runs where the page is parsed (a forwarding process, say); a ``None`` sends the caller back
    to the client, which says what is wrong with the page. The page is read with orjson and
    each record written once, canonically, for its digest; that text also shows whether orjson
    read the page as :mod:`json` does (:func:`json_text.may_hold_wide_integer`), else
    :mod:`json` reads it.
    """
    try:
        body = orjson.loads(content)
    except orjson.JSONDecodeError:
        return _spilled_exactly(kind, content)
    items = _page_items(kind, body)
    if items is None:
        return None
    texts = [canonical(_data(kind, item) if isinstance(item, dict) else item) for item in items]
    if any(map(json_text.may_hold_wide_integer, texts)):
        return _spilled_exactly(kind, content)
    return [_reduced(kind, item, text) for item, text in zip(items, texts, strict=True)]


def _spilled_exactly(kind: str, content: bytes) -> list[SpilledRecord] | None:
    try:
        body = json.loads(content)
    except ValueError:  # not JSON, or not UTF-8
        return None
    items = _page_items(kind, body)
    return None if items is None else [spilled(kind, item) for item in items]


def _page_items(kind: str, body: Any) -> list[Any] | None:
    """The records of a page's body (dicts, then compact JWS strings); None if not a page."""
    if not isinstance(body, dict):
        return None
    items = body.get(kind, [])
    jws = body.get("compactJwsString", []) if kind == "credential" else []
    if not (_all_of(items, dict) and _all_of(jws, str)):
        return None
    return [*items, *jws]


def _all_of(values: Any, kind: type) -> bool:
    return isinstance(values, list) and all(isinstance(value, kind) for value in values)
