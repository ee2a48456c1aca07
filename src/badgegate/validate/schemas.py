"""Load and compile the JSON Schemas once per process, and turn schema errors into findings.

The schemas live in the repository's ``schemas/`` folder, found from the package location so the
working directory does not matter. Bulk validation uses jsonschema-rs; the same format functions
are given to it and to jsonschema (used by the benchmark and the tests) so their verdicts agree.
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
    r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)"
    r"(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
_DATE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _real_day(year: str, month: str, day: str) -> bool:
    return day <= "28" or int(day) <= calendar.monthrange(int(year), int(month))[1]


def is_date_time(value: str) -> bool:
    """RFC 3339 ``date-time``: full date, time and a zone (``Z`` or ``±hh:mm``); leap second ok."""
    match = _DATE_TIME.match(value)
    return match is not None and _real_day(*match.group(1, 2, 3))


def is_date(value: str) -> bool:
    """RFC 3339 ``full-date``: ``YYYY-MM-DD`` naming a real day."""
    match = _DATE.match(value)
    return match is not None and _real_day(*match.group(1, 2, 3))


FORMATS = {"date-time": is_date_time, "date": is_date}


def parse_date_time(value: str) -> datetime | None:
    """Parse an RFC 3339 date-time with zone into an aware ``datetime`` (None if not one)."""
    if not is_date_time(value):
        return None
    text = value.upper().replace("Z", "+00:00")
    text = re.sub(r":60(?=[.+-])", ":59", text)  # a leap second compares as :59
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # datetime keeps microseconds
    return datetime.fromisoformat(text)


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


def compile_other(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    """Compile any draft 2019-09 schema with our format functions (used for the oracles)."""
    import jsonschema_rs

    return jsonschema_rs.Draft201909Validator(schema, formats=FORMATS, validate_formats=True)


def pointer(path: list[str | int] | Any) -> str:
    """A JSON pointer (RFC 6901) from a list of path parts."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def schema_findings(name: str, variant: str, document: Any) -> list[Finding]:
    """Validate ``document`` against schema ``name``; one finding per schema error."""
    validator = compiled(name, variant)
    if validator.is_valid(document):
        return []
    return [
        Finding(
            rule=f"schema-{_keyword(list(error.schema_path))}",
            message=error.message if len(error.message) <= 300 else error.message[:297] + "...",
            pointer=pointer(error.instance_path),
            section="JSON Schema",
        )
        for error in validator.iter_errors(document)
    ]


def _keyword(schema_path: list[str | int]) -> str:
    for part in reversed(schema_path):
        if isinstance(part, str) and part not in ("then", "else", "if"):
            return part
    return "invalid"
