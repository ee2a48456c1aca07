"""The ``badgegate`` command line: one parser, one sub-command module per command group.

Each module in ``COMMAND_MODULES`` exposes ``register(subparsers)``, which adds its
sub-command(s) and sets ``func`` on them: ``func(args) -> int`` returns the exit code.
Heavy imports happen inside ``func``, so ``badgegate --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from badgegate import __version__
from badgegate.errors import BadgegateError, ExitCode

COMMAND_MODULES: tuple[str, ...] = (
    "badgegate.cli.config_cmd",
    "badgegate.cli.contracts_cmd",
    "badgegate.engine.command",
    "badgegate.cli.legacy_cmd",
    "badgegate.cli.mapping_cmd",
    "badgegate.cli.migrate_cmd",
    "badgegate.cli.reconcile_cmd",
    "badgegate.cli.report_cmd",
    "badgegate.cli.run_cmd",
    "badgegate.cli.selftest_cmd",
    "badgegate.cli.validate_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the full ``badgegate`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="badgegate",
        description="Contract and data-integrity gate for an Open Badges 3.0 badge-engine.",
    )
    parser.add_argument("--version", action="version", version=f"badgegate {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return (and, as a script, exit with) a DESIGN.md exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in words:
        cut = words.index("--")
        words, passthrough = words[:cut], words[cut + 1 :]
    parser = build_parser()
    args = parser.parse_args(words)
    args.pytest_args = passthrough
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    try:
        return int(func(args))
    except BadgegateError as error:
        print(f"badgegate: error: {error}", file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("badgegate: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


def entry_point() -> None:  # pragma: no cover - thin wrapper for console scripts
    """Console-script entry: exit with :func:`main`'s code."""
    sys.exit(main())
