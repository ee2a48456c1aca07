"""What every badgegate command line shares: the top-level parser and how a command runs.

``badgegate`` (:mod:`badgegate.cli`) adds all its command groups to :func:`top_parser`;
``python -m badgegate.engine`` adds only the ``engine`` group
(:mod:`badgegate.engine.command`). Both run through :func:`run`, so their usage lines, error
messages and exit codes are the same.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from badgegate import __version__
from badgegate.errors import BadgegateError, ExitCode


def top_parser() -> tuple[argparse.ArgumentParser, Any]:
    """Return the ``badgegate`` parser without commands, and its sub-parsers to add them to."""
    parser = argparse.ArgumentParser(
        prog="badgegate",
        description="Contract and data-integrity gate for an Open Badges 3.0 badge-engine.",
    )
    parser.add_argument("--version", action="version", version=f"badgegate {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser, subparsers


def run(parser: argparse.ArgumentParser, argv: Sequence[str]) -> int:
    """Parse ``argv`` and run the chosen command's ``func``; return the documented exit code.

    Words after ``--`` are not parsed: they become ``args.pytest_args``. A
    :class:`BadgegateError` is printed as one line (never a traceback) and exits with its code.
    """
    words = list(argv)
    passthrough: list[str] = []
    if "--" in words:
        cut = words.index("--")
        words, passthrough = words[:cut], words[cut + 1 :]
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
