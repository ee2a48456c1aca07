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
    """Each seeded credential was created (201) and is served once, equal to what was sent."""
    from badgegate.fuzz.seeding import seeded_read_back

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


def test_writes_need_a_token_with_the_scope(fuzz_session: FuzzSession) -> None:
    """Writes are refused without a token (401) and with a read-only token (403)."""
    from badgegate.fuzz.seeding import scope_checks

    if not fuzz_session.profile.writes:
        pytest.skip("not applicable: writes are not allowed on this target")
    _probe(fuzz_session, "scope-enforced", scope_checks)


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
