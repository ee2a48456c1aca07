"""Failure text with secrets masked and ``redact_fields`` redacted: console, JUnit and Allure.

A check's assertion message, the falsifying example Hypothesis notes on it, a traceback's
function arguments and locals, and the output captured while it ran all reach the console and
``junit.xml`` through pytest's test report, and Allure's status through the exception. The
plugin passes both through :func:`redact_exception` and :func:`redact_test_report`, so every
check of every suite is covered by the same rules as the attachments: registered secrets and
credentials masked, ``redact_fields`` masked (hashed on ``staging``) with
:func:`~badgegate.report.redact.redact_text`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from _pytest._code.code import ReprEntry

from badgegate.config import HarnessConfig
from badgegate.report.redact import redact_text, redacted_fields, redaction_mode
from badgegate.transport import redact

TextRedaction = Callable[[str], str]
# What a text that redaction failed on is replaced by: never the raw text.
WITHHELD = "[badgegate: text withheld, redaction failed on it ({error})]"


def message_redaction(config: HarnessConfig | None) -> TextRedaction:
    """The redaction of failure text under ``config``: secrets, then ``redact_fields``."""
    fields = redacted_fields(config)
    mode = redaction_mode(config)

    def redacted(text: str) -> str:
        try:
            return redact(redact_text(text, fields, mode))
        except Exception as error:  # a report must never fail, nor show the raw text
            return WITHHELD.format(error=type(error).__name__)

    return redacted


def redact_exception(error: BaseException, redacted: TextRedaction) -> None:
    """Rewrite the text arguments and notes of ``error`` and of the exceptions it chains."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        _rewrite_text(current, redacted)
        current = current.__cause__ or current.__context__


def _rewrite_text(error: BaseException, redacted: TextRedaction) -> None:
    """Redact the message ``error`` shows: its text arguments, ``msg`` (pytest's outcomes)
    and notes (Hypothesis' failing test case)."""
    notes = getattr(error, "__notes__", None)
    if isinstance(notes, list):
        notes[:] = [redacted(note) if isinstance(note, str) else note for note in notes]
    try:
        error.args = tuple(
            redacted(argument) if isinstance(argument, str) else argument for argument in error.args
        )
        if isinstance(getattr(error, "msg", None), str):
            error.msg = redacted(error.msg)  # type: ignore[attr-defined]
    except (AttributeError, TypeError):  # an exception type that guards its attributes
        pass


def redact_test_report(report: pytest.TestReport, redacted: TextRedaction) -> None:
    """Rewrite ``report``'s failure representation and captured output in place."""
    report.longrepr = _Rewrite(redacted).node(report.longrepr)
    report.sections = [(title, redacted(content)) for title, content in report.sections]


class _Rewrite:
    """Every string in a failure representation redacted, each part once.

    pytest's representations are dataclasses of strings, lists and tuples; they are rewritten
    in place, and a part reached twice (a chain's last traceback is also its ``reprtraceback``)
    is rewritten only the first time, so a fingerprint is never hashed again.
    """

    def __init__(self, redacted: TextRedaction) -> None:
        self.redacted = redacted
        self.seen: set[int] = set()

    def node(self, node: Any) -> Any:
        """``node`` with its strings redacted."""
        if isinstance(node, str):
            return self.redacted(node)
        if isinstance(node, tuple):
            return tuple(self.node(item) for item in node)
        if id(node) in self.seen:
            return node
        self.seen.add(id(node))
        if isinstance(node, ReprEntry):
            # The source lines shown are the project's code; only the failure's ("E") lines
            # carry values.
            node.lines = [self.node(line) if line.startswith("E") else line for line in node.lines]
            for name in ("reprfuncargs", "reprlocals"):
                self.node(getattr(node, name))
        elif isinstance(node, list):
            node[:] = [self.node(item) for item in node]
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            for field in dataclasses.fields(node):
                object.__setattr__(node, field.name, self.node(getattr(node, field.name)))
        return node
