"""The streaming machinery that ``migrate`` and ``reconcile`` share.

Both stream every legacy badge through the migration mapping: the planner turns legacy badges
into the upserts they become (:mod:`~badgegate.streaming.planner`, with the issuer and
``--since`` parsing both commands need), the garbage collector runs less often while they stream
(:mod:`~badgegate.streaming.collector`), and progress shows how far a run is
(:mod:`~badgegate.streaming.progress`). Neither command owns this package; both import it.
"""

from __future__ import annotations

from badgegate.streaming.collector import deferred_collection
from badgegate.streaming.planner import (
    PlannedBadge,
    batches,
    issuer_from_profile,
    operations_of,
    parse_since,
    plan_badges,
)
from badgegate.streaming.progress import (
    LineProgress,
    Progress,
    SilentProgress,
    TerminalProgress,
    progress_for,
)

__all__ = [
    "LineProgress",
    "PlannedBadge",
    "Progress",
    "SilentProgress",
    "TerminalProgress",
    "batches",
    "deferred_collection",
    "issuer_from_profile",
    "operations_of",
    "parse_since",
    "plan_badges",
    "progress_for",
]
