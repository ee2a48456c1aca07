"""Progress while a run goes: a bar with rate and ETA on a terminal, plain lines otherwise.

The plain lines open with what the run does (``verb``: ``migrating`` for ``migrate``,
``reconciling`` for ``reconcile``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO

BAR_WIDTH = 28


class Progress(Protocol):
    """Told how far a run is; shows it somewhere."""

    def start(self, total: int | None, done: int = 0) -> None:
        """The run begins with ``total`` badges to go through (None when unknown)."""

    def advance(self, badges: int) -> None:
        """``badges`` more badges are confirmed."""

    def finish(self) -> None:
        """The run is over (completed or not)."""


def show_phase(
    progress: Progress, label: str, done: int, total: int | None, unit: str = "rows"
) -> None:
    """Tell ``progress`` that a phase besides the badges (``label``, e.g. the legacy checksum)
    is at ``done`` of ``total`` (counted in ``unit``), when it shows phases (has ``phase``);
    a :class:`Progress` of a library user need not."""
    phase = getattr(progress, "phase", None)
    if callable(phase):
        phase(label, done, total, unit)


class SilentProgress:
    """Shows nothing (library use, benchmarks)."""

    def start(self, total: int | None, done: int = 0) -> None:
        """Ignore."""

    def advance(self, badges: int) -> None:
        """Ignore."""

    def finish(self) -> None:
        """Ignore."""

    def phase(self, label: str, done: int, total: int | None, unit: str = "rows") -> None:
        """Ignore."""


class _Phases:
    """Meters of the phases besides the badges, one per label, for rate and ETA."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.meters: dict[str, _Meter] = {}

    def update(self, label: str, done: int, total: int | None) -> _Meter:
        meter = self.meters.get(label)
        if meter is None:
            meter = self.meters[label] = _Meter(self.clock)
            meter.begin(total, 0)
        meter.done, meter.total = done, total
        return meter


class _Meter:
    """Counts badges and derives rate and ETA."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.total: int | None = None
        self.done = 0
        self.started_at = clock()
        self.first = 0

    def begin(self, total: int | None, done: int) -> None:
        self.total, self.done, self.first = total, done, done
        self.started_at = self.clock()

    def rate(self) -> float:
        elapsed = self.clock() - self.started_at
        return (self.done - self.first) / elapsed if elapsed > 0 else 0.0

    def eta(self) -> str:
        rate = self.rate()
        if self.total is None or rate <= 0:
            return "--:--"
        seconds = int(max(self.total - self.done, 0) / rate)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"

    def counted(self) -> str:
        return f"{self.done}/{self.total}" if self.total is not None else str(self.done)


class TerminalProgress:
    """A one-line bar redrawn in place, at most ten times a second."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.meter = _Meter(clock)
        self.phases = _Phases(clock)
        self.drawn_at = 0.0

    def phase(self, label: str, done: int, total: int | None, unit: str = "rows") -> None:
        """Redraw the phase's line in place; end it when the phase is done."""
        meter = self.phases.update(label, done, total)
        self.stream.write(f"\r{label}: {meter.counted()} {unit}  ETA {meter.eta()} ")
        if total is not None and done >= total:
            self.stream.write("\n")
        self.stream.flush()

    def start(self, total: int | None, done: int = 0) -> None:
        """Draw the empty bar."""
        self.meter.begin(total, done)
        self._draw()

    def advance(self, badges: int) -> None:
        """Redraw when a tenth of a second has passed."""
        self.meter.done += badges
        if self.meter.clock() - self.drawn_at >= 0.1:
            self._draw()

    def finish(self) -> None:
        """Draw the final state and end the line."""
        self._draw()
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self) -> None:
        meter = self.meter
        share = meter.done / meter.total if meter.total else 0.0
        filled = int(BAR_WIDTH * min(share, 1.0))
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(
            f"\r[{bar}] {meter.counted()} badges  {meter.rate():,.0f}/s  ETA {meter.eta()} "
        )
        self.stream.flush()
        self.drawn_at = meter.clock()


class LineProgress:
    """A plain line every ``interval`` seconds (logs, CI, pipes), after an opening line that
    says what the run is doing (``verb``, ``migrating`` unless told)."""

    def __init__(
        self,
        stream: TextIO,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        *,
        verb: str = "migrating",
    ) -> None:
        self.stream = stream
        self.interval = interval
        self.verb = verb
        self.meter = _Meter(clock)
        self.phases = _Phases(clock)
        self.printed_at = 0.0
        self.phase_printed_at = -interval

    def phase(self, label: str, done: int, total: int | None, unit: str = "rows") -> None:
        """Print the phase's count and ETA every ``interval`` seconds, and when it is done."""
        meter = self.phases.update(label, done, total)
        finished = total is not None and done >= total
        if finished or meter.clock() - self.phase_printed_at >= self.interval:
            eta = "done" if finished else f"ETA {meter.eta()}"
            self._print(f"{self.verb}: {label}: {meter.counted()} {unit}, {eta}")
            self.phase_printed_at = meter.clock()

    def start(self, total: int | None, done: int = 0) -> None:
        """Print what the run is about to go through."""
        self.meter.begin(total, done)
        self.printed_at = self.meter.clock()
        known = f"{total} badges" if total is not None else "badges"
        self._print(f"{self.verb} {known} ({done} already confirmed)")

    def advance(self, badges: int) -> None:
        """Print a progress line when ``interval`` seconds have passed."""
        self.meter.done += badges
        if self.meter.clock() - self.printed_at >= self.interval:
            self._line()

    def finish(self) -> None:
        """Print the last progress line."""
        self._line()

    def _line(self) -> None:
        meter = self.meter
        self._print(f"{meter.counted()} badges, {meter.rate():,.0f} badges/s, ETA {meter.eta()}")
        self.printed_at = meter.clock()

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


def progress_for(stream: TextIO | None = None, *, verb: str = "migrating") -> Progress:
    """A bar on a terminal, plain lines otherwise (opening with ``verb``)."""
    target = stream or sys.stderr
    return TerminalProgress(target) if target.isatty() else LineProgress(target, verb=verb)
