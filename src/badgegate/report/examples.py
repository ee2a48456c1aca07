"""Hypothesis's failing test case as evidence: the generated data, not the test's machinery.

Hypothesis prints every argument of a failing test, pytest fixtures included: the run's
target, its config, the migration mapping, pytest's temporary-path factory. Those are test
internals, pages long, and say nothing about the data that broke. :class:`EvidencePrinter`
prints each of them as a short label naming its type, and everything generated in full.
"""

from __future__ import annotations

from typing import Any

from hypothesis.vendor.pretty import RepresentationPrinter

# Harness objects that reach checks as fixtures, by class name (their modules are badgegate's).
HARNESS_TYPES = frozenset(
    {"Target", "HarnessConfig", "MigrationMapping", "BadgeEngineClient", "FuzzSession"}
)


def fixture_label(obj: object) -> str | None:
    """``<fixture Target>`` for a harness or pytest object, ``None`` for generated data."""
    kind = type(obj)
    module = getattr(kind, "__module__", "") or ""
    harness = module.startswith("badgegate.") and kind.__name__ in HARNESS_TYPES
    if harness or module.startswith(("_pytest.", "pytest.", "pluggy.")):
        return f"<fixture {kind.__name__}>"
    return None


class EvidencePrinter(RepresentationPrinter):
    """Hypothesis's printer, with fixtures shown as :func:`fixture_label` says."""

    def pretty(self, obj: Any, *, cycle: bool = False) -> None:
        """Print ``obj``: a fixture as its label, anything else as Hypothesis would."""
        label = fixture_label(obj)
        if label is not None:
            self.text(label)
            return
        super().pretty(obj, cycle=cycle)
