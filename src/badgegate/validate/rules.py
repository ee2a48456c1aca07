"""The OB 3.0 rules a JSON Schema cannot state, each with its own rule id.

Every rule is a function ``(pointer, node, context) -> Iterator[Finding]`` registered for the
classes it applies to; ``check`` walks the document and runs them. Rule ids are stable: fixtures,
reports and ``schemas/README.md`` refer to them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from badgegate.findings import Finding, Severity
from badgegate.validate import model
from badgegate.validate.model import CLASSES, ObClass
from badgegate.validate.schemas import is_date_time, parse_date_time
from badgegate.validate.walk import as_list, escape, walk

_IDENTITY_HASH = re.compile(r"^(md5\$[0-9a-fA-F]{32}|sha256\$[0-9a-fA-F]{64})$")
_ZONELESS = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_CREDENTIALS = ("AchievementCredential", "EndorsementCredential")


@dataclasses.dataclass(frozen=True)
class RuleContext:
    """How to judge: ``mode`` conformance or verify, the time ``at``, JWS-enveloped or not."""

    mode: str
    at: datetime
    enveloped: bool = False

    @property
    def status_severity(self) -> Severity:
        """Expiry and not-yet-valid are errors when verifying, warnings otherwise."""
        return "error" if self.mode == "verify" else "warning"


Rule = Callable[[str, dict[str, Any], RuleContext], Iterator[Finding]]
_RULES: dict[str, list[Rule]] = {}


def _rule(*class_names: str) -> Callable[[Rule], Rule]:
    def register(function: Rule) -> Rule:
        for name in class_names:
            _RULES.setdefault(name, []).append(function)
        return function

    return register


def check(document: dict[str, Any], class_name: str, context: RuleContext) -> list[Finding]:
    """Run every rule over ``document`` (of class ``class_name``) and its nested objects."""
    findings: list[Finding] = []
    for pointer, name, node in walk(document, class_name):
        ob_class = CLASSES[name]
        if "type" in node and not _type_ok(ob_class, node["type"]):
            findings.extend(type_set(ob_class, pointer, node))
        for prop, enum_name in ob_class.enums:
            if prop in node and not model.is_enum_term(enum_name, node[prop]):
                findings.extend(enum_term(ob_class, pointer, node))
                break
        for function in _RULES.get(name, ()):
            findings.extend(function(pointer, node, context))
    return findings


def _type_ok(ob_class: ObClass, value: Any) -> bool:
    if ob_class.single_type:
        return bool(value == ob_class.single_type)
    present = value if isinstance(value, list) else (value,)
    for group in ob_class.type_terms:
        for term in group:
            if term in present:
                break
        else:
            return False
    return True


def type_set(ob_class: ObClass, pointer: str, node: dict[str, Any]) -> Iterator[Finding]:
    """``type`` holds the class's required term(s) (or is exactly its single type)."""
    value = node["type"]
    if ob_class.single_type:
        yield _finding(
            "type-set",
            f"{pointer}/type",
            f"type must be {ob_class.single_type!r}",
            expected=ob_class.single_type,
            actual=value,
            section="B.2",
        )
        return
    present = set(item for item in as_list(value) if isinstance(item, str))
    for group in ob_class.type_terms:
        if present.isdisjoint(group):
            yield _finding(
                "type-set",
                f"{pointer}/type",
                f"type must include {' or '.join(map(repr, group))}",
                expected=list(group),
                actual=value,
                section="B.2",
            )


def enum_term(ob_class: ObClass, pointer: str, node: dict[str, Any]) -> Iterator[Finding]:
    """Enumeration values are a listed term, or an anchored ``ext:`` term if extensible."""
    for name, enum_name in ob_class.enums:
        if name not in node:
            continue
        value = node[name]
        if not model.is_enum_term(enum_name, value):
            hint = " or an `ext:` term" if enum_name in model.EXTENSIBLE_ENUMERATIONS else ""
            yield _finding(
                "enum-term",
                f"{pointer}/{escape(name)}",
                f"{name} must be a {enum_name} term{hint}",
                actual=value,
                section="B.3",
            )


@_rule("IdentityObject")
def identity_hash(pointer: str, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """A hashed identity's ``identityHash`` is ``md5$<32 hex>`` or ``sha256$<64 hex>``."""
    value = node.get("identityHash")
    if node.get("hashed") is True and isinstance(value, str) and not _IDENTITY_HASH.match(value):
        yield _finding(
            "identity-hash",
            f"{pointer}/identityHash",
            "a hashed identityHash must be 'sha256$<64 hex digits>' or 'md5$<32 hex digits>'",
            actual=value,
            section="B.2.20",
        )


@_rule("AchievementSubject")
def subject_identity(pointer: str, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """The subject carries an ``id`` or at least one ``identifier`` (spec §8.1 step 1)."""
    if "id" not in node and not as_list(node.get("identifier")):
        yield _finding(
            "subject-identity",
            pointer,
            "credentialSubject must have an id or an identifier",
            section="8.1",
        )


@_rule("AchievementSubject")
def activity_dates(pointer: str, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """``activityStartDate`` is not after ``activityEndDate``."""
    yield from _date_order(
        pointer, node, _date(node, "activityStartDate"), _date(node, "activityEndDate")
    )


@_rule("AchievementSubject")
def result_references(
    pointer: str, node: dict[str, Any], context: RuleContext
) -> Iterator[Finding]:
    """Results point at a ResultDescription and level of the achievement; Status needs status."""
    achievement = node.get("achievement")
    if not isinstance(achievement, dict):
        return
    descriptions = {
        _id(item): item
        for item in as_list(achievement.get("resultDescription"))
        if isinstance(item, dict)
    }
    results = node.get("result")
    many = isinstance(results, list)
    for index, result in enumerate(as_list(results)):
        if isinstance(result, dict):
            where = f"{pointer}/result/{index}" if many else f"{pointer}/result"
            yield from _result_findings(where, result, descriptions)


def _result_findings(
    where: str, result: dict[str, Any], descriptions: dict[Any, dict[str, Any]]
) -> Iterator[Finding]:
    reference = result.get("resultDescription")
    description = descriptions.get(reference) if _is_reference(reference) else None
    if reference is not None and description is None:
        yield _finding(
            "result-description-ref",
            f"{where}/resultDescription",
            "resultDescription must be the id of a ResultDescription of the achievement",
            expected=sorted(map(str, descriptions)),
            actual=reference,
            section="B.2.31",
        )
    level = result.get("achievedLevel")
    if level is not None:
        yield from _achieved_level(where, level, description, descriptions)
    if description and description.get("resultType") == "Status" and "status" not in result:
        yield _finding(
            "result-status",
            where,
            "a result of a Status ResultDescription must have a status",
            section="B.2.31",
        )


def _achieved_level(
    where: str, level: Any, linked: dict[str, Any] | None, descriptions: dict[Any, dict[str, Any]]
) -> Iterator[Finding]:
    every_level = {_id(lvl) for d in descriptions.values() for lvl in _levels(d)}
    if not _is_reference(level) or level not in every_level:
        yield _finding(
            "achieved-level-ref",
            f"{where}/achievedLevel",
            "achievedLevel must be the id of a RubricCriterionLevel of the achievement",
            expected=sorted(map(str, every_level)),
            actual=level,
            section="B.2.31",
        )
    elif linked is not None and level not in {_id(lvl) for lvl in _levels(linked)}:
        yield _finding(
            "achieved-level-ref",
            f"{where}/achievedLevel",
            "achievedLevel is a level of another ResultDescription than the linked one",
            severity="warning",
            actual=level,
            section="B.2.31",
        )


def _id(item: dict[str, Any]) -> Any:
    """``item["id"]`` when it can name the item; None (which no reference is) if not."""
    value = item.get("id")
    return value if _is_reference(value) else None


def _is_reference(value: Any) -> bool:
    """True for a value that can name an object: hashable and not None."""
    if isinstance(value, str):
        return True
    try:
        hash(value)
    except TypeError:
        return False
    return value is not None


def _levels(description: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        lvl for lvl in as_list(description.get("rubricCriterionLevel")) if isinstance(lvl, dict)
    ]


@_rule("ResultDescription")
def required_value(pointer: str, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """``requiredLevel`` names one of its levels; ``requiredValue`` is allowed and within bounds."""
    level = node.get("requiredLevel")
    if level is not None and (
        not _is_reference(level) or level not in {_id(lvl) for lvl in _levels(node)}
    ):
        yield _finding(
            "required-level-ref",
            f"{pointer}/requiredLevel",
            "requiredLevel must be the id of one of its rubricCriterionLevel entries",
            actual=level,
            section="B.2.32",
        )
    value = node.get("requiredValue")
    if not isinstance(value, str):
        return
    allowed = as_list(node.get("allowedValue"))
    if allowed and value not in allowed:
        yield _finding(
            "required-value-range",
            f"{pointer}/requiredValue",
            "requiredValue must be one of allowedValue",
            expected=allowed,
            actual=value,
            section="B.2.32",
        )
    elif not allowed and not _within_bounds(value, node.get("valueMin"), node.get("valueMax")):
        yield _finding(
            "required-value-range",
            f"{pointer}/requiredValue",
            "requiredValue must be a number within valueMin..valueMax",
            expected=[node.get("valueMin"), node.get("valueMax")],
            actual=value,
            section="B.2.32",
        )


def _within_bounds(value: str, low: Any, high: Any) -> bool:
    bounds = [bound for bound in (low, high) if isinstance(bound, str)]
    if not bounds:
        return True
    number = _number(value)
    if number is None:
        return False
    low_number = _number(low) if isinstance(low, str) else None
    high_number = _number(high) if isinstance(high, str) else None
    return (low_number is None or number >= low_number) and (
        high_number is None or number <= high_number
    )


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@_rule(*_CREDENTIALS)
def context_order(pointer: str, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """``@context`` starts with the VC 2.0 context, then a published OB 3.0 context."""
    contexts = node.get("@context")
    if not isinstance(contexts, list):
        return
    if not contexts or contexts[0] != model.VC_V2_CONTEXT:
        yield _finding(
            "context-order",
            f"{pointer}/@context/0",
            "the first @context must be the VC 2.0 context",
            expected=model.VC_V2_CONTEXT,
            actual=contexts[0] if contexts else None,
            section="B.1",
        )
    second = contexts[1] if len(contexts) > 1 else None
    if not isinstance(second, str) or not second.startswith(model.OB_CONTEXT_PREFIX):
        yield _finding(
            "context-order",
            f"{pointer}/@context/1",
            "the second @context must be the OB 3.0 context",
            expected=model.OB_CONTEXT_CURRENT,
            actual=second,
            section="B.1",
        )
    elif not model.ob_context_is_known(second):
        yield _finding(
            "context-version",
            f"{pointer}/@context/1",
            "not a published OB 3.0 context version",
            expected=model.OB_CONTEXT_CURRENT,
            actual=second,
            section="B.1",
        )
    elif second != model.OB_CONTEXT_CURRENT:
        yield _finding(
            "context-version",
            f"{pointer}/@context/1",
            "an older OB 3.0 context version",
            severity="warning",
            expected=model.OB_CONTEXT_CURRENT,
            actual=second,
            section="B.1",
        )


@_rule(*_CREDENTIALS)
def credential_dates(pointer: str, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """Dates carry a zone, ``validFrom`` <= ``validUntil``, and the status at ``context.at``."""
    moments: dict[str, datetime | None] = {}
    for name in ("validFrom", "validUntil", "awardedDate"):
        value = node.get(name)
        moments[name] = moment = parse_date_time(value) if isinstance(value, str) else None
        if isinstance(value, str) and moment is None and not is_date_time(value):
            zone = "has no time zone" if _ZONELESS.match(value) else "is not an RFC 3339 date-time"
            yield _finding("datetime-zone", f"{pointer}/{name}", f"{name} {zone}", actual=value)
    valid_from, valid_until = moments["validFrom"], moments["validUntil"]
    yield from _date_order(pointer, node, ("validFrom", valid_from), ("validUntil", valid_until))
    awarded = moments["awardedDate"]
    if awarded and valid_from and awarded > valid_from:
        yield _finding(
            "awarded-date",
            f"{pointer}/awardedDate",
            "awardedDate is later than validFrom",
            severity="warning",
            expected=f"<= {node['validFrom']}",
            actual=node["awardedDate"],
        )
    if valid_from and valid_from > context.at:
        yield _finding(
            "not-yet-valid",
            f"{pointer}/validFrom",
            f"not valid before {node['validFrom']}",
            severity=context.status_severity,
            section="8.1",
        )
    if valid_until and valid_until < context.at:
        yield _finding(
            "expired",
            f"{pointer}/validUntil",
            f"expired at {node['validUntil']}",
            severity=context.status_severity,
            section="8.1",
        )


def _date(node: dict[str, Any], name: str) -> tuple[str, datetime | None]:
    value = node.get(name)
    return name, parse_date_time(value) if isinstance(value, str) else None


def _date_order(
    pointer: str,
    node: dict[str, Any],
    first: tuple[str, datetime | None],
    last: tuple[str, datetime | None],
) -> Iterator[Finding]:
    (first_name, start), (last_name, end) = first, last
    if start and end and start > end:
        yield _finding(
            "date-order",
            f"{pointer}/{last_name}",
            f"{last_name} is earlier than {first_name}",
            expected=f">= {node[first_name]}",
            actual=node[last_name],
        )


@_rule(*_CREDENTIALS)
def credential_schema(
    pointer: str, node: dict[str, Any], context: RuleContext
) -> Iterator[Finding]:
    """``credentialSchema`` entries are absolute URIs with a type and include the official one."""
    if "credentialSchema" not in node:
        return
    entries = node["credentialSchema"]
    many = isinstance(entries, list)
    official = False
    for index, entry in enumerate(as_list(entries)):
        where = f"{pointer}/credentialSchema/{index}" if many else f"{pointer}/credentialSchema"
        if not isinstance(entry, dict):
            continue
        schema_url, schema_type = entry.get("id"), entry.get("type")
        if isinstance(schema_url, str) and not _URI_SCHEME.match(schema_url):
            yield _finding(
                "credential-schema",
                f"{where}/id",
                "id must be an absolute URI",
                actual=schema_url,
                section="B.2.14",
            )
        official = official or (
            schema_type == model.SCHEMA_VALIDATOR_TYPE
            and isinstance(schema_url, str)
            and schema_url.startswith(model.OFFICIAL_SCHEMA_PREFIX)
        )
    if not official:
        yield _finding(
            "credential-schema-official",
            f"{pointer}/credentialSchema",
            f"no entry names an official OB 3.0 schema with type {model.SCHEMA_VALIDATOR_TYPE}",
            severity="warning",
            section="B.2.14",
        )


@_rule(*_CREDENTIALS)
def proof_present(pointer: str, node: dict[str, Any], context: RuleContext) -> Iterator[Finding]:
    """A credential needs a proof to be verifiable: an embedded ``proof`` or a JWS envelope."""
    if not as_list(node.get("proof")) and not (context.enveloped and pointer == ""):
        yield _finding(
            "no-proof",
            f"{pointer}/proof",
            "no embedded proof; the credential is not verifiable",
            severity="warning",
            section="4",
        )


def _finding(
    rule: str,
    pointer: str,
    message: str,
    *,
    severity: Severity = "error",
    expected: Any = None,
    actual: Any = None,
    section: str | None = None,
) -> Finding:
    return Finding(
        rule=rule,
        message=message,
        pointer=pointer,
        severity=severity,
        expected=expected,
        actual=actual,
        section=section,
    )
