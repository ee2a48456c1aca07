"""Reconciliation: a whole legacy data set against what badge-engine serves, read-only.

:func:`reconcile` classifies every record as agreeing, missing, unexpected (traced back through
``otherIdentifier``), changed (the deepdiff per legacy column) or breaking an invariant, reports
legacy data findings, and writes a versioned JSON report (``schemas/reports/``).
"""

from __future__ import annotations

from badgegate.reconcile.report import (
    CLASSES,
    REPORT_FORMAT,
    REPORT_VERSION,
    ReconcileReport,
    Tally,
    write_report,
)
from badgegate.reconcile.run import ReconcileSettings, reconcile

__all__ = [
    "CLASSES",
    "REPORT_FORMAT",
    "REPORT_VERSION",
    "ReconcileReport",
    "ReconcileSettings",
    "Tally",
    "reconcile",
    "write_report",
]
