"""Evidence for the Allure report, attached with secrets masked and personal data redacted.

One way for every suite to attach what a reviewer needs (requests and responses, findings,
deepdiffs, reproductions): :func:`attach_evidence` redacts personal fields of a JSON document
(``redact_fields``, hashed on staging) and masks every registered secret in the text it attaches.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from badgegate.config import HarnessConfig
from badgegate.report.redact import redact_for_report
from badgegate.transport import redact

EvidenceKind = Literal["json", "text"]


def render_evidence(
    content: Any, *, config: HarnessConfig | None = None
) -> tuple[str, EvidenceKind]:
    """``content`` as the text to attach and its kind: JSON for documents, text for strings.

    Documents (anything but a string) go through :func:`redact_for_report` when a ``config``
    is given; the text then has every secret masked.
    """
    if isinstance(content, str):
        return redact(content), "text"
    document = redact_for_report(content, config) if config is not None else content
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    return redact(text), "json"


def attach_evidence(name: str, content: Any, *, config: HarnessConfig | None = None) -> None:
    """Attach ``content`` to the running Allure test (nothing when Allure is not recording)."""
    try:
        import allure
    except ImportError:  # pragma: no cover - allure-pytest is a dependency
        return
    text, kind = render_evidence(content, config=config)
    attachment_type = allure.attachment_type.JSON if kind == "json" else allure.attachment_type.TEXT
    allure.attach(text, name=name, attachment_type=attachment_type)
