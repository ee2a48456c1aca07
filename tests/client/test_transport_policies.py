"""Retry-After parsing, the backoff schedule and the rate cap's token bucket (no network)."""

from __future__ import annotations

import datetime
import random
import threading
import time

import pytest

from badgegate.transport import RateLimiter, RetryPolicy, parse_retry_after

NOW = datetime.datetime(2026, 11, 20, 12, 0, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Fri, 20 Nov 2026 12:00:30 GMT", 30.0),
        ("Friday, 20-Nov-26 12:01:00 GMT", 60.0),  # RFC 850 form
        ("Fri, 20 Nov 2026 11:59:00 GMT", 0.0),  # in the past: retry now
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(
    header: str | None, expected: float | None
) -> None:
    assert parse_retry_after(header, now=NOW) == expected


def test_backoff_bound_doubles_then_stops_at_the_maximum() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=3.0)
    assert [policy.backoff_bound(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_full_jitter_stays_within_zero_and_the_bound_and_spreads() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_max=4.0)
    rng = random.Random(7)
    for attempt in range(6):
        delays = [policy.delay(attempt, rng=rng) for _ in range(300)]
        bound = policy.backoff_bound(attempt)
        assert all(0.0 <= delay <= bound for delay in delays)
        # Full jitter: draws cover the whole range, not just the top of it.
        assert min(delays) < bound * 0.1
        assert max(delays) > bound * 0.9


def test_retry_after_is_honoured_up_to_its_cap() -> None:
    policy = RetryPolicy(retry_after_cap=10.0)
    assert policy.delay(0, retry_after=3.0) == 3.0
    assert policy.delay(2, retry_after=3600.0) == 10.0


def test_a_negative_retry_count_is_refused() -> None:
    with pytest.raises(ValueError, match="retries must be >= 0"):
        RetryPolicy(retries=-1)


class FakeClock:
    """A monotonic clock that only moves when the bucket sleeps."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_token_bucket_allows_a_burst_then_spaces_requests_at_the_rate() -> None:
    clock = FakeClock()
    bucket = RateLimiter(4.0, burst=2, clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(6)]
    assert waits[:2] == [0.0, 0.0]
    assert waits[2:] == pytest.approx([0.25, 0.25, 0.25, 0.25])
    assert clock.now == pytest.approx(101.0)


def test_token_bucket_refills_while_idle_but_not_beyond_its_burst() -> None:
    clock = FakeClock()
    bucket = RateLimiter(1.0, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        bucket.acquire()
    clock.now += 60.0  # a long pause refills at most `burst` tokens
    assert [bucket.acquire() for _ in range(4)] == pytest.approx([0.0, 0.0, 0.0, 1.0])


def test_rate_cap_holds_across_threads() -> None:
    bucket = RateLimiter(100.0, burst=1)
    stamps: list[float] = []
    lock = threading.Lock()

    def take(count: int) -> None:
        for _ in range(count):
            bucket.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=take, args=(5,)) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stamps) == 20
    # 20 requests at 100/s with a burst of 1 need at least 19 intervals of 10 ms.
    assert max(stamps) - started >= 0.19 * 0.95


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)
