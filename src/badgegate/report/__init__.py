"""Reports: the Allure HTML report, evidence attachments, and learners' data kept out of both."""

from __future__ import annotations

from badgegate.report.evidence import attach_evidence, render_evidence
from badgegate.report.redact import (
    fingerprint,
    redact_evidence,
    redact_for_report,
    redact_record,
    redact_text,
    redacted_fields,
    redaction_mode,
)

__all__ = [
    "attach_evidence",
    "fingerprint",
    "redact_evidence",
    "redact_for_report",
    "redact_record",
    "redact_text",
    "redacted_fields",
    "redaction_mode",
    "render_evidence",
]
