"""Exit codes shared by every command and the exceptions that carry them."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """The exit codes of every badgegate command (ARCHITECTURE.md, Shared names)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    UNREACHABLE = 3
    ABORTED = 4
    INTERRUPTED = 130


class BadgegateError(Exception):
    """A user-facing error: says what is wrong, where, and what to do.

    The CLI prints ``str(error)`` (never a traceback) and exits with ``exit_code``.
    """

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class ConfigError(BadgegateError):
    """A usage or configuration mistake (exit 2)."""

    exit_code = ExitCode.USAGE


class TargetUnreachable(BadgegateError):
    """A service could not be reached: refused, timed out, DNS or TLS failure (exit 3)."""

    exit_code = ExitCode.UNREACHABLE


class ThresholdExceeded(BadgegateError):
    """A run stopped because failures passed the configured threshold (exit 4)."""

    exit_code = ExitCode.ABORTED
