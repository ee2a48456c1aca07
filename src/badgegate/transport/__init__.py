"""HTTP transport shared by the API client, the fuzz suite and every probe of a badge-engine.

One pooled :class:`requests.Session` (:attr:`Transport.session`) with a mounted
:class:`PolicyAdapter` that applies, to anything sent through it: the write guard, default
timeouts, TLS settings, a rate cap, retries with exponential backoff and full jitter
(honouring ``Retry-After``), and logging on ``badgegate.http`` with secrets masked.
"""

from __future__ import annotations

from badgegate.transport.adapter import PolicyAdapter, Transport, mark_request
from badgegate.transport.curl import curl_command
from badgegate.transport.guard import WriteGuard, WriteRefused
from badgegate.transport.policies import (
    IDEMPOTENT_METHODS,
    RETRYABLE_STATUSES,
    RateLimiter,
    RetryPolicy,
    parse_retry_after,
)
from badgegate.transport.redaction import (
    MASK,
    redact,
    redact_headers,
    register_secret,
    register_secrets,
)

__all__ = [
    "IDEMPOTENT_METHODS",
    "MASK",
    "RETRYABLE_STATUSES",
    "PolicyAdapter",
    "RateLimiter",
    "RetryPolicy",
    "Transport",
    "WriteGuard",
    "WriteRefused",
    "curl_command",
    "mark_request",
    "parse_retry_after",
    "redact",
    "redact_headers",
    "register_secret",
    "register_secrets",
]
