"""The fault catalogue self-test: each fault caught by its owning checks, the clean engine
passing them all; and the detection matrix (fault x suite) kept in the README."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from badgegate.config import HarnessConfig
from badgegate.engine.faults.catalogue import CATALOGUE, FAULT_NAMES
from badgegate.selftest.catalogue import all_owning_checks, owning_checks
from badgegate.selftest.checks import (
    CHECK_NEEDS,
    CHECKS,
    PYTEST_CHECKS,
    SUITE_RUNS,
    SUITES,
    pytest_nodes,
)
from badgegate.selftest.target import SELFTEST_EXAMPLES, fault_target

MATRIX_START = "<!-- detection-matrix:start -->"
MATRIX_END = "<!-- detection-matrix:end -->"


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One check (or suite) run against one engine: did it fail, and what did it say."""

    fault: str | None
    check: str
    failed: bool
    detail: str = ""
    #: False when the engine (a variant) does not offer what the check needs: it did not run.
    applicable: bool = True


def run_checks(
    fault: str | None,
    names: Iterable[str],
    config: HarnessConfig,
    *,
    examples: int,
    variants: Sequence[str] = (),
) -> list[Outcome]:
    """Start one engine with ``fault`` (as ``variants``) and run the named checks against it."""
    chosen = _contracts_last(names)
    results: dict[str, list[str]] = {}
    skipped: dict[str, str] = {}
    with fault_target(fault, config, examples=examples, variants=variants) as engine:
        for name in chosen:
            reason = engine.capabilities.missing(*CHECK_NEEDS.get(name, ()))
            if reason:
                skipped[name] = reason
        runnable = [name for name in chosen if name not in skipped]
        tests = {name: PYTEST_CHECKS[name] for name in runnable if name in PYTEST_CHECKS}
        for name in runnable:
            if name in tests:
                continue
            results[name] = CHECKS[name](engine) if name in CHECKS else SUITE_RUNS[name](engine)
        if tests:
            by_node = pytest_nodes(engine, list(tests.values()))
            results.update({name: by_node[node] for name, node in tests.items()})
    return [
        Outcome(fault, name, False, skipped[name], applicable=False)
        if name in skipped
        else Outcome(fault, name, bool(results[name]), "\n".join(results[name])[:4000])
        for name in chosen
    ]


def _contracts_last(names: Iterable[str]) -> list[str]:
    # Provider states reset tenants, so contract verification runs after the seeded checks.
    return sorted(dict.fromkeys(names), key=lambda name: name.startswith("contracts"))


def fault_problems(outcomes: Sequence[Outcome], fault: str) -> list[str]:
    """What is wrong with a fault's run: applicable owning checks that did not fail."""
    return [
        f"{fault}: owning check {o.check} passed against the faulty engine"
        for o in outcomes
        if o.applicable and not o.failed
    ]


def fault_verdict(outcomes: Sequence[Outcome]) -> str:
    """``caught``, ``not applicable`` (no owning check applies to the engine as started) or
    ``NOT caught``."""
    if not any(o.applicable for o in outcomes):
        return NOT_APPLICABLE
    return "caught" if all(o.failed for o in outcomes if o.applicable) else "NOT caught"


NOT_APPLICABLE = "not applicable"


def clean_problems(outcomes: Sequence[Outcome]) -> list[str]:
    """What is wrong with the clean engine's run: checks that failed."""
    return [f"clean engine: {o.check} failed:\n{o.detail}" for o in outcomes if o.failed]


#: Told after each engine is done: (engines done, engines in all, the fault or None, a verdict).
StepReport = Callable[[int, int, str | None, str], None]


def _silent(_done: int, _total: int, _fault: str | None, _verdict: str) -> None:
    return None


def run_selftest(
    config: HarnessConfig,
    faults: Sequence[str] | None = None,
    *,
    examples: int = SELFTEST_EXAMPLES,
    progress: StepReport = _silent,
    variants: Sequence[str] = (),
    verdicts: dict[str, str] | None = None,
) -> list[str]:
    """Run each fault's owning checks (one engine per fault) and all of them on the clean
    engine, every engine started as ``variants``; return the problems (empty: the catalogue
    is caught as it claims). A fault none of whose owning checks applies to the variant is
    not applicable there, not a problem. ``progress`` is told after each engine; ``verdicts``
    (when given) receives each fault's verdict."""
    chosen = list(faults or FAULT_NAMES)
    total = len(chosen) + 1
    clean = run_checks(None, all_owning_checks(), config, examples=examples, variants=variants)
    problems = clean_problems(clean)
    progress(1, total, None, "passes" if not problems else "FAILS")
    for number, fault in enumerate(chosen, 2):
        outcomes = run_checks(
            fault, owning_checks(fault), config, examples=examples, variants=variants
        )
        problems += fault_problems(outcomes, fault)
        verdict = fault_verdict(outcomes)
        if verdicts is not None:
            verdicts[fault] = verdict
        progress(number, total, fault, verdict)
    return problems


def run_matrix(
    config: HarnessConfig, *, examples: int = SELFTEST_EXAMPLES, progress: StepReport = _silent
) -> list[Outcome]:
    """Run every suite against the clean engine and against every fault."""
    outcomes = []
    engines = (None, *FAULT_NAMES)
    for number, fault in enumerate(engines, 1):
        found = run_checks(fault, SUITES, config, examples=examples)
        outcomes += found
        caught = sorted(o.check for o in found if o.failed)
        progress(number, len(engines), fault, f"failed: {', '.join(caught) or 'none'}")
    return outcomes


def matrix_problems(outcomes: Sequence[Outcome]) -> list[str]:
    """Faults no suite catches, and suites failing on the clean engine."""
    caught = {o.fault for o in outcomes if o.failed and o.fault is not None}
    problems = [
        f"{name}: no suite catches this fault" for name in FAULT_NAMES if name not in caught
    ]
    return problems + clean_problems([o for o in outcomes if o.fault is None])


#: The column of the self-test on a plain OB 3.0 Host (``--variant plain``).
PLAIN_COLUMN = "plain Host"


def render_matrix(outcomes: Sequence[Outcome], plain: dict[str, str] | None = None) -> str:
    """The detection matrix as a Markdown table (``caught`` where the suite failed), with the
    self-test's verdict on a plain OB 3.0 Host (``plain``: fault -> verdict) as last column."""
    failed = {(o.fault, o.check) for o in outcomes if o.failed}
    description = {fault.name: fault.description for fault in CATALOGUE}
    head = ["| fault | what it breaks | " + " | ".join((*SUITES, PLAIN_COLUMN)) + " |"]
    head.append("|---|---|" + "---|" * (len(SUITES) + 1))
    rows = []
    for name in (None, *FAULT_NAMES):
        label = f"`{name}`" if name else "(clean engine)"
        text = description.get(name or "", "nothing: every suite must pass")
        marks = [
            ("caught" if name else "**fails**") if (name, suite) in failed else "—"
            for suite in SUITES
        ]
        marks.append((plain or {}).get(name, "?") if name else "passes")
        rows.append(f"| {label} | {text} | " + " | ".join(marks) + " |")
    return "\n".join(head + rows)


def update_readme(readme: Path, table: str) -> None:
    """Replace the text between the detection-matrix markers (appending them when absent)."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    block = f"{MATRIX_START}\n{table}\n{MATRIX_END}"
    pattern = re.compile(re.escape(MATRIX_START) + r".*?" + re.escape(MATRIX_END), re.DOTALL)
    if pattern.search(text):
        updated = pattern.sub(lambda _: block, text)
    else:
        updated = text.rstrip("\n") + ("\n\n" if text else "") + block + "\n"
    readme.write_text(updated, encoding="utf-8")
