"""Write our OB 3.0 JSON Schemas (draft 2019-09) from the data-model tables in ``model``.

Two variants come from the same tables: ``strict`` (plain JSON: every multi-valued property is
an array) and ``jsonld`` (JSON-LD compacted values: a single value may stand for a one-element
array and human-readable strings may be language maps). Regenerate the files under
``schemas/ob3/`` with ``python -m badgegate.validate.schema_build``; ``--check`` only compares.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from badgegate.validate import model, vocabulary
from badgegate.validate.model import ObClass, Prop

SCHEMA_DIALECT = "https://json-schema.org/draft/2019-09/schema"
SCHEMA_BASE = "https://badgegate.dev/schemas/ob3"
VARIANTS = ("strict", "jsonld")
# schema name -> (root class, title)
ROOTS: dict[str, tuple[str, str]] = {
    "achievement-credential": (
        "AchievementCredential",
        "AchievementCredential (OpenBadgeCredential)",
    ),
    "endorsement-credential": ("EndorsementCredential", "EndorsementCredential"),
    "achievement": ("Achievement", "Achievement"),
    "profile": ("Profile", "Profile"),
    "get-credentials-response": (
        "GetOpenBadgeCredentialsResponse",
        "GetOpenBadgeCredentialsResponse",
    ),
    "imsx-status-info": ("Imsx_StatusInfo", "Imsx_StatusInfo"),
}
_DESCRIPTION = {
    "strict": "Plain JSON: multi-valued properties are arrays, strings are strings.",
    "jsonld": (
        "JSON-LD compacted values accepted: a single value for a multi-valued property, "
        "language maps for human-readable strings. Required type terms are still checked."
    ),
}
_SCALARS: dict[str, dict[str, Any]] = {
    model.TEXT: {"type": "string"},
    model.URI: {"type": "string", "format": "iri"},
    model.IRI: {"type": "string"},
    model.PLAIN: {"type": "string"},
    model.DATETIME: {"type": "string", "format": "date-time"},
    model.DATE: {"type": "string", "format": "date"},
    model.NUMBER: {"type": "number"},
    model.BOOLEAN: {"type": "boolean"},
    model.LANGUAGE: {"type": "string", "pattern": vocabulary.LANGUAGE_PATTERN},
    model.JWS: {"type": "string", "pattern": vocabulary.COMPACT_JWS_PATTERN},
    model.CONTEXT: {"type": ["string", "object"]},
}
_LANGUAGE_MAP = {
    "type": "object",
    "propertyNames": {"pattern": vocabulary.LANGUAGE_MAP_KEY_PATTERN},
    "additionalProperties": {"type": "string"},
}


class _Builder:
    """Builds the ``$defs`` reachable from one root class, for one variant."""

    def __init__(self, variant: str) -> None:
        self.jsonld = variant == "jsonld"
        self.defs: dict[str, dict[str, Any]] = {}

    def reach(self, class_name: str) -> None:
        if class_name in self.defs:
            return
        self.defs[class_name] = {}  # placeholder: stops recursion on cycles
        self.defs[class_name] = self.class_schema(model.CLASSES[class_name])

    def class_schema(self, ob_class: ObClass) -> dict[str, Any]:
        properties = {
            name: self.property_schema(name, prop, ob_class)
            for name, prop in ob_class.props.items()
        }
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if ob_class.required:
            schema["required"] = list(ob_class.required)
        schema["additionalProperties"] = not ob_class.closed
        return schema

    def property_schema(self, name: str, prop: Prop, ob_class: ObClass) -> dict[str, Any]:
        if name == "type" and ob_class.single_type:
            return {"type": "string", "enum": [ob_class.single_type]}
        if name == "type" and ob_class.type_terms:
            return self.type_set(ob_class.type_terms)
        if name == "@context":
            return _context_schema()
        single = self.value_schema(prop)
        if not prop.many:
            return single
        array: dict[str, Any] = {"type": "array", "items": single}
        if prop.min_items:
            array["minItems"] = prop.min_items
        if not self.jsonld:
            return array
        del array["type"]
        return {"if": {"type": "array"}, "then": array, "else": single}

    def type_set(self, groups: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
        array: dict[str, Any] = {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string"},
            "allOf": [{"contains": {"enum": list(group)}} for group in groups],
        }
        if not self.jsonld or len(groups) > 1:
            return array
        del array["type"]
        single = {"type": "string", "enum": list(groups[0])}
        return {"if": {"type": "array"}, "then": array, "else": single}

    def value_schema(self, prop: Prop) -> dict[str, Any]:
        class_name = prop.class_name
        if prop.kind == model.PROFILE_REF:
            self.reach("Profile")
            return {
                "if": {"type": "string"},
                "then": {"format": "iri"},
                "else": {"$ref": "#/$defs/Profile"},
            }
        if class_name:
            self.reach(class_name)
            return {"$ref": f"#/$defs/{class_name}"}
        enum_name = prop.enum_name
        if enum_name:
            return _enum_schema(enum_name)
        if prop.kind == model.TEXT and self.jsonld:
            return {"if": {"type": "object"}, "then": _LANGUAGE_MAP, "else": {"type": "string"}}
        return dict(_SCALARS[prop.kind])


def _context_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "minItems": 2,
        "items": [
            {"const": vocabulary.VC_V2_CONTEXT},
            {"type": "string", "pattern": vocabulary.OB_CONTEXT_PATTERN},
        ],
        "additionalItems": {**_SCALARS[model.CONTEXT], "format": "iri"},
    }


def _enum_schema(enum_name: str) -> dict[str, Any]:
    terms = list(vocabulary.ENUMERATIONS[enum_name])
    if enum_name not in vocabulary.EXTENSIBLE_ENUMERATIONS:
        return {"type": "string", "enum": terms}
    return {"type": "string", "anyOf": [{"enum": terms}, {"pattern": vocabulary.EXT_TERM_PATTERN}]}


def schema_id(name: str, variant: str) -> str:
    """The ``$id`` of one of our schemas."""
    return f"{SCHEMA_BASE}/{variant}/{name}.schema.json"


def build_schema(name: str, variant: str) -> dict[str, Any]:
    """Return our JSON Schema ``name`` (a key of ``ROOTS``) in ``variant`` as a dict."""
    root_class, title = ROOTS[name]
    builder = _Builder(variant)
    builder.reach(root_class)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": schema_id(name, variant),
        "title": f"Open Badges 3.0 {title} ({variant})",
        "description": _DESCRIPTION[variant] + " Written by badgegate from the OB 3.0 data model.",
        "$ref": f"#/$defs/{root_class}",
        "$defs": dict(sorted(builder.defs.items())),
    }


def render(schema: dict[str, Any]) -> str:
    """Serialise a schema the way the committed files are written."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_all(schemas_dir: Path, *, check: bool = False) -> list[Path]:
    """Write every schema under ``schemas_dir/ob3``; with ``check``, return the stale files."""
    stale: list[Path] = []
    for variant in VARIANTS:
        for name in ROOTS:
            path = schemas_dir / "ob3" / variant / f"{name}.schema.json"
            text = render(build_schema(name, variant))
            if path.is_file() and path.read_text(encoding="utf-8") == text:
                continue
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    """Regenerate (or with ``--check`` verify) the committed schema files."""
    from badgegate.validate.schemas import schemas_dir

    parser = argparse.ArgumentParser(prog="python -m badgegate.validate.schema_build")
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    stale = write_all(schemas_dir(), check=args.check)
    for path in stale:
        print(f"{'stale' if args.check else 'wrote'}: {path}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
