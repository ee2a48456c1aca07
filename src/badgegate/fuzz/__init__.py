"""Property-based fuzzing of badge-engine's OpenAPI document with schemathesis.

Layers: :mod:`~badgegate.fuzz.document` (which document, loaded how), :mod:`.profiles`
(what each harness profile allows), :mod:`.session` (target, transport, auth, report),
:mod:`.checks` (OB 3.0 checks registered with schemathesis), :mod:`.probes` and
:mod:`.seeding` (follow-up calls and checks on seeded data), :mod:`.profile` (who owns the
Profile), :mod:`.refusals` (what every oauth2-protected operation must refuse), :mod:`.runner`
(cases through the harness transport), :mod:`.negative` (when accepting negative data is a
failure) and :mod:`.report` (failures with curl reproductions and seeds). Importing this
package is cheap; schemathesis is imported by the modules that need it.

Adjustment to schemathesis's ``negative_data_rejection`` check: the document's request schemas
of the upserts (``POST /credentials``, ``PUT /profile``, ``PUT /ext/achievements/{key}``,
``PUT /ext/progress/{key}``) and of ``POST /oauth/register`` are generation profiles, narrower
than OB 3.0 and RFC 7591. Accepting a mutated body there is a failure only when the body is also
invalid by badgegate's OB 3.0 validator (error findings) or by the RFC 7591 registration rules:
a correct engine's acceptance of valid data is never reported.
"""

from __future__ import annotations

from badgegate.config import HarnessConfig
from badgegate.fuzz.document import (
    Adjustments,
    adjustments_for,
    default_document,
    document_location,
    read_document,
)
from badgegate.fuzz.profiles import FuzzProfile, profile_for
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
]

_METHODS = ("get", "put", "post", "delete", "patch")


def operation_labels(config: HarnessConfig) -> list[str]:
    """``"METHOD /path"`` of every operation the config's profile may fuzz (no schemathesis)."""
    from urllib.parse import urlsplit

    document = read_document(document_location(config))
    host = urlsplit(str(config.engine_url or "")).hostname
    writes = profile_for(config, host=host).writes
    labels = []
    for path, item in document["paths"].items():
        for method in item:
            if method in _METHODS and (writes or method == "get"):
                labels.append(f"{method.upper()} {path}")
    return labels
