"""Refresh tokens that rotate (RFC 6749 §6; OAuth 2.0 Security BCP, refresh token rotation).

A refresh token is issued with the access token of the authorization code grant. Each refresh
spends it and issues a new one of the same *family*; presenting a spent one again means it was
stolen or replayed, so the whole family is revoked: its live refresh token and every access
token issued through it. Revocation (RFC 7009) revokes a family the same way.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field


@dataclass
class _Family:
    """The refresh tokens issued one after another from one authorization."""

    client_id: str
    scopes: frozenset[str]
    live: str | None = None
    spent: set[str] = field(default_factory=set)
    access_tokens: set[str] = field(default_factory=set)


class RefreshTokens:
    """The engine's refresh tokens, by family."""

    def __init__(self) -> None:
        self._families: dict[str, _Family] = {}
        self._family_of: dict[str, str] = {}
        self._fixed: set[str] = set()

    def add_fixed(self, token: str, client_id: str, scopes: frozenset[str]) -> None:
        """A live refresh token of the caller's choosing (for a provider state); forgotten
        again by :meth:`drop_fixed`."""
        family_id = secrets.token_hex(8)
        self._families[family_id] = _Family(client_id, scopes, live=token)
        self._family_of[token] = family_id
        self._fixed.add(family_id)

    def drop_fixed(self) -> set[str]:
        """Forget the families provider states made; return the access tokens issued through
        them, to revoke."""
        issued: set[str] = set()
        for family_id in self._fixed:
            issued |= self.revoke_family(family_id)
        self._fixed.clear()
        return issued

    def start(self, client_id: str, scopes: frozenset[str], access_token: str) -> str:
        """A new family for an authorization: its first refresh token."""
        family_id = secrets.token_hex(8)
        self._families[family_id] = _Family(client_id, scopes, access_tokens={access_token})
        return self._issue(family_id)

    def _issue(self, family_id: str) -> str:
        token = secrets.token_urlsafe(32)
        self._families[family_id].live = token
        self._family_of[token] = family_id
        return token

    def rotate(self, token: str, client_id: str) -> tuple[str, frozenset[str]] | None:
        """Spend ``token``: the family id and scopes when it is the client's live refresh
        token; ``None`` when it is unknown, the client's no more, or spent (the family is
        then revoked, see :meth:`revoke_family`)."""
        family_id = self._family_of.get(token)
        family = self._families.get(family_id) if family_id else None
        if family_id is None or family is None or family.client_id != client_id:
            return None
        if family.live != token:
            return None
        family.live = None
        family.spent.add(token)
        return family_id, family.scopes

    def was_spent(self, token: str) -> str | None:
        """The family of a refresh token that was already spent (a replay), else ``None``."""
        family_id = self._family_of.get(token)
        family = self._families.get(family_id) if family_id else None
        return family_id if family is not None and token in family.spent else None

    def continue_family(self, family_id: str, access_token: str) -> str:
        """The next refresh token of a family, issued with ``access_token``."""
        self._families[family_id].access_tokens.add(access_token)
        return self._issue(family_id)

    def family_of(self, token: str, client_id: str) -> str | None:
        """The family of the client's refresh token ``token`` (live or spent)."""
        family_id = self._family_of.get(token)
        family = self._families.get(family_id) if family_id else None
        return family_id if family is not None and family.client_id == client_id else None

    def revoke_family(self, family_id: str) -> set[str]:
        """Revoke a family: forget its refresh tokens; return its access tokens to revoke."""
        family = self._families.pop(family_id, None)
        if family is None:
            return set()
        for token in [family.live, *family.spent]:
            if token is not None:
                self._family_of.pop(token, None)
        return family.access_tokens
