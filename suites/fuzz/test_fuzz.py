"""Fuzz: schemathesis over the target's OpenAPI document, with badgegate's OB 3.0 checks.

Every operation gets the document's examples, positive and negative generated data; stateful
sequences follow the document's links; probes check what one response cannot show. Every
failure carries its curl reproduction (secrets masked) and the seed.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from badgegate.fuzz.session import FuzzSession
from badgegate.fuzz.suite import fail_with, problems_as_failures

pytestmark = pytest.mark.suite("fuzz")


def _probe(session: FuzzSession, check: str, run: Callable[[FuzzSession], list[str]]) -> None:
    from badgegate.fuzz.probes import guarded

    fail_with(session, problems_as_failures(session, check, guarded(run, session)))


def _needs_seeded_data(session: FuzzSession) -> None:
    if not session.seeded.credentials:
        pytest.skip("not applicable: the target is read-only, so the harness seeded no data")


def test_operation(fuzz_session: FuzzSession, operation: str) -> None:
    """Generated calls of one operation pass every built-in and OB 3.0 check."""
    from badgegate.fuzz.runner import CaseRunner, fuzz_operation

    method, path = operation.split(" ", 1)
    if reason := fuzz_session.not_applicable(path):
        pytest.skip(reason)
    found = fuzz_session.schema[path][method]
    fail_with(fuzz_session, fuzz_operation(CaseRunner(fuzz_session), found))


def test_stateful_sequences_through_links(fuzz_session: FuzzSession) -> None:
    """Sequences following the document's OpenAPI links pass every check."""
    from badgegate.fuzz.runner import CaseRunner, fuzz_links

    if not (fuzz_session.profile.stateful and fuzz_session.adjustments.stateful):
        pytest.skip("not applicable: stateful sequences are off for this profile or document")
    fail_with(fuzz_session, fuzz_links(CaseRunner(fuzz_session)))


def test_seeded_credentials_are_served_back(fuzz_session: FuzzSession) -> None:
    """The control credential and each seeded one were created (201) and are served once, as
    they were sent (each change named by credential id and JSON pointer)."""
    from badgegate.fuzz.report import attach_left_on_target
    from badgegate.fuzz.seeding import seeded_read_back

    attach_left_on_target(fuzz_session.report)
    if fuzz_session.seeded.problems and not fuzz_session.seeded.credentials:
        # Seeding failed from the start (the control credential refused): nothing to read.
        fail_with(
            fuzz_session,
            problems_as_failures(fuzz_session, "upsert-read-back", fuzz_session.seeded.problems),
        )
    _needs_seeded_data(fuzz_session)
    _probe(fuzz_session, "upsert-read-back", lambda s: s.seeded.problems + seeded_read_back(s))


def test_since_must_be_an_rfc3339_date_time(fuzz_session: FuzzSession) -> None:
    """since=1, 2024, 0.5 or empty is a 400 with an Imsx body (read-only: every profile)."""
    from badgegate.fuzz.probes import loose_since

    _probe(fuzz_session, "since-format", loose_since)


def test_pages_return_each_record_exactly_once(fuzz_session: FuzzSession) -> None:
    """Walking every page returns each record once, every seeded one, as many as the total."""
    from badgegate.fuzz.seeding import exactly_once

    _needs_seeded_data(fuzz_session)
    _probe(fuzz_session, "paging-exactly-once", exactly_once)


def test_since_is_strictly_after_including_the_boundary(fuzz_session: FuzzSession) -> None:
    """``since`` keeps exactly the credentials whose ``validFrom`` is strictly after it."""
    from badgegate.fuzz.seeding import since_checks

    _needs_seeded_data(fuzz_session)
    _probe(fuzz_session, "since-strictly-after", since_checks)


def test_other_tenant_sees_none_of_the_records(fuzz_session: FuzzSession) -> None:
    """A token of another tenant lists none of this tenant's credentials."""
    from badgegate.fuzz.seeding import isolation_checks

    _needs_seeded_data(fuzz_session)
    if fuzz_session.isolation is None:
        pytest.skip("not applicable: set BADGEGATE_ISOLATION_TOKEN to check tenant isolation")
    _probe(fuzz_session, "tenant-isolation", isolation_checks)


def test_protected_operations_refuse_what_is_no_valid_token(fuzz_session: FuzzSession) -> None:
    """Every protected operation's accepted request, sent without a token, with a malformed or
    unknown one, or claiming groups and scopes, is a 401 with a Bearer challenge; another
    tenant's token reads none of this tenant's records (RFC 6750 §3; read-only on staging)."""
    from badgegate.fuzz.probes import guarded
    from badgegate.fuzz.refusals import protected_operations, token_refusals

    if not guarded(lambda session: [p.label for p in protected_operations(session)], fuzz_session):
        pytest.skip("not applicable: the document protects no operation with an oauth2 scheme")
    _probe(fuzz_session, "oauth2-auth", token_refusals)


def test_protected_operations_refuse_a_token_lacking_their_scope(
    fuzz_session: FuzzSession,
) -> None:
    """Every protected operation's accepted request, sent with a token lacking its scope, is a
    403 with ``error="insufficient_scope"`` (RFC 6750 §3.1), never 2xx."""
    from badgegate.fuzz.probes import guarded
    from badgegate.fuzz.refusals import ScopeRefusals, scope_refusals

    found = ScopeRefusals()
    problems = guarded(lambda session: scope_refusals(session, found).problems, fuzz_session)
    for reason in found.not_applicable:
        print(f"fuzz: insufficient scope not applicable: {reason}")
    if not found.probed and not problems:
        reasons = "; ".join(found.not_applicable) or "no protected operation"
        pytest.skip(f"not applicable: no token lacking an operation's scope: {reasons}")
    fail_with(fuzz_session, problems_as_failures(fuzz_session, "insufficient-scope", problems))


def test_undocumented_methods_are_refused(fuzz_session: FuzzSession) -> None:
    """Undocumented methods answer 405 with the documented ``Allow`` and an Imsx body."""
    from badgegate.fuzz.probes import undocumented_methods

    # Where writes are off (staging), only methods that cannot change anything are sent.
    safe_only = not fuzz_session.profile.probe_methods
    _probe(
        fuzz_session,
        "unsupported-method",
        lambda session: undocumented_methods(session, safe_only=safe_only),
    )


def test_same_upsert_twice_keeps_one_record(fuzz_session: FuzzSession) -> None:
    """A seeded credential sent again answers 200 or 304 and stays a single record."""
    from badgegate.fuzz.seeding import double_upsert_checks

    _needs_seeded_data(fuzz_session)
    _probe(fuzz_session, "double-upsert", double_upsert_checks)


def test_uploads_with_a_broken_signature_are_refused(fuzz_session: FuzzSession) -> None:
    """A credential whose proof does not verify answers 400 and is not served; a correctly
    signed one (a fresh did:key) is accepted and served with its proof."""
    from badgegate.fuzz.signatures import signature_checks

    if not fuzz_session.profile.writes:
        pytest.skip("not applicable: writes are not allowed on this target")
    _probe(fuzz_session, "bad-signature", signature_checks)


def test_invalid_uploads_are_refused(fuzz_session: FuzzSession) -> None:
    """Invalid OB 3.0 uploads answer 400 and are never served."""
    from badgegate.fuzz.seeding import invalid_upload_checks

    if not fuzz_session.profile.writes:
        pytest.skip("not applicable: writes are not allowed on this target")
    _probe(fuzz_session, "invalid-upload", invalid_upload_checks)


def test_the_profile_stays_the_tenants_own(fuzz_session: FuzzSession) -> None:
    """PUT /profile naming another id, or an invalid Profile, is refused; an accepted PUT is
    served back; the served Profile is put back afterwards."""
    from badgegate.fuzz.profile import profile_checks

    if not fuzz_session.profile.writes:
        pytest.skip("not applicable: writes are not allowed on this target")
    _probe(fuzz_session, "profile-ownership", profile_checks)
