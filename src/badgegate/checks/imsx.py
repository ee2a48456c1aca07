"""Error bodies: every 4xx/5xx answer is an ``Imsx_StatusInfo`` whose minor code fits the status."""

from __future__ import annotations

import json
from typing import Any

from badgegate.findings import Finding
from badgegate.ob3 import accepted_minor_codes


def minor_codes(body: dict[str, Any]) -> list[str]:
    """Return the ``imsx_codeMinorFieldValue``s of an ``Imsx_StatusInfo``."""
    minor = body.get("imsx_codeMinor")
    fields = minor.get("imsx_codeMinorField") if isinstance(minor, dict) else None
    if not isinstance(fields, list):
        return []
    return [str(f.get("imsx_codeMinorFieldValue")) for f in fields if isinstance(f, dict)]


def check_error_body(status: int, content_type: str, text: str) -> list[Finding]:
    """Check that an error answer's body is an ``Imsx_StatusInfo`` fitting ``status``."""
    if status < 400:
        return []
    if "json" not in content_type.lower():
        return [
            Finding(
                "imsx-error-body",
                f"{status} answer has content type {content_type or '(none)'}, not JSON",
                expected="application/json Imsx_StatusInfo",
                actual=text[:200],
            )
        ]
    try:
        body = json.loads(text)
    except ValueError:
        return [Finding("imsx-error-body", f"{status} answer is not valid JSON", actual=text[:200])]
    if not isinstance(body, dict):
        return [Finding("imsx-error-body", f"{status} answer is not a JSON object", actual=body)]
    findings = []
    for member, expected in (("imsx_codeMajor", "failure"), ("imsx_severity", "error")):
        if body.get(member) != expected:
            findings.append(
                Finding(
                    "imsx-error-body",
                    f"{member} must be {expected!r}",
                    f"/{member}",
                    expected=expected,
                    actual=body.get(member),
                )
            )
    wanted = accepted_minor_codes(status)
    codes = minor_codes(body)
    if wanted and not wanted.intersection(codes):
        findings.append(
            Finding(
                "imsx-minor-code",
                f"{status} answer carries the wrong minor code",
                "/imsx_codeMinor/imsx_codeMinorField",
                expected=sorted(wanted),
                actual=codes,
            )
        )
    return findings
