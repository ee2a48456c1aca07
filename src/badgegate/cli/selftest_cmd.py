"""``badgegate selftest [--matrix]``: prove every suite catches the faults it exists for."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from badgegate.cli.options import add_config_options, config_from_args
from badgegate.errors import ConfigError, ExitCode


def register(subparsers: Any) -> None:
    """Add ``selftest``."""
    command = subparsers.add_parser(
        "selftest",
        help="run the fault catalogue self-test (or, with --matrix, the detection matrix)",
        description=(
            "Start the reference engine once per fault and check that the fault's owning "
            "checks fail and that the clean engine passes them all. With --matrix, run every "
            "suite against every fault, and the self-test on a plain OB 3.0 Host, and rewrite "
            "the detection matrix in README.md."
        ),
    )
    command.add_argument(
        "--matrix", action="store_true", help="run every fault x suite and update README.md"
    )
    command.add_argument(
        "--fault", action="append", dest="faults", metavar="NAME", help="only this fault"
    )
    command.add_argument(
        "--examples", type=int, default=3, help="fuzz examples per operation and mode (3)"
    )
    command.add_argument(
        "--variant",
        action="append",
        dest="variants",
        metavar="NAME",
        default=[],
        help=(
            "start every engine as this legitimate variant (see 'badgegate engine variants'; "
            "repeatable): a fault none of whose owning checks applies there is reported as "
            "not applicable"
        ),
    )
    add_config_options(command, "report_dir")
    command.set_defaults(func=run_selftest_command)


def run_selftest_command(args: argparse.Namespace) -> int:
    """Run the self-test; exit 0 when every fault is caught and the clean engine passes."""
    from badgegate.engine.faults.catalogue import FAULT_NAMES

    unknown = sorted(set(args.faults or ()) - set(FAULT_NAMES))
    if unknown:
        raise ConfigError(f"unknown fault(s) {', '.join(unknown)}; known: {', '.join(FAULT_NAMES)}")
    if args.examples < 1:
        raise ConfigError("--examples must be at least 1")
    from badgegate.engine.variants import active_variants

    try:
        variants = sorted(active_variants(args.variants))
    except ValueError as error:
        raise ConfigError(f"--variant: {error}") from None
    config = config_from_args(args)
    if args.matrix:
        return _matrix(config, args.examples)
    from badgegate.selftest import run_selftest

    verdicts: dict[str, str] = {}
    problems = run_selftest(
        config,
        args.faults,
        examples=args.examples,
        progress=_progress(),
        variants=variants,
        verdicts=verdicts,
    )
    skipped = sorted(name for name, verdict in verdicts.items() if verdict == "not applicable")
    if skipped:
        print(f"not applicable on {' + '.join(variants)}: {', '.join(skipped)}")
    caught = len(verdicts) - len(skipped)
    return _verdict(problems, f"{caught} fault(s) caught")


def _matrix(config: Any, examples: int) -> int:
    from badgegate.engine.variants import PLAIN
    from badgegate.paths import project_root
    from badgegate.selftest import (
        matrix_problems,
        render_matrix,
        run_matrix,
        run_selftest,
        update_readme,
    )

    outcomes = run_matrix(config, examples=examples, progress=_progress())
    plain: dict[str, str] = {}
    problems = run_selftest(
        config, examples=examples, progress=_progress(), variants=[PLAIN], verdicts=plain
    )
    table = render_matrix(outcomes, plain)
    readme = project_root() / "README.md"
    update_readme(readme, table)
    print(table)
    print(f"detection matrix written to {readme}")
    return _verdict(
        matrix_problems(outcomes) + [f"plain Host: {p}" for p in problems],
        "every fault is caught by some suite, and on a plain Host where it applies",
    )


def _progress() -> Any:
    """A progress line on stderr after each engine: count, verdict, elapsed time and ETA."""
    started = time.monotonic()

    def report(done: int, total: int, fault: str | None, verdict: str) -> None:
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done)
        name = fault or "clean engine"
        print(
            f"selftest: {done}/{total} engines, {name}: {verdict} "
            f"({elapsed:.0f} s elapsed, about {left:.0f} s left)",
            file=sys.stderr,
            flush=True,
        )

    return report


def _verdict(problems: list[str], success: str) -> int:
    if problems:
        print(f"selftest FAILED with {len(problems)} problem(s):")
        for number, problem in enumerate(problems, 1):
            print(f"{number}. {problem}")
        return int(ExitCode.FAILED)
    print(f"selftest passed: {success}; the clean engine passes every check")
    return int(ExitCode.OK)
