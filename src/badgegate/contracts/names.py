"""The names the contracts share: pacticipants, pact file names, and pact-python's import."""

from __future__ import annotations

import os

PROVIDER = "badge-engine"
MIGRATOR = "badge-migrator"
READER = "badge-reader"
CONSUMERS = (MIGRATOR, READER)


def pact_file_name(consumer: str, provider: str = PROVIDER) -> str:
    """The name pact-python gives the pact between ``consumer`` and ``provider``."""
    return f"{consumer}-{provider}.json"


def disable_tracking() -> None:
    """Turn pact-python's usage tracking off before it loads (no call leaves the machine)."""
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
