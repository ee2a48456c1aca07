"""What every badgegate command line shares: the top-level parser and how a command runs.

``badgegate`` (:mod:`badgegate.cli`) adds all its command groups to :func:`top_parser`;
``python -m badgegate.engine`` adds only the ``engine`` group
(:mod:`badgegate.engine.command`). Both run through :func:`run`, so their usage lines, error
messages and exit codes are the same.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from badgegate import __version__
from badgegate.errors import BadgegateError, ExitCode


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors are one line naming the way to the help."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def top_parser() -> tuple[argparse.ArgumentParser, Any]:
    """Return the ``badgegate`` parser without commands, and its sub-parsers to add them to."""
    parser = _Parser(
        prog="badgegate",
        description="Contract and data-integrity gate for an Open Badges 3.0 badge-engine.",
    )
    parser.add_argument("--version", action="version", version=f"badgegate {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser, subparsers


#: Files an option reads, by the option's destination, with the most each may hold (bytes).
INPUT_FILES: dict[str, int] = {
    "engine_token_file": 64 * 1024,
    "client_secret_file": 64 * 1024,
    "clients_file": 1024 * 1024,
    "mapping": 1024 * 1024,
    "tls_cert": 1024 * 1024,
    "tls_key": 1024 * 1024,
    "ca_bundle": 8 * 1024 * 1024,
    "keys": 1024 * 1024,
    "pacts": 64 * 1024 * 1024,
}
#: Options whose value is a number, by destination (their config keys check the range).
NUMBERS = ("rate_limit", "legacy_statement_timeout")


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MiB" if count >= 1024 * 1024 else f"{count // 1024} KiB"


def _input_file(limit: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        path = os.path.expanduser(text)
        if not os.path.exists(path):
            raise argparse.ArgumentTypeError(f"no such file: {text}")
        if os.path.isfile(path) and os.path.getsize(path) > limit:
            found = _size(os.path.getsize(path))
            raise argparse.ArgumentTypeError(
                f"{text} holds {found}, more than the {_size(limit)} such a file may hold; "
                "is it the right file?"
            )
        return text

    return check


def _number(text: str) -> str:
    try:
        float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    return text


def _not_empty(convert: Callable[[str], Any] | None) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        if not text.strip():
            raise argparse.ArgumentTypeError("an empty value; give a value or leave the option out")
        return convert(text) if convert is not None else text

    check.__name__ = getattr(convert, "__name__", "value")
    return check


def harden(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make every option of ``parser`` and its sub-commands refuse bad values while parsing.

    An empty value, a file an option reads that does not exist or is far too large for its
    kind, and a number that is not one end in argparse's usage error (exit 2) naming the
    option, before any command starts its work.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                harden(sub)
        elif action.option_strings and action.nargs is None and action.const is None:
            if getattr(action.type, "_hardened", False):
                continue
            convert: Any = action.type
            if action.dest in INPUT_FILES and convert is None:
                convert = _input_file(INPUT_FILES[action.dest])
            elif action.dest in INPUT_FILES:
                checked, original = _input_file(INPUT_FILES[action.dest]), convert
                convert = lambda text, c=checked, o=original: o(c(text))  # noqa: E731
            elif action.dest in NUMBERS and convert is None:
                convert = _number
            hardened = _not_empty(convert)
            hardened._hardened = True  # type: ignore[attr-defined]
            action.type = hardened
    return parser


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
    args = harden(parser).parse_args(words)
    args.pytest_args = passthrough
    args.argv = words
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
