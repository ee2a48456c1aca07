"""Secrets that never show themselves: a value whose ``repr`` and ``str`` are a mask.

A token, a client secret or a password is held as a :class:`Secret` from the moment badgegate
reads it until the one place that sends it, which calls :meth:`Secret.reveal`. Everything that
prints objects — ``repr``, f-strings, pytest's assertion text, Hypothesis's falsifying-example
printout (which shows a dataclass's fields whatever their ``repr`` flag says), ``config show`` —
sees ``Secret('********')`` instead of the value.
"""

from __future__ import annotations

import hmac
from typing import Any, final

MASKED = "********"


@final
class Secret:
    """A secret text. ``repr``, ``str`` and ``format`` show :data:`MASKED`; :meth:`reveal`
    returns the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str | Secret) -> None:
        text = value.reveal() if isinstance(value, Secret) else value
        if not isinstance(text, str):
            raise TypeError(f"a secret is text, not {type(text).__name__}")
        self._value = text

    def reveal(self) -> str:
        """The secret value, for the one place that sends it."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASKED}')"

    def __str__(self) -> str:
        return MASKED

    def __format__(self, spec: str) -> str:
        return format(MASKED, spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        # Pickling carries the value to a worker process; it is never shown.
        return (Secret, (self._value,))

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis's and IPython's pretty printers ask this before anything else."""
        printer.text(repr(self))


def reveal(value: Secret | str | None) -> str | None:
    """The text of ``value``, whether it is held as a :class:`Secret` or as plain text."""
    return value.reveal() if isinstance(value, Secret) else value


def as_secret(value: Secret | str | None) -> Secret | None:
    """``value`` held as a :class:`Secret` (``None`` and empty text stay ``None``)."""
    if value is None or isinstance(value, Secret):
        return value
    return Secret(value) if value else None


class ShowsNoSecrets:
    """Mixin for dataclasses holding secrets in fields declared with ``repr=False``.

    Hypothesis prints a dataclass field by field, ignoring ``repr=False``; this makes its
    printer (and IPython's) use the dataclass's own ``repr``, which leaves those fields out.
    """

    __slots__ = ()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Print the object by its ``repr``, which leaves the secret fields out."""
        printer.text(repr(self))
