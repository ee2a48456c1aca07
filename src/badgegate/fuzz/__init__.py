"""Property-based fuzzing of badge-engine's OpenAPI document with schemathesis.

Layers: :mod:`~badgegate.fuzz.document` (which document, loaded how), :mod:`.profiles`
(what each harness profile allows), :mod:`.session` (target, transport, auth, report),
:mod:`.checks` (OB 3.0 checks registered with schemathesis), :mod:`.probes` and
:mod:`.seeding` (follow-up calls and checks on seeded data), :mod:`.runner` (cases through
the harness transport) and :mod:`.report` (failures with curl reproductions and seeds).
Importing this package is cheap; schemathesis is imported by the modules that need it.
"""

from __future__ import annotations

from badgegate.fuzz.document import (
    Adjustments,
    adjustments_for,
    default_document,
    document_location,
    read_document,
)
from badgegate.fuzz.profiles import FuzzProfile, profile_for, writes_allowed
from badgegate.fuzz.report import FuzzFailure, FuzzReport, render_failures

__all__ = [
    "Adjustments",
    "FuzzFailure",
    "FuzzProfile",
    "FuzzReport",
    "adjustments_for",
    "default_document",
    "document_location",
    "operation_labels",
    "profile_for",
    "read_document",
    "render_failures",
    "writes_allowed",
]

_METHODS = ("get", "put", "post", "delete", "patch")


def operation_labels(config: object) -> list[str]:
    """``"METHOD /path"`` of every operation the config's profile may fuzz (no schemathesis)."""
    from urllib.parse import urlsplit

    document = read_document(document_location(config))
    host = urlsplit(str(getattr(config, "engine_url", "") or "")).hostname
    writes = profile_for(config, host=host).writes
    labels = []
    for path, item in document["paths"].items():
        for method in item:
            if method in _METHODS and (writes or method == "get"):
                labels.append(f"{method.upper()} {path}")
    return labels
