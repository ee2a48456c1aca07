"""Learners' data out of reports: ``redact_fields`` masked, or hashed so records still match.

Every writer of a report that may hold personal data (recipient emails, free text) passes its
documents through :func:`redact_record` (or :func:`redact_for_report`, which reads the config)
before attaching or writing them. ``mask`` replaces a value with ``***``; ``hash`` replaces it
with ``sha256:<16 hex>`` of its canonical JSON, so a reviewer can tell two records hold the same
value without reading it. The ``staging`` profile hashes by default.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any, Literal

from badgegate.config import HarnessConfig
from badgegate.errors import ConfigError
from badgegate.mapping.model import load_mapping
from badgegate.transport import MASK

RedactionMode = Literal["mask", "hash"]
MODES: tuple[RedactionMode, ...] = ("mask", "hash")
HASH_PREFIX = "sha256:"
HASH_LENGTH = 16
_FINGERPRINT = re.compile(re.escape(HASH_PREFIX) + f"[0-9a-f]{{{HASH_LENGTH}}}")


def fingerprint(value: object) -> str:
    """``sha256:<16 hex>`` of ``value``'s canonical JSON: equal values, equal fingerprints."""
    canonical = json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_text
    )
    # surrogatepass: legacy text may hold unpaired surrogates, which still get a fingerprint.
    digest = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
    return HASH_PREFIX + digest[:HASH_LENGTH]


def _json_text(value: object) -> str:
    """Timestamps as ISO 8601 (as every report writes them), anything else as its text."""
    isoformat = getattr(value, "isoformat", None)
    return str(isoformat()) if callable(isoformat) else str(value)


def is_redacted(value: object) -> bool:
    """True for a value redaction wrote (``***`` or a :func:`fingerprint`): redacting again
    leaves it as it is, so text redacted twice still matches its records."""
    return isinstance(value, str) and (value == MASK or _FINGERPRINT.fullmatch(value) is not None)


def _redacted(value: object, mode: RedactionMode) -> object:
    if value is None or is_redacted(value):
        return value
    return fingerprint(value) if mode == "hash" else MASK


def redact_record(doc: Any, fields: Iterable[str], mode: RedactionMode = "mask") -> Any:
    """Return a copy of ``doc`` with the value of every member named in ``fields`` redacted.

    Members are matched by name at any depth (``"email"`` matches ``{"recipient": {"email":
    …}}``); a dotted name (``"recipient.email"``) matches that path's last members only. The
    value, whatever its type, becomes ``***`` (``mask``) or its :func:`fingerprint` (``hash``);
    ``None`` stays ``None``. ``doc`` itself is never changed.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    paths = [tuple(field.split(".")) for field in fields if field]
    if not paths:
        return doc
    return _walk(doc, (), paths, mode)


def _matches(trail: tuple[str, ...], paths: list[tuple[str, ...]]) -> bool:
    return any(trail[-len(path) :] == path for path in paths if len(trail) >= len(path))


def _walk(
    node: Any, trail: tuple[str, ...], paths: list[tuple[str, ...]], mode: RedactionMode
) -> Any:
    if isinstance(node, dict):
        redacted: dict[Any, Any] = {}
        for key, value in node.items():
            here = (*trail, str(key))
            if _matches(here, paths):
                redacted[key] = _redacted(value, mode)
            else:
                redacted[key] = _walk(value, here, paths, mode)
        return redacted
    if isinstance(node, list):
        return [_walk(item, trail, paths, mode) for item in node]
    return node


#: Members of a difference entry (``{"field": "badges.content", "expected", "actual"}``) that hold
#: the value of the legacy field the entry names.
VALUE_MEMBERS = ("expected", "actual")
# A member's value in JSON or Python text: a string in either quotes (unterminated when the text
# was cut short; never across a line), a number or a constant.
_TEXT_SCALAR = (
    r'"(?:[^"\\\n]|\\.)*"?'
    r"|'(?:[^'\\\n]|\\.)*'?"
    r"|-?\d[\d.eE+-]*|true|false|null|True|False|None"
)


def redact_evidence(doc: Any, fields: Iterable[str], mode: RedactionMode = "mask") -> Any:
    """:func:`redact_record`, and difference entries and text that name a field in ``fields``.

    A difference entry names its field as a value (``{"field": "badges.content", "expected":
    …, "actual": …}``): when that name, or its last dotted part, is in ``fields``, ``expected``
    and ``actual`` are redacted too. Strings holding JSON text (a request body in a curl
    command, a message) have the scalar value of every ``"<field>": …`` member redacted.
    """
    names = tuple(field for field in fields if field)
    if not names:
        return doc
    return _evidence(redact_record(doc, names, mode), frozenset(names), mode)


def redact_text(text: str, fields: Iterable[str], mode: RedactionMode = "mask") -> str:
    """``text`` with the scalar value of every member ``"<field>": …`` in it redacted.

    Members are found in JSON text and in Python reprs (``'<field>': …``, as a falsifying
    example or a traceback shows a dict); the redacted value is written in the same notation.
    A string cut short (no closing quote before the line ends) is redacted to the line's end.
    """
    names = sorted({field.rsplit(".", 1)[-1] for field in fields if field})
    if not names:
        return text
    member = "|".join(map(re.escape, names))
    pattern = re.compile(r"""((["'])(?:""" + member + r")\2\s*:\s*)(" + _TEXT_SCALAR + ")")
    text = pattern.sub(lambda match: _redacted_member(match, mode), text)
    # JSON text inside a JSON string (a body in a serialised report): \"<field>\": \"…\".
    escaped = re.compile(r'(\\"(?:' + member + r')\\"\s*:\s*\\")((?:[^"\\]|\\[^"])*)(\\")')
    return escaped.sub(lambda match: _redacted_escaped(match, mode), text)


def _redacted_escaped(match: re.Match[str], mode: RedactionMode) -> str:
    """An escaped member's string value redacted, written escaped the same way."""
    try:
        once = json.loads(f'"{match[2]}"')  # the inner JSON string, still escaped once
        value: object = json.loads(f'"{once}"')
    except ValueError:
        value = match[2]
    if is_redacted(value):
        return match[0]
    redacted = json.dumps(_redacted(value, mode))[1:-1]
    return match[1] + redacted + match[3]


def _redacted_member(match: re.Match[str], mode: RedactionMode) -> str:
    key, quote, value = match[1], match[2], match[3]
    scalar = _scalar(value, python=quote == "'")
    if scalar is None or is_redacted(scalar):
        return match[0]
    redacted = _redacted(scalar, mode)
    return key + (repr(redacted) if quote == "'" else json.dumps(redacted))


def _scalar(text: str, *, python: bool = False) -> object:
    """The value ``text`` spells (JSON, or a Python literal); cut-short text as it stands."""
    readers = (ast.literal_eval, json.loads) if python else (json.loads, ast.literal_eval)
    for read in readers:
        try:
            return read(text)
        except (ValueError, SyntaxError):
            continue
    return text.strip("\"'")


def _names_field(entry: dict[Any, Any], names: frozenset[str]) -> bool:
    field = entry.get("field")
    return isinstance(field, str) and (field in names or field.rsplit(".", 1)[-1] in names)


def _evidence(node: Any, names: frozenset[str], mode: RedactionMode) -> Any:
    if isinstance(node, list):
        return [_evidence(item, names, mode) for item in node]
    if isinstance(node, str):
        return redact_text(node, names, mode)
    if not isinstance(node, dict):
        return node
    redacted = {key: _evidence(value, names, mode) for key, value in node.items()}
    if _names_field(node, names):
        for member in VALUE_MEMBERS:
            if member in node:
                redacted[member] = _redacted(node[member], mode)
    return redacted


def redaction_mode(config: HarnessConfig | None) -> RedactionMode:
    """``hash`` on the ``staging`` profile (records stay matchable), ``mask`` elsewhere."""
    return "hash" if config is not None and config.profile == "staging" else "mask"


def redact_for_report(doc: Any, config: HarnessConfig | None) -> Any:
    """:func:`redact_evidence` with the config's ``redact_fields`` and its profile's mode."""
    return redact_evidence(doc, redacted_fields(config), redaction_mode(config))


def redacted_fields(config: HarnessConfig | None) -> tuple[str, ...]:
    """The config's ``redact_fields`` (none without a config), with the names each legacy column
    among them is served under (see :func:`served_names`)."""
    fields = config.redact_fields if config is not None else ()
    return served_names(fields) if fields else ()


@functools.cache
def served_names(fields: tuple[str, ...]) -> tuple[str, ...]:
    """``fields`` and, for each that names a legacy column (``content`` or ``badges.content``),
    the dotted name of the property the migration mapping serves it as (``criteria.narrative``).

    A learner's free text keeps its legacy column name in legacy rows and differences but has
    another name in badge-engine's documents; naming the column is enough to redact both. A
    mapping that cannot be loaded adds nothing (``badgegate mapping check`` reports it).
    """
    try:
        mapping = load_mapping()
    except ConfigError:
        return fields
    names = list(fields)
    for field in fields:
        table_name, _, column_name = field.rpartition(".")
        for table in mapping.tables:
            column = table.column(column_name)
            if column is None or table_name not in ("", table.name) or not column.target:
                continue
            served = ".".join(token for token in column.pointer if token != "*")
            if served and served not in names:
                names.append(served)
    return tuple(names)
