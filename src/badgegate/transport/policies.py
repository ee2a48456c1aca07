"""The per-request policies of the transport: retry with backoff, ``Retry-After`` and a rate cap."""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import random
import threading
import time
from collections.abc import Callable

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "OPTIONS"})


def parse_retry_after(value: str | None, *, now: datetime.datetime | None = None) -> float | None:
    """Return the delay in seconds a ``Retry-After`` header asks for, or ``None``.

    Both forms of RFC 9110 are understood: a number of seconds (``"120"``) and an HTTP date
    (``"Wed, 21 Oct 2026 07:28:00 GMT"``). A date in the past means "now" (``0.0``); anything
    unparseable is ``None``, so the caller falls back to its own backoff.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    current = now or datetime.datetime.now(datetime.UTC)
    return max(0.0, (when - current).total_seconds())


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before sending a request again.

    Exponential backoff with full jitter: before retry ``n`` (0-based) the transport waits a
    uniformly random time in ``[0, min(backoff_max, backoff_base * 2**n)]``, unless the
    response said ``Retry-After``, which is honoured up to ``retry_after_cap`` seconds.
    """

    retries: int = 3
    backoff_base: float = 0.25
    backoff_max: float = 8.0
    retry_after_cap: float = 60.0
    statuses: frozenset[int] = RETRYABLE_STATUSES

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, got {self.retries}")
        if self.backoff_base < 0 or self.backoff_max < 0 or self.retry_after_cap < 0:
            raise ValueError("backoff_base, backoff_max and retry_after_cap must be >= 0")

    def backoff_bound(self, attempt: int) -> float:
        """The upper bound of the wait before retry number ``attempt`` (0-based)."""
        return float(min(self.backoff_max, self.backoff_base * (2**attempt)))

    def delay(
        self,
        attempt: int,
        *,
        retry_after: float | None = None,
        rng: random.Random | None = None,
    ) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        draw = (rng or _RANDOM).uniform
        return draw(0.0, self.backoff_bound(attempt))

    def with_retries(self, retries: int) -> RetryPolicy:
        """A copy of this policy allowing ``retries`` retries."""
        return dataclasses.replace(self, retries=retries)


_RANDOM = random.Random()


class RateLimiter:
    """A thread-safe token bucket: at most ``rate`` requests per second, bursts up to ``burst``.

    :meth:`acquire` blocks until a token is available. ``clock`` and ``sleep`` are injectable
    so the bucket's arithmetic can be tested without waiting.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be a positive number of requests per second, got {rate}")
        self.rate = float(rate)
        self.burst = float(burst) if burst is not None else max(1.0, self.rate)
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._updated = clock()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RateLimiter(rate={self.rate:g}/s, burst={self.burst:g})"

    def acquire(self) -> float:
        """Take one token, waiting as long as needed; return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                wait = self._try_take()
            if wait <= 0:
                return waited
            self._sleep(wait)
            waited += wait

    def _try_take(self) -> float:
        """Take a token if one is there (return 0), else return how long until one is."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate
