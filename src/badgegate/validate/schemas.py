"""Load and compile the JSON Schemas once per process, and turn schema errors into findings.

The schemas live in the repository's ``schemas/`` folder, found from the package location so the
working directory does not matter. Bulk validation uses jsonschema-rs; the same format functions
are given to it and to jsonschema (used by the benchmark and the tests) so their verdicts agree.

Each schema is compiled twice. The *screening* validator states ``date-time`` and ``date`` as
ASCII regular expressions (``pattern``) instead of format functions, so the native validator
never calls back into Python; it accepts a subset of what the format functions accept, so when
it passes a document the schema passes it too. Only a document it rejects is explained by the
*exact* validator (format functions, one finding per error), whose verdict is the one reported.
"""

from __future__ import annotations

import calendar
import functools
import json
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from badgegate.errors import ConfigError
from badgegate.findings import Finding
from badgegate.validate.vocabulary import ABSOLUTE_IRI_PATTERN, is_absolute_iri
from badgegate.validate.walk import class_at

if TYPE_CHECKING:
    import jsonschema_rs

# schema name -> file below schemas/ (``{variant}`` is filled in)
SCHEMA_FILES: dict[str, str] = {
    name: f"ob3/{{variant}}/{name}.schema.json"
    for name in (
        "achievement-credential",
        "endorsement-credential",
        "achievement",
        "profile",
        "get-credentials-response",
        "imsx-status-info",
    )
}
PROGRESS_RECORD_FILE = "badgegate/progress-record.schema.json"

_DATE_TIME = re.compile(
    r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[Tt](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)"
    r"(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$"
)
_DATE = re.compile(r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$")
_LEAP_SECOND = re.compile(r":60(?=[.+-])")
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")

# The same forms as ASCII regular expressions with the real days of each month built in
# (29 February only in leap years), for the screening validators.
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_REAL_DATE = (
    r"(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    rf"|{_LEAP_YEAR}-02-29)"
)
_TIME = (
    r"[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
SCREENING_PATTERNS = {
    "date-time": f"^{_REAL_DATE}{_TIME}$",
    "date": f"^{_REAL_DATE}$",
    "iri": ABSOLUTE_IRI_PATTERN,  # the format function is this very pattern
}


_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February: see _real_day


def _real_day(text: str) -> bool:
    """True when ``text``, which starts with a matched ``YYYY-MM-DD``, names a real day."""
    day = text[8:10]
    if day <= "28":  # every month has these (digits of other scripts sort above "28")
        return True
    month = int(text[5:7])
    if month == 2 and int(day) == 29:
        return calendar.isleap(int(text[:4]))
    return int(day) <= _MONTH_DAYS[month]


def is_date_time(value: str) -> bool:
    """RFC 3339 ``date-time``: full date, time and a zone (``Z`` or ``±hh:mm``); leap second ok."""
    return _DATE_TIME.match(value) is not None and _real_day(value)


def is_date(value: str) -> bool:
    """RFC 3339 ``full-date``: ``YYYY-MM-DD`` naming a real day."""
    return _DATE.match(value) is not None and _real_day(value)


FORMATS = {"date-time": is_date_time, "date": is_date, "iri": is_absolute_iri}


def parse_date_time(value: str) -> datetime | None:
    """Parse an RFC 3339 date-time with zone into an aware ``datetime`` (None if not one)."""
    if not is_date_time(value):
        return None
    text = value.upper().replace("Z", "+00:00")
    if ":60" in text:
        text = _LEAP_SECOND.sub(":59", text)  # a leap second compares as :59
    if "." in text:
        text = _LONG_FRACTION.sub(r"\1", text)  # datetime keeps microseconds
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # a real RFC 3339 date Python cannot hold (year 0000)
        return None


def schemas_dir() -> Path:
    """The project's ``schemas/`` folder (see :mod:`badgegate.paths`)."""
    from badgegate.paths import schemas_dir as project_schemas

    folder = project_schemas()
    if not (folder / "ob3").is_dir():
        raise ConfigError(f"the OB 3.0 JSON Schemas are missing from {folder / 'ob3'}")
    return folder


@functools.cache
def load_schema(name: str, variant: str = "strict") -> dict[str, Any]:
    """Return the parsed schema ``name`` (``progress-record`` or a key of ``SCHEMA_FILES``)."""
    if name == "progress-record":
        path = schemas_dir() / PROGRESS_RECORD_FILE
        if not path.is_file():
            raise ConfigError(f"the progress record schema is missing at {path}")
    else:
        if variant not in ("strict", "jsonld"):
            raise ConfigError(f"unknown schema variant {variant!r}; use strict or jsonld")
        path = schemas_dir() / SCHEMA_FILES[name].format(variant=variant)
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@functools.cache
def compiled(name: str, variant: str = "strict") -> jsonschema_rs.Validator:
    """The jsonschema-rs validator for a schema, compiled once per process, formats asserted."""
    import jsonschema_rs

    return jsonschema_rs.Draft201909Validator(
        load_schema(name, variant), formats=FORMATS, validate_formats=True
    )


@functools.cache
def screening(name: str, variant: str = "strict") -> jsonschema_rs.Validator:
    """The validator that decides valid documents fast: formats as ASCII patterns, no callbacks.

    It never accepts what :func:`compiled` rejects; it may reject what :func:`compiled`
    accepts (non-ASCII digits, a newline before the end), so a rejection is only a reason to
    ask the exact validator.
    """
    import jsonschema_rs

    schema = load_schema(name, variant)
    if _formats_used(schema) - SCREENING_PATTERNS.keys():
        return compiled(name, variant)  # a format without a pattern: screen with the real one
    return jsonschema_rs.Draft201909Validator(_formats_as_patterns(schema), validate_formats=False)


def _formats_used(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["format"]} if isinstance(schema.get("format"), str) else set()
        return found.union(*(_formats_used(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_formats_used(value) for value in schema))
    return set()


def _formats_as_patterns(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_formats_as_patterns(value) for value in schema]
    if not isinstance(schema, dict):
        return schema
    rewritten = {key: _formats_as_patterns(value) for key, value in schema.items()}
    if not isinstance(rewritten.get("format"), str):
        return rewritten
    pattern = SCREENING_PATTERNS[rewritten.pop("format")]
    if "pattern" in rewritten:  # a pattern of its own beside the format: both must hold
        rewritten["allOf"] = [*rewritten.get("allOf", []), {"pattern": pattern}]
    else:
        rewritten["pattern"] = pattern
    return rewritten


def compile_other(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    """Compile any draft 2019-09 schema with our format functions (used for the oracles)."""
    import jsonschema_rs

    return jsonschema_rs.Draft201909Validator(schema, formats=FORMATS, validate_formats=True)


def pointer(path: list[str | int] | Any) -> str:
    """A JSON pointer (RFC 6901) from a list of path parts."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def schema_findings(name: str, variant: str, document: Any) -> list[Finding]:
    """Validate ``document`` against schema ``name``; one finding per schema error."""
    if screening(name, variant).is_valid(document):
        return []
    return exact_schema_findings(name, variant, document)


def exact_schema_findings(name: str, variant: str, document: Any) -> list[Finding]:
    """The findings of the exact validator alone (for a document the screening one rejected).

    Each names the OB 3.0 class (and member) it is about and quotes the offending value.
    """
    from badgegate.validate.schema_build import ROOTS

    root_class = ROOTS[name][0] if name in ROOTS else None
    return [
        _schema_finding(error, _keyword(list(error.schema_path)), root_class)
        for error in compiled(name, variant).iter_errors(document)
    ]


# schema keyword -> the requirement a schema error of that keyword rests on
_REQUIREMENTS = {
    "required": "a required member is present",
    "type": "each member has the JSON type the data model gives it",
    "format": "each value has the form its data-model type gives it",
    "enum": "the value is a term of its enumeration",
    "const": "the value is the one the data model fixes",
    "pattern": "the value has the form the data model gives it",
    "additionalProperties": "a closed class has only its own members",
    "minItems": "a multi-valued member holds at least its minimum of values",
    "contains": "the type set names the class's required term",
}
_IRI_REQUIREMENT = "a URI-typed value is an absolute URI (RFC 3986 §4.3, RFC 3987 §2.2)"


def _schema_finding(error: Any, keyword: str, root_class: str | None) -> Finding:
    path = list(error.instance_path)
    instance = error.instance
    if keyword == "format" and _format_of(error) == "iri":
        message = (
            f"{json.dumps(instance, ensure_ascii=False)} is not an absolute URI: it needs a "
            "scheme (https:, urn:, did:, …) and no spaces"
        )
        requirement = _IRI_REQUIREMENT
    else:
        message = error.message if len(error.message) <= 300 else error.message[:297] + "..."
        requirement = _REQUIREMENTS.get(keyword, "the document matches the OB 3.0 JSON Schema")
    section = None
    if root_class is not None:
        class_name, prop = class_at(root_class, path, into_object=isinstance(instance, dict))
        section = f"B ({class_name}.{prop})" if prop else f"B ({class_name})"
    scalar = instance if isinstance(instance, (str, int, float, bool)) else None
    return Finding(
        rule=f"schema-{keyword}",
        message=message,
        pointer=pointer(path),
        actual=scalar,
        section=section,
        requirement=requirement,
    )


def _format_of(error: Any) -> str | None:
    kind = getattr(error, "kind", None)
    value = getattr(kind, "format", None)
    return value if isinstance(value, str) else None


def _keyword(schema_path: list[str | int]) -> str:
    for part in reversed(schema_path):
        if isinstance(part, str) and part not in ("then", "else", "if"):
            return part
    return "invalid"
