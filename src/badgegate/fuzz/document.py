"""The OpenAPI document the fuzz suite drives: which one, how it is loaded, how it is read.

By default it is badge-engine's own 3.1 document (``schemas/openapi/badge-engine.yaml``); the
``openapi`` config key points at any other file or URL, e.g. the target's own document or the
official OB 3.0 OpenAPI file. The official file is looser than OB 3.0 itself, so loading it
yields :class:`Adjustments` that relax the acceptance checks (see :func:`adjustments_for`).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from pathlib import Path
from typing import Any

import requests
import yaml

from badgegate.config import HarnessConfig
from badgegate.errors import ConfigError
from badgegate.paths import schemas_dir
from badgegate.transport.guard import SAFE_METHODS

#: Operations that manage OAuth clients and tokens rather than records.
OAUTH_OPERATIONS = frozenset({"requestAccessToken", "revokeToken", "registerClient"})
#: libyaml's safe loader when PyYAML has it (several times faster on a 2,000-line document).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_document() -> Path:
    """badge-engine's own OpenAPI 3.1 document, shipped with badgegate."""
    return schemas_dir() / "openapi" / "badge-engine.yaml"


def document_location(config: HarnessConfig) -> str:
    """The ``openapi`` config value, or the default document's path."""
    chosen = config.openapi
    return str(chosen) if chosen else str(default_document())


@dataclasses.dataclass(frozen=True)
class Adjustments:
    """How the acceptance checks are relaxed for a document looser than OB 3.0.

    Each field names one adjustment; :attr:`notes` says why, for the report.
    """

    #: Statuses a correct engine may answer to *positive* data the document generates.
    positive_statuses: tuple[str, ...] = ("2XX", "304", "401", "403", "404")
    #: Follow the document's OpenAPI links in a stateful phase.
    stateful: bool = True
    notes: tuple[str, ...] = ()


OWN_DOCUMENT = Adjustments()
OFFICIAL_DOCUMENT = Adjustments(
    # The official request schemas accept credentials OB 3.0 itself refuses (no `contains` on
    # `type`, no ordered `@context`), so a correct engine answers some positive bodies with 400.
    positive_statuses=("2XX", "304", "400", "401", "403", "404"),
    # Its pagination links point limit/offset at `$request.path` although they are query
    # parameters; schemathesis's stateful phase cannot follow them.
    stateful=False,
    notes=(
        "positive bodies may be refused with 400: the official request schemas are looser "
        "than OB 3.0 (no ordered @context, no required type members)",
        "stateful links off: the official pagination links point limit/offset at $request.path",
        "OB 3.0 validity of 2xx bodies is still checked with badgegate's validator, not the "
        "document's response schemas",
    ),
)


def adjustments_for(raw_document: dict[str, Any]) -> Adjustments:
    """The adjustments a document needs: the official OB 3.0 file (OpenAPI 3.0) gets relaxed."""
    version = str(raw_document.get("openapi", ""))
    title = str(raw_document.get("info", {}).get("title", ""))
    if version.startswith("3.0") or "Open Badges" in title:
        return OFFICIAL_DOCUMENT
    return OWN_DOCUMENT


def read_document(location: str, session: requests.Session | None = None) -> dict[str, Any]:
    """Read the OpenAPI document at ``location``: a file path, or an http(s) URL fetched
    through ``session`` (the harness transport's, so its policies apply)."""
    if location.startswith(("http://", "https://")):
        try:
            response = (session or requests.Session()).get(location, timeout=30)
            response.raise_for_status()
            text = response.text
        except requests.RequestException as error:
            raise ConfigError(f"cannot fetch the OpenAPI document {location}: {error}") from None
    else:
        path = Path(location).expanduser()
        if not path.is_file():
            raise ConfigError(
                f"OpenAPI document {path} does not exist; set BADGEGATE_OPENAPI to a file or "
                f"URL (default {default_document()})"
            )
        return copy.deepcopy(_parsed_file(str(path.resolve()), path.stat().st_mtime_ns, location))
    return _parsed(text, location)


@functools.lru_cache(maxsize=4)
def _parsed_file(path: str, _mtime_ns: int, location: str) -> dict[str, Any]:
    # A process (the self-test) opens many sessions on one document: parse it once per version.
    return _parsed(Path(path).read_text(encoding="utf-8"), location)


def _parsed(text: str, location: str) -> dict[str, Any]:
    document = yaml.load(text, Loader=_YAML_LOADER)
    if not isinstance(document, dict) or "paths" not in document:
        raise ConfigError(f"{location} is not an OpenAPI document (no 'paths')")
    return document


def load_document(document: dict[str, Any], *, settings: dict[str, Any] | None = None) -> Any:
    """Load a read OpenAPI ``document`` with schemathesis; ``settings`` is a schemathesis
    config mapping (generation, checks, ...)."""
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    config = SchemathesisConfig.from_dict(settings or {})
    return schemathesis.openapi.from_dict(document, config=config)


def operation_id(operation: Any) -> str:
    """The ``operationId`` of a schemathesis operation (its label when it has none)."""
    return str(operation.definition.raw.get("operationId") or operation.label)


def is_write(operation: Any) -> bool:
    """True for operations whose method changes the target (POST, PUT, PATCH, DELETE)."""
    return str(operation.method).upper() not in SAFE_METHODS
