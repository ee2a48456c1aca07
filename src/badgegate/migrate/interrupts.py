"""Ctrl-C held back while the run log and the summary change together.

Confirming a group of batches takes them off the in-flight queue, logs them with their
checkpoints and counts them. A ``KeyboardInterrupt`` in the middle would leave batches neither
in flight nor logged, and the checkpoints logged after them would skip their records on resume.
Within :func:`deferred_interrupt` a SIGINT is only noted; it is raised once the block is done.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


@contextlib.contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Within the block a SIGINT is noted, then delivered to the previous handler after it.

    Only the main thread receives signals (and may install handlers); elsewhere, or when the
    current handler was not installed from Python, the block runs as it is.
    """
    previous = signal.getsignal(signal.SIGINT)
    if previous is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            signal.raise_signal(signal.SIGINT)
