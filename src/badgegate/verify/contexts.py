"""The JSON-LD contexts badgegate verifies with: pinned copies shipped in the package.

Each context comes from the npm package that publishes it, pinned in ``contexts/manifest.json``
by package version, the tarball's integrity and the SHA-256 of the file shipped. Nothing is
fetched: a context outside the pinned set is a ``context-not-pinned`` finding.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from badgegate.errors import ConfigError

MANIFEST = "manifest.json"


class ContextNotPinned(LookupError):
    """A document named a context URL outside the pinned set."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def _folder() -> Any:
    return resources.files("badgegate.verify").joinpath("contexts")


@functools.cache
def manifest() -> list[dict[str, str]]:
    """The manifest's entries: url, file, package, version, integrity, source, sha256."""
    entries: list[dict[str, str]] = json.loads(_folder().joinpath(MANIFEST).read_text("utf-8"))[
        "contexts"
    ]
    return entries


@functools.cache
def pinned() -> Mapping[str, Any]:
    """URL -> context document, each checked against its manifest hash when first read."""
    documents: dict[str, Any] = {}
    for entry in manifest():
        data = _folder().joinpath(entry["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise ConfigError(
                f"the pinned context {entry['file']} does not match its SHA-256 in the "
                f"manifest; reinstall badgegate"
            )
        documents[entry["url"]] = json.loads(data)
    return documents
