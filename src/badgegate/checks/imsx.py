"""Error bodies: every 4xx/5xx answer is an ``Imsx_StatusInfo`` whose minor code fits the status.

``imsx_codeMajor`` and ``imsx_severity`` are required members (MUST): a wrong or missing one is
an error. ``imsx_codeMinor`` is optional (``[0..1]``): a body without it is a warning; a minor
code that is present but does not fit the status is an error.
"""

from __future__ import annotations

import json
from typing import Any

from badgegate.findings import Finding
from badgegate.ob3 import accepted_minor_codes

# The Imsx_StatusInfo class of the OB 3.0 API data model; error bodies per the API section.
SECTION = "B (Imsx_StatusInfo)"
ERROR_BODY = "an error answer's body is an Imsx_StatusInfo (JSON)"
MINOR_CODE = "imsx_codeMinor, when present, names the minor code of the status"


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
            _body_finding(
                f"{status} answer has content type {content_type or '(none)'}, not JSON",
                expected="application/json Imsx_StatusInfo",
                actual=text[:200],
            )
        ]
    try:
        body = json.loads(text)
    except ValueError:
        return [_body_finding(f"{status} answer is not valid JSON", actual=text[:200])]
    if not isinstance(body, dict):
        return [_body_finding(f"{status} answer is not a JSON object", actual=body)]
    findings = []
    for member, expected in (("imsx_codeMajor", "failure"), ("imsx_severity", "error")):
        if body.get(member) != expected:
            findings.append(
                Finding(
                    "imsx-error-body",
                    f"{member} of the {status} answer must be {expected!r}",
                    f"/{member}",
                    expected=expected,
                    actual=body.get(member),
                    section=SECTION,
                    requirement=f"{member} is {expected!r} on an error answer",
                )
            )
    findings.extend(_minor_code_findings(status, body))
    return findings


def _minor_code_findings(status: int, body: dict[str, Any]) -> list[Finding]:
    wanted = accepted_minor_codes(status)
    if not wanted:
        return []
    if "imsx_codeMinor" not in body:
        return [
            Finding(
                "imsx-minor-code",
                f"the error body has no `imsx_codeMinor`; the {status} answer should name "
                f"{' or '.join(sorted(wanted))}",
                "/imsx_codeMinor",
                level="OPTIONAL",
                section=SECTION,
                requirement=MINOR_CODE,
            )
        ]
    codes = minor_codes(body)
    if wanted.intersection(codes):
        return []
    return [
        Finding(
            "imsx-minor-code",
            f"{status} answer carries the wrong minor code",
            "/imsx_codeMinor/imsx_codeMinorField",
            expected=sorted(wanted),
            actual=codes,
            section=SECTION,
            requirement=MINOR_CODE,
        )
    ]


def _body_finding(message: str, *, expected: Any = None, actual: Any = None) -> Finding:
    return Finding(
        "imsx-error-body",
        message,
        expected=expected,
        actual=actual,
        section=SECTION,
        requirement=ERROR_BODY,
    )
