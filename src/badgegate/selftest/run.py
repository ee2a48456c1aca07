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
from badgegate.selftest.checks import CHECKS, PYTEST_CHECKS, SUITE_RUNS, SUITES, pytest_nodes
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
    tests = {name: PYTEST_CHECKS[name] for name in chosen if name in PYTEST_CHECKS}
    results: dict[str, list[str]] = {}
    with fault_target(fault, config, examples=examples, variants=variants) as engine:
        for name in chosen:
            if name in tests:
                continue
            results[name] = CHECKS[name](engine) if name in CHECKS else SUITE_RUNS[name](engine)
        if tests:
            by_node = pytest_nodes(engine, list(tests.values()))
            results.update({name: by_node[node] for name, node in tests.items()})
    return [
        Outcome(fault, name, bool(results[name]), "\n".join(results[name])[:4000])
        for name in chosen
    ]


def _contracts_last(names: Iterable[str]) -> list[str]:
    # Provider states reset tenants, so contract verification runs after the seeded checks.
    return sorted(dict.fromkeys(names), key=lambda name: name.startswith("contracts"))


def fault_problems(outcomes: Sequence[Outcome], fault: str) -> list[str]:
    """What is wrong with a fault's run: owning checks that did not fail."""
    return [
        f"{fault}: owning check {o.check} passed against the faulty engine"
        for o in outcomes
        if not o.failed
    ]


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
) -> list[str]:
    """Run each fault's owning checks (one engine per fault) and all of them on the clean
    engine; return the problems (empty: the catalogue is caught as it claims). ``progress``
    is told after each engine."""
    chosen = list(faults or FAULT_NAMES)
    total = len(chosen) + 1
    problems = clean_problems(run_checks(None, all_owning_checks(), config, examples=examples))
    progress(1, total, None, "passes" if not problems else "FAILS")
    for number, fault in enumerate(chosen, 2):
        outcomes = run_checks(fault, owning_checks(fault), config, examples=examples)
        found = fault_problems(outcomes, fault)
        problems += found
        progress(number, total, fault, "caught" if not found else "NOT caught")
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


def render_matrix(outcomes: Sequence[Outcome]) -> str:
    """The detection matrix as a Markdown table (``caught`` where the suite failed)."""
    failed = {(o.fault, o.check) for o in outcomes if o.failed}
    description = {fault.name: fault.description for fault in CATALOGUE}
    head = ["| fault | what it breaks | " + " | ".join(SUITES) + " |"]
    head.append("|---|---|" + "---|" * len(SUITES))
    rows = []
    for name in (None, *FAULT_NAMES):
        label = f"`{name}`" if name else "(clean engine)"
        text = description.get(name or "", "nothing: every suite must pass")
        marks = [
            ("caught" if name else "**fails**") if (name, suite) in failed else "—"
            for suite in SUITES
        ]
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
