"""One walk over a document that judges every OB 3.0 object it meets by its class.

Each class gets a plan, made once from the model tables: whether its ``type`` is checked, which
enumeration properties it has, which rules apply and which properties hold nested objects.
Objects whose class has nothing to check and nothing nested worth a visit are not visited.

A document the screening schema accepted (``screened``) gets lighter plans: that schema states
the ``type`` terms and the enumerations exactly as type-set and enum-term judge them (an
anchored pattern, no newline before the end), so neither can fire and only the rules remain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from badgegate.findings import Finding
from badgegate.validate import vocabulary
from badgegate.validate.model import CLASSES, ObClass
from badgegate.validate.rules import credential, dates, identity, results
from badgegate.validate.rules.judging import Location, Rule, RuleContext
from badgegate.validate.rules.terms import enum_term, type_ok, type_set

_CREDENTIAL_RULES: tuple[Rule, ...] = (
    credential.context_order,
    dates.credential_dates,
    credential.credential_schema,
    credential.proof_present,
)
# class -> its rules, in the order their findings are reported
RULES: Mapping[str, tuple[Rule, ...]] = {
    "AchievementCredential": _CREDENTIAL_RULES,
    "EndorsementCredential": _CREDENTIAL_RULES,
    "AchievementSubject": (
        identity.subject_identity,
        dates.activity_dates,
        results.result_references,
    ),
    "IdentityObject": (identity.identity_hash,),
    "ResultDescription": (results.required_value,),
}


class _Plan(NamedTuple):
    """What judging one object of a class takes (see the module docstring)."""

    ob_class: ObClass
    typed: bool  # the class constrains ``type``
    sole_term: str | None  # the one term a multi-valued ``type`` must hold, when that is all
    enums: tuple[tuple[str, str], ...]  # (property, enumeration)
    rules: tuple[Rule, ...]
    # (property, class, many, profile_ref), last property first, for classes worth a visit
    nested: tuple[tuple[str, str, bool, bool], ...]


def check(
    document: dict[str, Any], class_name: str, context: RuleContext, *, screened: bool = False
) -> list[Finding]:
    """Run every rule over ``document`` (of class ``class_name``) and its nested objects.

    Depth-first, properties in model order, list items in order: an object's own findings
    (type, enumerations, then its rules) come before those of the objects inside it.
    ``screened``: the screening schema of the document's kind accepted it (see above).
    """
    plans = _SCREENED_PLANS if screened else _PLANS
    findings: list[Finding] = []
    stack: list[tuple[Any, str, Location]] = [(document, class_name, None)]
    while stack:
        node, name, where = stack.pop()
        if not isinstance(node, dict):
            continue
        ob_class, typed, sole_term, enums, class_rules, edges = plans[name]
        if typed and "type" in node and not _type_holds(ob_class, sole_term, node["type"]):
            findings.extend(type_set(ob_class, where, node))
        for prop, enum_name in enums:
            if prop in node and not vocabulary.is_enum_term(enum_name, node[prop]):
                findings.extend(enum_term(ob_class, where, node))
                break
        for rule in class_rules:
            findings.extend(rule(where, node, context))
        for prop, nested, many, profile_ref in edges:
            if prop not in node:
                continue
            child = node[prop]
            if profile_ref and isinstance(child, str):
                continue
            at_prop = (where, prop)
            if many and isinstance(child, list):
                for index in range(len(child) - 1, -1, -1):
                    stack.append((child[index], nested, (at_prop, index)))
            else:
                stack.append((child, nested, at_prop))
    return findings


def _type_holds(ob_class: ObClass, sole_term: str | None, value: Any) -> bool:
    if sole_term is None:
        return type_ok(ob_class, value)
    if isinstance(value, list):
        return sole_term in value
    return bool(value == sole_term)


def _plans(*, screened: bool) -> dict[str, _Plan]:
    plans = {
        name: _Plan(
            ob_class=ob_class,
            typed=not screened and bool(ob_class.single_type or ob_class.type_terms),
            sole_term=_sole_term(ob_class),
            enums=() if screened else ob_class.enums,
            rules=RULES.get(name, ()),
            nested=tuple(reversed(ob_class.nested)),
        )
        for name, ob_class in CLASSES.items()
    }
    worth_a_visit = {name for name, plan in plans.items() if plan.typed or plan.enums or plan.rules}
    # A class is worth a visit if it checks something or may hold a class that is (fixpoint).
    while True:
        more = {
            name
            for name, plan in plans.items()
            if any(nested in worth_a_visit for _, nested, _, _ in plan.nested)
        } - worth_a_visit
        if not more:
            break
        worth_a_visit |= more
    return {
        name: plan._replace(nested=tuple(edge for edge in plan.nested if edge[1] in worth_a_visit))
        for name, plan in plans.items()
    }


def _sole_term(ob_class: ObClass) -> str | None:
    if ob_class.single_type or len(ob_class.type_terms) != 1:
        return None
    (group,) = ob_class.type_terms
    return group[0] if len(group) == 1 else None


_PLANS = _plans(screened=False)
_SCREENED_PLANS = _plans(screened=True)
