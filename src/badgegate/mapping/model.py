"""The migration mapping (``contracts/migration-mapping.yaml``): loading and validation.

The file is checked against ``schemas/mapping/migration-mapping.schema.json`` first, then for
what a schema cannot say: transform names exist, targets fit their table, no two columns share a
target, the time zone exists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import os
import uuid
import zoneinfo
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import jsonschema_rs
import yaml

from badgegate import paths
from badgegate.errors import ConfigError
from badgegate.mapping.transforms import PARENT_KEY, TRANSFORMS

Fate = Literal["ob3", "progress", "dropped"]
Document = Literal["achievement", "progress"]
BADGES = "badges"
REQUIREMENTS = "badge_requirements"
MAPPING_FILE = "migration-mapping.yaml"
SCHEMA_FILE = Path("mapping") / "migration-mapping.schema.json"
# The exact Python type of a legacy column's values, by column type.
EXACT_TYPES: dict[str, type] = {
    "text": str,
    "integer": int,
    "boolean": bool,
    "timestamp": dt.datetime,
}
# Members the migration writes itself; no column may target them.
RESERVED: dict[str, tuple[tuple[str, ...], ...]] = {
    "achievement": (
        ("id",),
        ("type",),
        ("resultDescription", "*", "id"),
        ("resultDescription", "*", "type"),
        ("resultDescription", "*", "resultType"),
    ),
    "progress": (
        ("id",),
        ("type",),
        ("achievement",),
        ("credential",),
        ("requirements", "*", "id"),
    ),
}


@dataclasses.dataclass(frozen=True)
class ColumnFate:
    """One legacy column and what becomes of it."""

    table: str
    name: str
    type: str
    nullable: bool
    fate: Fate
    target: str | None = None
    transform: str | None = None
    reason: str | None = None

    @property
    def qualified_name(self) -> str:
        """``table.column``."""
        return f"{self.table}.{self.name}"

    @cached_property
    def document(self) -> Document:
        """The document holding the value: ``achievement`` or ``progress``."""
        return "achievement" if (self.target or "").startswith("achievement:") else "progress"

    @cached_property
    def pointer(self) -> tuple[str, ...]:
        """The target's JSON pointer as reference tokens (``*`` = the requirement's position)."""
        pointer = (self.target or ":").split(":", 1)[1]
        return tuple(_unescape(token) for token in pointer.split("/")[1:])


@dataclasses.dataclass(frozen=True)
class TableFate:
    """A legacy table: its key, its parent column (requirements) and its columns' fates."""

    name: str
    key: str
    columns: tuple[ColumnFate, ...]
    parent: str | None = None

    @cached_property
    def migrated(self) -> tuple[ColumnFate, ...]:
        """The columns that are not dropped."""
        return tuple(column for column in self.columns if column.fate != "dropped")

    @cached_property
    def column_names(self) -> frozenset[str]:
        """The names of the columns the mapping gives a fate."""
        return frozenset(column.name for column in self.columns)

    @cached_property
    def value_types(self) -> tuple[tuple[str, type | None, bool], ...]:
        """Per column: its name, the exact Python type of its values, and whether it is nullable."""
        return tuple(
            (column.name, EXACT_TYPES.get(column.type), column.nullable) for column in self.columns
        )

    @cached_property
    def _by_name(self) -> dict[str, ColumnFate]:
        return {column.name: column for column in self.columns}

    def column(self, name: str) -> ColumnFate | None:
        """The fate of column ``name``, or None when the mapping does not name it."""
        return self._by_name.get(name)


@dataclasses.dataclass(frozen=True)
class Normalisation:
    """A declared difference ``recover(forward(x))`` may show."""

    name: str
    table: str
    description: str


@dataclasses.dataclass(frozen=True)
class MigrationMapping:
    """The validated data contract. Build it with :func:`load_mapping`."""

    namespace: uuid.UUID
    timezone_name: str
    recipient_email: str
    identity_type: str
    award_status: str
    badges: TableFate
    requirements: TableFate
    normalisations: tuple[Normalisation, ...] = ()
    source: str = "<memory>"

    @cached_property
    def timezone(self) -> zoneinfo.ZoneInfo:
        """The zone of legacy naive timestamps."""
        return zoneinfo.ZoneInfo(self.timezone_name)

    @property
    def tables(self) -> tuple[TableFate, TableFate]:
        """Both legacy tables."""
        return (self.badges, self.requirements)


def default_mapping_path() -> Path:
    """``contracts/migration-mapping.yaml`` of the project."""
    return paths.contracts_dir() / MAPPING_FILE


def load_mapping(
    path: str | Path | None = None, *, recipient_email: str | None = None
) -> MigrationMapping:
    """Load and validate the mapping (default: the project's); raise :class:`ConfigError` if bad.

    The recipient email is ``recipient_email`` if given, else the mapping's ``override_env``
    variable (``BADGEGATE_RECIPIENT_EMAIL``) if set, else the mapping's constant.
    """
    source = Path(path) if path is not None else default_mapping_path()
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read migration mapping {source}: {error}") from error
    return parse_mapping(document, source=str(source), recipient_email=recipient_email)


def parse_mapping(
    document: Any, *, source: str = "<memory>", recipient_email: str | None = None
) -> MigrationMapping:
    """Validate a parsed mapping document and build the :class:`MigrationMapping`."""
    _check_schema(document, source)
    recipient = document["recipient"]
    email = recipient_email or os.environ.get(recipient["override_env"]) or recipient["email"]
    tables = {name: _table(name, spec) for name, spec in document["tables"].items()}
    mapping = MigrationMapping(
        namespace=uuid.UUID(document["namespace"]),
        timezone_name=document["timezone"],
        recipient_email=email,
        identity_type=recipient["identity_type"],
        award_status=document["award_status"],
        badges=tables[BADGES],
        requirements=tables[REQUIREMENTS],
        normalisations=tuple(Normalisation(**item) for item in document["normalisations"]),
        source=source,
    )
    problems = _semantic_problems(mapping)
    if problems:
        raise ConfigError(f"migration mapping {source} is invalid:\n  " + "\n  ".join(problems))
    return mapping


def _check_schema(document: Any, source: str) -> None:
    schema = json.loads((paths.schemas_dir() / SCHEMA_FILE).read_text(encoding="utf-8"))
    # jsonschema-rs, not jsonschema: importing jsonschema (its format checkers) takes seconds,
    # and every command that reads the mapping would wait for it.
    validator = jsonschema_rs.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.instance_path))
    if errors:
        lines = [f"/{'/'.join(map(str, error.instance_path))}: {error.message}" for error in errors]
        raise ConfigError(
            f"migration mapping {source} does not match {SCHEMA_FILE}:\n  " + "\n  ".join(lines)
        )


def _table(name: str, spec: Mapping[str, Any]) -> TableFate:
    columns = tuple(
        ColumnFate(
            table=name,
            name=column,
            type=fate["type"],
            nullable=fate["nullable"],
            fate=fate["fate"],
            target=fate.get("target"),
            transform=fate.get("transform"),
            reason=fate.get("reason"),
        )
        for column, fate in spec["columns"].items()
    )
    return TableFate(name=name, key=spec["key"], columns=columns, parent=spec.get("parent"))


def _semantic_problems(mapping: MigrationMapping) -> list[str]:
    problems: list[str] = []
    try:
        _ = mapping.timezone
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone {mapping.timezone_name!r} is not an IANA time zone")
    targets: dict[str, str] = {}
    for table in mapping.tables:
        for key_column in filter(None, (table.key, table.parent)):
            if table.column(key_column) is None:
                problems.append(f"{table.name}: key column {key_column!r} has no fate")
        for column in table.migrated:
            problems.extend(_column_problems(table, column))
            if column.target in targets:
                problems.append(
                    f"{column.qualified_name} and {targets[column.target]} share target "
                    f"{column.target} (one would overwrite the other)"
                )
            targets[column.target or ""] = column.qualified_name
    return problems


def _column_problems(table: TableFate, column: ColumnFate) -> list[str]:
    name = column.qualified_name
    transform = column.transform or ""
    if transform not in TRANSFORMS:
        close = difflib.get_close_matches(transform, TRANSFORMS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return [f"{name}: unknown transform {transform!r}{hint} (known: {', '.join(TRANSFORMS)})"]
    problems = []
    if column.type not in TRANSFORMS[transform].column_types:
        problems.append(f"{name}: transform {transform!r} cannot carry a {column.type} column")
    starred = "*" in column.pointer
    if starred != (table.name == REQUIREMENTS):
        where = "must" if table.name == REQUIREMENTS else "must not"
        problems.append(f"{name}: target {column.target} {where} contain a /*/ position")
    if (transform == PARENT_KEY) != (column.name == table.parent):
        problems.append(f"{name}: transform {PARENT_KEY!r} is for the parent column only")
    if transform != PARENT_KEY and any(
        column.pointer[: len(reserved)] == reserved for reserved in RESERVED[column.document]
    ):
        problems.append(f"{name}: target {column.target} is set by the migration itself")
    return problems


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")
