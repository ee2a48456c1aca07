"""The provider states the contracts name, with their parameters (documented in the README).

Each state is named in domain terms; its parameters travel in the pact, and the provider's
state-change endpoint receives them as ``{"state", "params", "action"}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

NO_CREDENTIALS = "no credentials"
AWARDED_CREDENTIALS = "a learner with N awarded credentials"
CREDENTIAL_EXISTS = "a credential with id I exists"
ACHIEVEMENT_EXISTS = "an achievement with key K exists"
PROGRESS_EXISTS = "a progress record with key K exists"
CLIENT_HOLDS_TOKEN = "client C holds token T with scopes S"
CLIENT_REGISTERED = "client C is registered with secret X and scopes S"
CLIENT_HOLDS_REFRESH_TOKEN = "client C holds refresh token R with scopes S"
MIGRATION_RUN = "a migration run R created records"
ISSUER_PROFILE = "the issuer profile with id I exists"

# Awarded credentials start one day after this instant, one day apart (the state's default).
AWARDED_SINCE = "2024-01-01T00:00:00+00:00"


def holds_token(interaction: Any, client: str, token: str, scopes: Sequence[str]) -> Any:
    """Give ``interaction`` the state: ``client`` holds bearer ``token`` with ``scopes``."""
    return interaction.given(
        CLIENT_HOLDS_TOKEN, {"client": client, "token": token, "scopes": list(scopes)}
    )


def awarded_credentials(interaction: Any, count: int) -> Any:
    """Give ``interaction`` the state: ``count`` credentials, validFrom one day apart."""
    return interaction.given(AWARDED_CREDENTIALS, {"count": count, "since": AWARDED_SINCE})
