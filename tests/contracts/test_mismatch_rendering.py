"""The verifier's JSON results become typed, numbered mismatches (not a bare RuntimeError)."""

from __future__ import annotations

from badgegate.contracts.mismatches import outcomes_from_results, render_failures
from badgegate.contracts.verify import VerificationFailed, VerificationReport

RESULTS = {
    "interactionResults": [
        {
            "consumer": "badge-reader",
            "description": "a read of the issuer profile",
            "providerStates": [],
            "result": "Ok",
            "pending": False,
        },
        {
            "consumer": "badge-reader",
            "description": "a read of the first page of credentials",
            "providerStates": ["a learner with N awarded credentials"],
            "result": "Error",
            "pending": False,
            "mismatch": {
                "type": "mismatches",
                "mismatches": [
                    {
                        "type": "StatusMismatch",
                        "expected": 200,
                        "actual": 500,
                        "mismatch": "expected 200 but was 500",
                    },
                    {
                        "type": "BodyMismatch",
                        "path": "$.credential[0].validFrom",
                        "expected": '"2024-01-02T00:00:00Z"',
                        "actual": '"2024-01-02T00:00:00"',
                        "mismatch": "Expected a zone",
                    },
                    {
                        "type": "HeaderMismatch",
                        "key": "Link",
                        "expected": "rel=next",
                        "actual": "",
                        "mismatch": "Expected a header 'Link' but was missing",
                    },
                ],
            },
        },
        {
            "consumer": "badge-migrator",
            "description": "a batch of upserts",
            "providerStates": ["client C holds token T with scopes S"],
            "result": "Error",
            "pending": True,
            "mismatch": {"type": "error", "message": "state change failed"},
        },
    ]
}


def test_results_become_typed_mismatches() -> None:
    """Status, body and header mismatches keep their location, expected and actual."""
    ok, failed, pending = outcomes_from_results(RESULTS)
    assert ok.passed and not failed.passed and pending.pending
    status, body, header = failed.mismatches
    assert (status.kind, status.location, status.expected, status.actual) == (
        "status",
        "status",
        "200",
        "500",
    )
    assert (body.kind, body.location) == ("body", "$.credential[0].validFrom")
    assert (header.kind, header.location, header.actual) == ("header", "Link", "(nothing)")
    assert pending.mismatches[0].kind == "provider state"


def test_failures_render_as_a_numbered_list() -> None:
    """Each failing interaction is numbered; its mismatches are numbered under it."""
    text = render_failures(outcomes_from_results(RESULTS))
    lines = text.splitlines()
    assert lines[0].startswith(
        "1) badge-reader: a read of the first page of credentials (given a learner"
    )
    assert lines[1].startswith("    1.1) status status: expected 200, got 500")
    assert lines[2].startswith("    1.2) body $.credential[0].validFrom:")
    assert lines[4].startswith("2) badge-migrator: a batch of upserts") and "pending" in lines[4]


def test_pending_failures_do_not_fail_the_report() -> None:
    """Only non-pending failures fail; the error names them and carries findings."""
    report = VerificationReport(
        "badge-engine", "http://127.0.0.1:1/ims/ob/v3p0", tuple(outcomes_from_results(RESULTS))
    )
    assert not report.passed and len(report.failures) == 1 and len(report.pending_failures) == 1
    error = VerificationFailed(report)
    assert "a read of the first page of credentials" in str(error)
    findings = report.findings()
    assert {f.severity for f in findings} == {"error", "warning"}
    assert findings[1].pointer == "$.credential[0].validFrom"
