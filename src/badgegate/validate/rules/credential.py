"""Rules on a credential as a whole: its ``@context``, ``credentialSchema`` and proof."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from badgegate.findings import Finding
from badgegate.validate import vocabulary
from badgegate.validate.rules.judging import Location, RuleContext, finding


def context_order(where: Location, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """``@context`` starts with the VC 2.0 context, then a published OB 3.0 context."""
    contexts = node.get("@context")
    if not isinstance(contexts, list):
        return
    if not contexts or contexts[0] != vocabulary.VC_V2_CONTEXT:
        yield finding(
            "context-order",
            where,
            ("@context", 0),
            "the first @context must be the VC 2.0 context",
            expected=vocabulary.VC_V2_CONTEXT,
            actual=contexts[0] if contexts else None,
            section="B.1",
        )
    second = contexts[1] if len(contexts) > 1 else None
    if second == vocabulary.OB_CONTEXT_CURRENT:
        return
    if not isinstance(second, str) or not second.startswith(vocabulary.OB_CONTEXT_PREFIX):
        yield finding(
            "context-order",
            where,
            ("@context", 1),
            "the second @context must be the OB 3.0 context",
            expected=vocabulary.OB_CONTEXT_CURRENT,
            actual=second,
            section="B.1",
        )
    elif not vocabulary.ob_context_is_known(second):
        yield finding(
            "context-version",
            where,
            ("@context", 1),
            "not a published OB 3.0 context version",
            expected=vocabulary.OB_CONTEXT_CURRENT,
            actual=second,
            section="B.1",
        )
    else:
        yield finding(
            "context-version",
            where,
            ("@context", 1),
            "an older OB 3.0 context version",
            severity="warning",
            expected=vocabulary.OB_CONTEXT_CURRENT,
            actual=second,
            section="B.1",
        )


def credential_schema(
    where: Location, node: dict[str, Any], context: RuleContext
) -> Iterator[Finding]:
    """One ``credentialSchema`` entry names the official OB 3.0 schema (a SHOULD).

    That each ``id`` is an absolute URI is the schema's (``format: iri``), as for every URI.
    """
    if "credentialSchema" not in node:
        return
    entries = node["credentialSchema"]
    official = False
    for entry in entries if isinstance(entries, list) else (entries,):
        if not isinstance(entry, dict):
            continue
        schema_url, schema_type = entry.get("id"), entry.get("type")
        official = official or (
            schema_type == vocabulary.SCHEMA_VALIDATOR_TYPE
            and isinstance(schema_url, str)
            and schema_url.startswith(vocabulary.OFFICIAL_SCHEMA_PREFIX)
        )
    if not official:
        yield finding(
            "credential-schema-official",
            where,
            ("credentialSchema",),
            "no entry names an official OB 3.0 schema with type "
            + vocabulary.SCHEMA_VALIDATOR_TYPE,
            severity="warning",
            section="B.2.14",
        )


def proof_present(where: Location, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """A credential needs a proof to be verifiable: an embedded ``proof`` or a JWS envelope."""
    proof = node.get("proof")
    if (proof is None or proof == []) and not (context.enveloped and where is None):
        yield finding(
            "no-proof",
            where,
            ("proof",),
            "no embedded proof; the credential is not verifiable",
            severity="warning",
            section="4",
        )
