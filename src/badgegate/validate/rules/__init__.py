"""The OB 3.0 rules a JSON Schema cannot state, each with its own rule id.

Rules are grouped by what they judge: ``terms`` (type-set, enum-term), ``credential``
(context-order, context-version, credential-schema-official, no-proof),
``dates`` (datetime-zone, date-order, awarded-date, not-yet-valid, expired), ``identity``
(subject-identity, identity-hash) and ``results`` (result-description-ref, achieved-level-ref,
result-status, required-level-ref, required-value-range). ``dispatch`` walks a document once
and runs, for each object, the checks of its class. Rule ids are stable: fixtures, reports
and ``schemas/README.md`` refer to them.
"""

from __future__ import annotations

from badgegate.validate.rules.dispatch import RULES, check
from badgegate.validate.rules.judging import Location, Rule, RuleContext

__all__ = ["RULES", "Location", "Rule", "RuleContext", "check"]
