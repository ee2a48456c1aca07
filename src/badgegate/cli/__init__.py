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

from badgegate.command_line import run, top_parser

COMMAND_MODULES: tuple[str, ...] = (
    "badgegate.cli.auth_cmd",
    "badgegate.cli.config_cmd",
    "badgegate.cli.contracts_cmd",
    "badgegate.cli.engine_cmd",
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
    parser, subparsers = top_parser()
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return (and, as a script, exit with) the documented exit code."""
    return run(build_parser(), sys.argv[1:] if argv is None else argv)


def entry_point() -> None:  # pragma: no cover - thin wrapper for console scripts
    """Console-script entry: exit with :func:`main`'s code."""
    sys.exit(main())
