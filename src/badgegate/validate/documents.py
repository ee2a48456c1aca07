"""Read credentials from files: JSON, compact JWS (.jwt/.jws), baked PNG and baked SVG (§3).

Reading never raises for bad content: what cannot be read becomes a finding.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from badgegate.findings import Finding
from badgegate.validate import jws

if TYPE_CHECKING:
    from badgegate.validate.api import Mode, Variant

MAX_FILE_BYTES = 10 * 1024 * 1024
SUFFIXES = (".json", ".jwt", ".jws", ".png", ".svg")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_CREDENTIAL = "{https://purl.imsglobal.org/ob/v3p0}credential"


@dataclasses.dataclass
class LoadedDocument:
    """What a file held: the document (None if unreadable), reading findings, JWS parts."""

    path: Path
    document: Any = None
    findings: list[Finding] = dataclasses.field(default_factory=list)
    header: dict[str, Any] | None = None  # set when the credential came as a compact JWS
    payload: dict[str, Any] | None = None
    token: str | None = None  # the compact JWS itself (its signature covers header.payload)


def expand(paths: list[Path]) -> Iterator[Path]:
    """Files named, and the credential files (by suffix) below folders named, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
        else:
            yield path


def load(path: Path) -> LoadedDocument:
    """Read one file into a ``LoadedDocument``."""
    loaded = LoadedDocument(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return _fail(loaded, "document-too-large", f"{size} bytes; the limit is {MAX_FILE_BYTES}")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".png":
        return _from_png(loaded, data)
    text = _text(loaded, data)
    if text is None:
        return loaded
    if suffix == ".svg":
        return _from_svg(loaded, text)
    if suffix in (".jwt", ".jws"):
        return _from_jws(loaded, text)
    return _from_json(loaded, text)


# rule -> the requirement a file that cannot be read breaks
_READING = {
    "document-too-large": "a credential file is of a size a verifier can read",
    "document-encoding": "OB 3.0 JSON is UTF-8",
    "document-not-json": "a .json file holds one JSON document",
    "document-too-deep": "a document is plain JSON that can be validated safely",
    "jws-malformed": "a .jwt/.jws file holds one compact JWS",
    "baked-image": "a baked image carries exactly one credential, uncompressed, as specified",
}


def _fail(loaded: LoadedDocument, rule: str, message: str, pointer: str = "") -> LoadedDocument:
    loaded.findings.append(
        Finding(rule=rule, message=message, pointer=pointer, requirement=_READING.get(rule))
    )
    return loaded


def _text(loaded: LoadedDocument, data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        _fail(loaded, "document-encoding", f"not UTF-8: {error.reason} at byte {error.start}")
        return None


def _from_json(loaded: LoadedDocument, text: str) -> LoadedDocument:
    try:
        loaded.document = json.loads(text)
    except RecursionError:
        return _fail(loaded, "document-too-deep", "JSON nested too deeply to read")
    except ValueError as error:
        return _fail(loaded, "document-not-json", f"not JSON: {error}")
    return loaded


def _from_jws(loaded: LoadedDocument, text: str) -> LoadedDocument:
    try:
        header, payload = jws.decode(text)
    except jws.JwsError as error:
        return _fail(loaded, "jws-malformed", str(error))
    loaded.header, loaded.payload, loaded.token = header, payload, text.strip()
    loaded.document = jws.credential_of(payload)
    loaded.findings.extend(jws.header_findings(header))
    loaded.findings.extend(jws.claim_findings(payload))
    return loaded


def _from_baked_text(loaded: LoadedDocument, text: str) -> LoadedDocument:
    stripped = text.strip()
    if stripped.startswith("{"):
        return _from_json(loaded, stripped)
    return _from_jws(loaded, stripped)


def _from_png(loaded: LoadedDocument, data: bytes) -> LoadedDocument:
    if not data.startswith(PNG_SIGNATURE):
        return _fail(loaded, "baked-image", "not a PNG file")
    texts = []
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        chunk_type, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        if chunk_type == b"iTXt" and body.split(b"\0", 1)[0] == PNG_KEYWORD:
            texts.append(body)
        offset += 12 + length
    if not texts:
        return _fail(loaded, "baked-image", "no iTXt chunk with keyword openbadgecredential")
    if len(texts) > 1:
        _fail(loaded, "baked-image", "more than one openbadgecredential iTXt chunk")
    return _from_itxt(loaded, texts[0])


def _from_itxt(loaded: LoadedDocument, body: bytes) -> LoadedDocument:
    # keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
    rest = body[len(PNG_KEYWORD) + 1 :]
    if len(rest) < 2 or rest[2:].count(b"\0") < 2:
        return _fail(loaded, "baked-image", "malformed iTXt chunk")
    compressed = rest[0] == 1
    text_bytes = rest[2:].split(b"\0", 2)[2]
    if compressed:
        _fail(loaded, "baked-image", "the iTXt chunk must not be compressed")
        try:
            text_bytes = zlib.decompress(text_bytes)
        except zlib.error:
            return loaded
    text = _text(loaded, text_bytes)
    return loaded if text is None else _from_baked_text(loaded, text)


def _from_svg(loaded: LoadedDocument, text: str) -> LoadedDocument:
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        return _fail(loaded, "baked-image", f"not well-formed SVG: {error}")
    elements = list(root.iter(SVG_CREDENTIAL))
    if not elements:
        return _fail(loaded, "baked-image", "no openbadges:credential element")
    if len(elements) > 1:
        _fail(loaded, "baked-image", "more than one openbadges:credential element")
    verify = elements[0].get("verify")
    return _from_baked_text(loaded, verify if verify is not None else (elements[0].text or ""))


@dataclasses.dataclass
class FileResult:
    """The verdict on one file: its kind (if known) and every finding."""

    path: Path
    kind: str | None
    findings: list[Finding]

    @property
    def valid(self) -> bool:
        """True when no finding is an error (warnings allowed)."""
        return not any(finding.is_error for finding in self.findings)


def validate_file(
    path: Path,
    *,
    variant: Variant = "strict",
    mode: Mode = "conformance",
    at: datetime | None = None,
) -> FileResult:
    """Read ``path`` and validate what it holds, as the kind its ``type`` names."""
    from badgegate.validate import detect_kind, validate_document

    loaded = load(path)
    findings = list(loaded.findings)
    if loaded.document is None:
        return FileResult(path, None, findings)
    findings.extend(
        validate_document(
            loaded.document,
            variant=variant,
            mode=mode,
            at=at,
            enveloped=loaded.header is not None,
            from_json=True,  # every reader below parses with json.loads
        )
    )
    return FileResult(path, detect_kind(loaded.document), findings)
