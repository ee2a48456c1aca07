"""The fault catalogue self-test: proof that every suite catches the defects it exists for.

:func:`run_selftest` starts the reference engine once per fault and runs only that fault's
owning checks (:mod:`.catalogue`), then the clean engine against all of them;
:func:`run_matrix` runs every suite against every fault for the README's detection matrix.
"""

from __future__ import annotations

from badgegate.selftest.catalogue import OWNING_CHECKS, all_owning_checks, owning_checks
from badgegate.selftest.run import (
    MATRIX_END,
    MATRIX_START,
    Outcome,
    matrix_problems,
    render_matrix,
    run_checks,
    run_matrix,
    run_selftest,
    update_readme,
)

__all__ = [
    "MATRIX_END",
    "MATRIX_START",
    "OWNING_CHECKS",
    "Outcome",
    "all_owning_checks",
    "matrix_problems",
    "owning_checks",
    "render_matrix",
    "run_checks",
    "run_matrix",
    "run_selftest",
    "update_readme",
]
