"""The structural check the engine applies to an AchievementCredential before storing it.

It checks the members OB 3.0 requires of every AchievementCredential (`ob3-facts.md` §2.1).
It is deliberately one function, ``check_credential``, so the full OB 3.0 validator can replace it.
"""

from __future__ import annotations

import re
from typing import Any

from badgegate.engine.datetimes import instant_key

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_OB_CONTEXT_PATTERN = re.compile(
    r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json"
)
_CREDENTIAL_TYPES = ("AchievementCredential", "OpenBadgeCredential")


def check_credential(doc: Any) -> list[str]:
    """Return what is structurally wrong with an AchievementCredential (empty when acceptable).

    Each message starts with the JSON pointer of the offending member.
    """
    if not isinstance(doc, dict):
        return ["/: an AchievementCredential must be a JSON object"]
    problems = _check_context(doc.get("@context"))
    problems += _check_type(doc.get("type"))
    if not _is_nonempty_string(doc.get("id")):
        problems.append("/id: required, a non-empty URI string")
    if credential_issuer_id(doc) is None:
        problems.append("/issuer: required, a URI string or a Profile object with an id")
    if instant_key(doc.get("validFrom")) is None:
        problems.append(
            "/validFrom: required, an RFC 3339 date-time with a time zone, "
            f"got {doc.get('validFrom')!r}"
        )
    if not isinstance(doc.get("credentialSubject"), dict):
        problems.append("/credentialSubject: required, a JSON object")
    return problems


def credential_issuer_id(doc: dict[str, Any]) -> str | None:
    """Return the credential's issuer id (``issuer`` as a string or ``issuer.id``), if any."""
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if _is_nonempty_string(issuer) else None


def _check_context(context: Any) -> list[str]:
    if not isinstance(context, list) or len(context) < 2:
        return ["/@context: required, an array of at least two contexts"]
    problems = []
    if context[0] != VC_V2_CONTEXT:
        problems.append(f"/@context/0: must be {VC_V2_CONTEXT}")
    if not (isinstance(context[1], str) and _OB_CONTEXT_PATTERN.fullmatch(context[1])):
        problems.append(f"/@context/1: must be the OB 3.0 context, e.g. {OB_CONTEXT}")
    return problems


def _check_type(types: Any) -> list[str]:
    if not isinstance(types, list) or not all(isinstance(item, str) for item in types):
        return ["/type: required, an array of strings"]
    problems = []
    if "VerifiableCredential" not in types:
        problems.append("/type: must contain VerifiableCredential")
    if not any(name in types for name in _CREDENTIAL_TYPES):
        problems.append("/type: must contain AchievementCredential or OpenBadgeCredential")
    return problems


def _is_nonempty_string(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
