"""Which checks own which engine fault: the narrow selection the self-test runs per fault.

Each fault lists the checks (``<suite>:<check>``, see :mod:`badgegate.selftest.checks`) that
exist to catch its class of defect; every one of them must fail against an engine started
with the fault and pass against the clean engine.
"""

from __future__ import annotations

from badgegate.engine.faults import catalogue as f

OWNING_CHECKS: dict[str, tuple[str, ...]] = {
    f.DROP_REQUIRED_FIELD: ("schema:served", "fuzz:get-credentials"),
    f.WRONG_STATUS: ("contracts:verification", "fuzz:read-back"),
    f.EDGE_500: ("fuzz:exactly-once", "fuzz:since"),
    f.PAGE_SKIP: ("fuzz:exactly-once",),
    f.PAGE_DUPLICATE: ("fuzz:exactly-once",),
    f.INCLUSIVE_SINCE: ("contracts:verification", "fuzz:since"),
    f.UNENFORCED_SCOPE: ("fuzz:scopes",),
    f.TENANT_LEAK: ("fuzz:isolation",),
    f.NON_IMSX_ERROR: ("fuzz:auth", "fuzz:methods"),
    f.SILENT_LIMIT_CAP: ("fuzz:exactly-once",),
    f.LOST_UNKNOWN_PROPERTY: ("fuzz:read-back",),
    f.TIMEZONE_SHIFT: ("fuzz:read-back",),
    f.NFD: ("fuzz:read-back",),
    # The pacts' provider states store records around the engine's write path, so contract
    # verification cannot see a lost write: the fuzz read-back owns it.
    f.LOST_WRITE: ("fuzz:read-back",),
    f.WRONG_TOTAL: ("fuzz:exactly-once",),
    f.BROKEN_LINK_HEADER: ("fuzz:exactly-once",),
    f.CONTEXT_CHANGE: ("schema:served", "fuzz:get-credentials"),
    # A target that answers some writes with 503 or a reset loses them: the read-back sees it.
    f.FLAKY: ("fuzz:read-back",),
    f.ACCEPT_INVALID: ("fuzz:invalid-upload",),
    f.NAIVE_TIMESTAMPS: ("schema:served", "fuzz:read-back"),
    f.JSON_CONTENT_TYPE_LOST: ("fuzz:get-credentials", "fuzz:auth"),
    f.NO_WWW_AUTHENTICATE: ("smoke:auth", "fuzz:auth"),
    f.WRONG_ALLOW_HEADER: ("fuzz:methods",),
    # No pact sends the same upsert twice, so verification cannot see the duplicate.
    f.REUPSERT_DUPLICATES: ("fuzz:double-upsert",),
    # Read-only: the same check runs on staging.
    f.LOOSE_SINCE: ("fuzz:loose-since",),
    f.UNSUPPORTED_METHOD_404: ("fuzz:methods",),
    # Read-only: the same check runs on staging.
    f.IGNORED_AUTH: ("fuzz:auth",),
    # Read-only: both run on staging too.
    f.EMPTY_DISCOVERY: ("smoke:discovery",),
    f.ROOT_BASE_PATH: ("smoke:base-path",),
    # A URI-typed value without a scheme, three objects deep: the schema's format: iri.
    f.RELATIVE_URI: ("schema:served", "fuzz:get-credentials"),
    f.NULL_MEMBERS: ("fuzz:read-back",),
    f.CONTEXT_RENAMED: ("fuzz:read-back",),
    f.PROFILE_TAKEOVER: ("fuzz:profile",),
    # Refusing the invalid upload proves nothing when the control credential is refused too.
    f.REFUSE_UPLOADS: ("fuzz:read-back", "fuzz:invalid-upload"),
    f.FORGED_SIGNATURE: ("schema:served",),
    f.UNSIGNED: ("schema:served",),
    f.OTHER_KEY: ("schema:served",),
    f.ACCEPTS_BAD_SIGNATURE: ("fuzz:bad-signature",),
}


def owning_checks(fault: str) -> tuple[str, ...]:
    """The checks owning ``fault`` (a fault without owners is a catalogue defect)."""
    try:
        return OWNING_CHECKS[fault]
    except KeyError:
        raise KeyError(f"fault {fault!r} has no owning checks in {__name__}") from None


def all_owning_checks() -> tuple[str, ...]:
    """Every check some fault owns, once, in a stable order."""
    return tuple(dict.fromkeys(name for names in OWNING_CHECKS.values() for name in names))
