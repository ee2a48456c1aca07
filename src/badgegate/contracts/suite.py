"""What the contract suites share: where consumer suites write pacts, and report attachments."""

from __future__ import annotations

import json
from pathlib import Path

from badgegate.config import HarnessConfig
from badgegate.contracts.verify import VerificationReport
from badgegate.report.redact import redact_for_report, redacted_fields


def report_pacts_dir(config: HarnessConfig) -> Path:
    """``<report_dir>/pacts``: where the consumer suites write their pact files (a relative
    ``report_dir`` is in the working directory, like every other report)."""
    return Path(config.report_dir).absolute() / "pacts"


def attach_report(report: VerificationReport, *, config: HarnessConfig | None = None) -> None:
    """Attach a verification's failures and its JSON to the Allure report (when it runs).

    ``config``'s ``redact_fields`` are redacted in the JSON (masked, hashed on ``staging``).
    """
    try:
        import allure
    except ImportError:  # pragma: no cover - allure-pytest is a dependency
        return
    allure.attach(
        report.render(), name="contract mismatches", attachment_type=allure.attachment_type.TEXT
    )
    document = report.to_dict()
    if redacted_fields(config):
        document = redact_for_report(document, config)
    allure.attach(
        json.dumps(document, indent=2),
        name="contract verification",
        attachment_type=allure.attachment_type.JSON,
    )
