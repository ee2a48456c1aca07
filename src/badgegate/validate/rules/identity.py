"""Rules on who a credential is about: the subject's identity and hashed identifiers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from badgegate.findings import Finding
from badgegate.validate.rules.judging import Location, RuleContext, finding

_IDENTITY_HASH = re.compile(r"^(md5\$[0-9a-fA-F]{32}|sha256\$[0-9a-fA-F]{64})$")


def identity_hash(where: Location, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """A hashed identity's ``identityHash`` is ``md5$<32 hex>`` or ``sha256$<64 hex>``."""
    value = node.get("identityHash")
    if node.get("hashed") is True and isinstance(value, str) and not _IDENTITY_HASH.match(value):
        yield finding(
            "identity-hash",
            where,
            ("identityHash",),
            "a hashed identityHash must be 'sha256$<64 hex digits>' or 'md5$<32 hex digits>'",
            actual=value,
            section="B.2.20",
        )


def subject_identity(
    where: Location, node: dict[str, Any], context: RuleContext
) -> Iterator[Finding]:
    """The subject carries an ``id`` or at least one ``identifier`` (spec §8.1 step 1)."""
    if "id" in node:
        return
    identifier = node.get("identifier")
    if identifier is None or identifier == []:
        yield finding(
            "subject-identity",
            where,
            (),
            "credentialSubject must have an id or an identifier",
            section="8.1",
        )
