"""Hints the commands print: the command line that continues an interrupted run."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence

from badgegate.transport import redact


def resume_command(
    args: argparse.Namespace, *, drop: Sequence[str] = (), add: Sequence[str] = ()
) -> str:
    """The command line that continues an interrupted command: the words it was run with
    (``args.argv``), without the options in ``drop`` (and their values), with ``add``.

    Secrets never travel on the command line; a password inside a value (a database URL) is
    masked, and the hint then says to give it again.
    """
    words: list[str] = []
    given = list(getattr(args, "argv", []))
    skip = False
    for word in given:
        if skip:
            skip = False
            continue
        name = word.split("=", 1)[0]
        if name in drop:
            skip = "=" not in word and name not in _FLAGS
            continue
        words.append(word)
    shown = [redact(word) for word in [*words, *add]]
    command = "badgegate " + shlex.join(shown)
    if shown != [*words, *add]:
        command += " (masked values: give them again, e.g. through BADGEGATE_LEGACY_DB)"
    return command


# Options of the commands that take no value, so a hint drops them alone.
_FLAGS = frozenset({"--resume", "--dry-run", "--strict"})
